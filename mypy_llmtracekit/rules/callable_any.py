"""ltk-callable-any (opt-in): explicit ``Any`` among a ``Callable``'s parameter types.

What it catches
    ``Callable[[Any, int], R]`` written in an annotation: the guide asks for real
    parameter types (or a ``ParamSpec``) when the signature is known.
    Off by default; enable it with ``enable_error_code = ltk-callable-any``.

Why a syntax-only linter cannot
    ``Any`` and ``Callable`` may be imported under any name (``t.Any``,
    ``from collections.abc import Callable as Fn``); the plugin resolves both.

Bad::

    def on_event(handler: Callable[[Any], None]) -> None: ...

Good::

    def on_event(handler: Callable[[Event], None]) -> None: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import AssignmentStmt, FuncItem
from mypy.types import Type, UnboundType

from mypy_llmtracekit.kinds import (
    FUNC_DEF,
    TYPE_LIST,
    UNBOUND_TYPE,
)
from mypy_llmtracekit.names import CALLABLE_NAMES
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.written import WrittenNames, all_written, resolved, scope_tables, spell

CODE: ErrorCode = error_code(
    "ltk-callable-any", "Explicit Any among a Callable's parameter types", default_enabled=False
)
ANY_NAMES: Final = frozenset({"typing.Any", "typing_extensions.Any"})


def _any_params(t: Type | None, ctx: ModuleContext, names: WrittenNames) -> Iterator[UnboundType]:
    for written in all_written(t):
        if not isinstance(written, UNBOUND_TYPE) or not written.args:
            continue
        params = written.args[0]
        if not isinstance(params, TYPE_LIST) or resolved(written, ctx, names) not in CALLABLE_NAMES:
            continue
        if any(
            isinstance(p, UNBOUND_TYPE) and resolved(p, ctx, names) in ANY_NAMES
            for p in params.items
        ):
            yield written


def _report(ctx: ModuleContext, found: UnboundType) -> None:
    ctx.report(
        CODE,
        f'"{spell(found)}" takes "Any" parameters; write the real parameter types, '
        'or Callable[P, R] with P = ParamSpec("P")',
        found,
    )


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if isinstance(func, FUNC_DEF):
        for found in _any_params(func.unanalyzed_type, ctx, scope_tables(ctx, scope)):
            _report(ctx, found)


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    for found in _any_params(stmt.unanalyzed_type, ctx, scope_tables(ctx, scope)):
        _report(ctx, found)


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)

    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Explicit Any among a Callable's parameter types (opt-in)",
    module=__name__,
    checks=_Checks(),
)

"""ltk-optional-union (opt-in): ``Optional[X]``/``Union[X, Y]`` instead of ``X | None``/``X | Y``.

What it catches
    ``Optional[...]`` and ``Union[...]`` written in annotations, under any import
    form (``typing.Optional``, ``t.Union``, an alias). The message gives the PEP
    604 spelling, in quotes where the annotation was a string or holds one
    (``"Optional[Chat]"`` with ``Chat`` imported under ``TYPE_CHECKING``).
    Off by default; enable it with ``enable_error_code = ltk-optional-union``.

Why a syntax-only linter cannot
    ruff's UP007 sees the name; the plugin knows that ``Opt`` was imported as
    ``typing.Optional`` and leaves a project class named ``Optional`` alone.

Bad::

    def get_user(user_id: Optional[str]) -> Union[UserRead, None]: ...

Good::

    def get_user(user_id: str | None) -> UserRead | None: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import AssignmentStmt, FuncItem
from mypy.types import Type, UnboundType

from mypy_llmtracekit.kinds import (
    FUNC_DEF,
    UNBOUND_TYPE,
    UNION_TYPE,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.written import WrittenNames, all_written, resolved, scope_tables, spell

CODE: ErrorCode = error_code(
    "ltk-optional-union",
    "Optional[X]/Union[X, Y] instead of X | None / X | Y",
    default_enabled=False,
)
OPTIONAL: Final = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION: Final = frozenset({"typing.Union", "typing_extensions.Union"})


def _from_string(t: Type) -> bool:
    return isinstance(t, (UNBOUND_TYPE, UNION_TYPE)) and t.original_str_expr is not None


def _pep604(t: UnboundType, name: str, ctx: ModuleContext, names: WrittenNames) -> str:
    """``X | None``; quoted when it was a string or holds one (``Optional["Chat"]``).

    A name that exists only under ``if TYPE_CHECKING:`` must stay in a string, and
    ``"Chat" | None`` would raise TypeError at run time. Nested ``Optional``/
    ``Union`` are flattened (``Optional[Union[int, str]]`` -> ``int | str | None``).
    """
    items = _items(t, name, ctx, names)
    text = " | ".join(dict.fromkeys(items))
    if _from_string(t) or any(_holds_string(a) for a in t.args):
        return f'"{text}"' if "'" in text else f"'{text}'"
    return text


def _items(t: UnboundType, name: str, ctx: ModuleContext, names: WrittenNames) -> list[str]:
    items: list[str] = []
    for arg in t.args:
        inner = resolved(arg, ctx, names) if isinstance(arg, UNBOUND_TYPE) else None
        if isinstance(arg, UNBOUND_TYPE) and arg.args and (inner in OPTIONAL or inner in UNION):
            items.extend(_items(arg, inner, ctx, names))
        else:
            items.append(spell(arg, forward_refs=False))
    if name in OPTIONAL:
        items = [i for i in items if i != "None"] + ["None"]
    return items


def _holds_string(t: Type) -> bool:
    if _from_string(t):
        return True
    return (
        isinstance(t, UNBOUND_TYPE)
        and t.name.rpartition(".")[2] != "Literal"
        and any(_holds_string(a) for a in t.args)
    )


def _written_text(t: UnboundType) -> str:
    return f"'{spell(t, forward_refs=False)}'" if _from_string(t) else spell(t)


def _old_unions(
    t: Type | None, ctx: ModuleContext, names: WrittenNames
) -> Iterator[tuple[UnboundType, str]]:
    for written in all_written(t):
        if not isinstance(written, UNBOUND_TYPE) or not written.args:
            continue
        name = resolved(written, ctx, names)
        if name in OPTIONAL or name in UNION:
            yield written, _pep604(written, name, ctx, names)


def _report(ctx: ModuleContext, found: UnboundType, better: str) -> None:
    ctx.report(CODE, f'Write "{better}" instead of "{_written_text(found)}" (PEP 604)', found)


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if isinstance(func, FUNC_DEF):
        for found, better in _old_unions(func.unanalyzed_type, ctx, scope_tables(ctx, scope)):
            _report(ctx, found, better)


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    for found, better in _old_unions(stmt.unanalyzed_type, ctx, scope_tables(ctx, scope)):
        _report(ctx, found, better)


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)

    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Optional[X] / Union[X, Y] where X | None / X | Y is meant (opt-in)",
    module=__name__,
    checks=_Checks(),
)

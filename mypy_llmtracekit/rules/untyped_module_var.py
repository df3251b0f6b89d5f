"""ltk-untyped-module-var: a module variable whose type nobody can tell from its line.

What it catches
    A module-level assignment without annotation (a bare ``Final`` counts as none)
    whose value is not obvious: the result of a function or method call, a
    reference to another name or attribute, an operator, a conditional, a
    comprehension, a ``None`` placeholder, a collection with mixed items, or any
    value whose inferred type contains ``Any``. The message carries mypy's
    inferred type, spelled so that it pastes (see ``spelling.py``): names as the
    file binds them, the import to add, and no suggestion at all (but the reason,
    e.g. where an ``Any`` comes from) when no correct annotation can be written.

Obvious (left alone)
    literals (``10``, ``-1.5``, ``"x"``, ``f"..."``, ``b""``, ``True``), displays of
    literals of one type, instantiations of a class, ``logging.getLogger(...)``,
    ``re.compile(...)`` and the calls listed in ``obvious_calls``; type-level
    definitions (``TypeVar``, ``ParamSpec``, ``NewType``, functional ``NamedTuple``/
    ``TypedDict``/``Enum``, type aliases); dunder names (``__all__``).

Why a syntax-only linter cannot
    Whether ``Settings()`` instantiates a class or calls a function, and whether
    ``load()`` returns something with ``Any`` inside, is only known with types.

Messages (the fix command parses them)
    ``...; annotate it: NAME: TYPE = ...`` (``self.NAME`` for attributes), with
    `` (add: from M import N)`` appended when the file must import a name; where
    no correct annotation can be written (mypy knows only ``Any``, a type
    variable out of scope, a signature ``Callable`` cannot write) there is no
    ``annotate it:`` part and the message says why. Returns use
    ``annotate it: -> TYPE`` and parameters ``annotate it: NAME: TYPE``.

Setting
    ``obvious_calls``: calls whose result counts as obvious, e.g. ``app.config.load``.

Bad::

    settings = load_settings()
    handlers = {"a": on_a, "b": 1}

Good::

    settings: Settings = load_settings()
    MAX_RETRIES = 10
    logger = logging.getLogger(__name__)
"""

from __future__ import annotations

from collections.abc import Iterator

from mypy.errorcodes import ErrorCode
from mypy.nodes import AssignmentStmt, Expression, NameExpr, Var

from mypy_llmtracekit.kinds import (
    NAME_EXPR,
    TUPLE_EXPR,
    UNBOUND_TYPE,
    VAR,
)
from mypy_llmtracekit.obvious import is_obvious
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code
from mypy_llmtracekit.suggest import variable_message, variable_suggestion

CODE: ErrorCode = error_code(
    "ltk-untyped-module-var", "Module-level variable without annotation and not obvious"
)


def _bare_final(stmt: AssignmentStmt) -> bool:
    annotation = stmt.unanalyzed_type
    return stmt.is_final_def and isinstance(annotation, UNBOUND_TYPE) and not annotation.args


def _targets(lvalue: Expression, rvalue: Expression) -> Iterator[tuple[NameExpr, Expression]]:
    """Pair each assigned name with the expression that gives its value."""
    if isinstance(lvalue, NAME_EXPR):
        yield lvalue, rvalue
        return
    if not isinstance(lvalue, TUPLE_EXPR):
        return
    pairwise = isinstance(rvalue, TUPLE_EXPR) and len(rvalue.items) == len(lvalue.items)
    for index, item in enumerate(lvalue.items):
        value = rvalue.items[index] if isinstance(rvalue, TUPLE_EXPR) and pairwise else rvalue
        yield from _targets(item, value)


def _is_exempt_name(name: str) -> bool:
    return name == "_" or (name.startswith("__") and name.endswith("__"))


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    if scope.kind is not ScopeKind.MODULE:
        return
    if stmt.unanalyzed_type is not None and not _bare_final(stmt):
        return
    final = _bare_final(stmt)
    for lvalue in stmt.lvalues:
        for name_expr, value in _targets(lvalue, stmt.rvalue):
            _check_name(ctx, name_expr, value, final)


def _check_name(ctx: ModuleContext, name_expr: NameExpr, value: Expression, final: bool) -> None:
    if not name_expr.is_new_def or _is_exempt_name(name_expr.name):
        return
    symbol = ctx.tree.names.get(name_expr.name)
    var = symbol.node if symbol is not None else None
    if not isinstance(var, VAR):
        return  # a class, a type alias, a TypeVar, ...
    if is_obvious(value, var.type, lambda name: name in ctx.obvious_calls):
        return
    ctx.report(CODE, _message(ctx, name_expr.name, var, value, final), name_expr)


def _message(ctx: ModuleContext, name: str, var: Var, value: Expression, final: bool) -> str:
    spelled = variable_suggestion(ctx, var.type, value, info=None, func=None, runtime=True)
    head = f'Module-level variable "{name}" has no annotation and its type is not obvious'
    return variable_message(head, name, spelled, final=final)


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Module-level variable without annotation whose type is not obvious from its line",
    module=__name__,
    checks=_Checks(),
)

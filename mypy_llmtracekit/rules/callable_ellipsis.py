"""ltk-callable-ellipsis: ``Callable[..., R]`` or a bare ``Callable`` written in checked code.

What it catches
    A callable type that hides its parameters: ``Callable[..., R]``,
    ``Callable[Concatenate[X, ...], R]`` or a bare ``Callable``, wherever a type is
    written: parameter, return, variable and attribute annotations, type alias
    definitions (flagged once, at the definition), ``TypeVar`` bounds, defaults and
    constraints, ``cast(...)``, string annotations, nested inside other types.

Why a syntax-only linter cannot
    ``Fn[..., int]`` is ``collections.abc.Callable`` only if ``Fn`` was imported as
    it; ``t.Callable`` only if ``t`` is ``typing``; a project class may be called
    ``Callable``. The plugin resolves each name with mypy's symbol tables, and
    reads aliases and TypeVar bounds after mypy analysed them.

Left alone
    ``tuple[int, ...]``, ``...`` as a default or a body, a project class named
    ``Callable``, a use of a type alias (its definition is flagged instead), types
    from third-party code and stubs.

Bad::

    from collections.abc import Callable as Fn
    def retry(fn: Fn[..., Any]) -> Fn[..., Any]: ...

Good::

    P = ParamSpec("P")
    R = TypeVar("R")
    def retry(fn: Callable[P, R]) -> Callable[P, R]: ...
"""

from __future__ import annotations

from typing import cast

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    AssignmentStmt,
    CallExpr,
    Expression,
    FuncItem,
    TypeAliasStmt,
    TypeVarLikeExpr,
)
from mypy.types import (
    CallableType,
    Type,
    TypeList,
    UnboundType,
    UnionType,
)

from mypy_llmtracekit.kinds import (
    CALL_EXPR,
    CALLABLE_TYPE,
    CAST_EXPR,
    ELLIPSIS_TYPE,
    FUNC_DEF,
    INSTANCE,
    MEMBER_EXPR,
    NAME_EXPR,
    OVERLOADED,
    PARAM_SPEC_EXPR,
    TUPLE_TYPE,
    TYPE_ALIAS,
    TYPE_ALIAS_TYPE,
    TYPE_LIST,
    TYPE_TYPE,
    TYPE_VAR_EXPR,
    TYPED_DICT_TYPE,
    UNBOUND_TYPE,
    UNION_TYPE,
    UNPACK_TYPE,
)
from mypy_llmtracekit.names import CALLABLE_NAMES, CONCATENATE_NAMES
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code
from mypy_llmtracekit.written import WrittenNames, resolved, scope_tables, spell

CODE: ErrorCode = error_code(
    "ltk-callable-ellipsis", "Callable[..., R] or bare Callable hides a signature"
)

CAST_MESSAGE = (
    'cast() to a callable with "..." parameters hides the parameter types; write '
    'Callable[P, R] with P = ParamSpec("P"), or list the parameters: Callable[[int, str], R]'
)


def _ellipsis_message(written: str, where: str, ret: str) -> str:
    return (
        f'"{written}" ({where}) hides the parameter types; write Callable[P, {ret}] with '
        f'P = ParamSpec("P"), or list the parameters: Callable[[int, str], {ret}]'
    )


def _bare_message(where: str) -> str:
    return (
        f'Bare "Callable" ({where}) hides the parameter and return types; write '
        'Callable[P, R] with P = ParamSpec("P") and R = TypeVar("R"), or Callable[[int, str], R]'
    )


def _alias_message(name: str, target: Type | None) -> str:
    if isinstance(target, CALLABLE_TYPE):
        return (
            f'Type alias "{name}" is a callable with "..." parameters; define it with a '
            f'ParamSpec: {name} = Callable[P, R] with P = ParamSpec("P")'
        )
    return (
        f'Type alias "{name}" holds a callable with "..." parameters inside it; give that '
        "callable its parameter list (Callable[[int, str], R]) or a ParamSpec "
        '(Callable[P, R] with P = ParamSpec("P"))'
    )


def _bound_message(name: str) -> str:
    return (
        f'TypeVar "{name}" is bound by a callable with "..." parameters; '
        "take the callable's parameters with a ParamSpec instead: Callable[P, R]"
    )


# --- written annotations (unanalysed types keep their positions) -------------


def _hides_params(t: UnboundType, ctx: ModuleContext, names: WrittenNames) -> bool:
    """Whether ``t`` is a callable type that hides its parameters."""
    if resolved(t, ctx, names) not in CALLABLE_NAMES:
        return False
    if not t.args or isinstance(t.args[0], ELLIPSIS_TYPE):
        return True
    first = t.args[0]
    return (
        isinstance(first, UNBOUND_TYPE)
        and bool(first.args)
        and isinstance(first.args[-1], ELLIPSIS_TYPE)
        and resolved(first, ctx, names) in CONCATENATE_NAMES
    )


def _hidden_message(t: UnboundType, where: str) -> str:
    """The message for ``t``, a callable type that hides its parameters."""
    if not t.args:
        return _bare_message(where)
    ret = spell(t.args[1]) if len(t.args) > 1 else "R"
    return _ellipsis_message(spell(t), where, ret)


def _written(t: Type | None, ctx: ModuleContext, names: WrittenNames) -> list[UnboundType]:
    """Every hidden-parameter callable written inside ``t``, outer ones first, in
    source order (the order of ``written.all_written``)."""
    found: list[UnboundType] = []
    if t is not None:
        _find_written(t, ctx, names, found)
    return found


def _find_written(
    t: Type, ctx: ModuleContext, names: WrittenNames, found: list[UnboundType]
) -> None:
    # Every annotation of every function and assignment passes here: one test of
    # the exact class per type (these classes have no subclasses), no list of
    # all the types written.
    kind = type(t)
    if kind is UNBOUND_TYPE:
        written = cast(UnboundType, t)
        if _hides_params(written, ctx, names):
            found.append(written)
        for arg in written.args:
            _find_written(arg, ctx, names, found)
    elif kind is UNION_TYPE:
        for item in cast(UnionType, t).items:
            _find_written(item, ctx, names, found)
    elif kind is TYPE_LIST:
        for item in cast(TypeList, t).items:
            _find_written(item, ctx, names, found)
    elif kind is CALLABLE_TYPE:
        signature = cast(CallableType, t)
        for arg in signature.arg_types:
            _find_written(arg, ctx, names, found)
        _find_written(signature.ret_type, ctx, names, found)


def _report_written(ctx: ModuleContext, found: list[UnboundType], where: str) -> None:
    """Report what :func:`_written` found in one annotation (``where``).

    Two on one line get different messages (mypy folds identical ones).
    """
    seen: dict[str, int] = {}
    for written in found:
        message = _hidden_message(written, where)
        seen[message] = seen.get(message, 0) + 1
        if seen[message] > 1:
            message = f"{message} (occurrence {seen[message]})"
        ctx.report(CODE, message, written)


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not isinstance(func, FUNC_DEF):
        return
    signature = func.unanalyzed_type
    if not isinstance(signature, CALLABLE_TYPE):
        return
    names = scope_tables(ctx, scope)
    # The messages' wording is built only for an annotation with a finding.
    for arg_type, name in zip(signature.arg_types, signature.arg_names):
        found = _written(arg_type, ctx, names)
        if found:
            _report_written(ctx, found, f'parameter "{name}" of "{func.name}"')
    found = _written(signature.ret_type, ctx, names)
    if found:
        _report_written(ctx, found, f'return type of "{func.name}"')


# --- analysed definitions (aliases, TypeVars, casts) --------------------------


def _hides(t: Type | None) -> bool:
    """Return True if the analysed type ``t`` holds a callable with ``...`` parameters.

    Other aliases are not entered: each is judged at its own definition.
    """
    if t is None or isinstance(t, TYPE_ALIAS_TYPE):
        return False
    if isinstance(t, CALLABLE_TYPE):
        if t.is_ellipsis_args:
            return True
        return any(_hides(a) for a in t.arg_types) or _hides(t.ret_type)
    if isinstance(t, INSTANCE):
        return any(_hides(a) for a in t.args)
    if isinstance(t, (UNION_TYPE, OVERLOADED)):
        return any(_hides(i) for i in t.items)
    if isinstance(t, TUPLE_TYPE):
        return any(_hides(i) for i in t.items)
    if isinstance(t, TYPED_DICT_TYPE):
        return any(_hides(i) for i in t.items.values())
    if isinstance(t, TYPE_TYPE):
        return _hides(t.item)
    if isinstance(t, UNPACK_TYPE):
        return _hides(t.type)
    return False


def _typevar_hides(expr: TypeVarLikeExpr) -> bool:
    if _hides(expr.upper_bound) or _hides(expr.default):
        return True
    return isinstance(expr, TYPE_VAR_EXPR) and any(_hides(v) for v in expr.values)


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    names = scope_tables(ctx, scope)
    if stmt.unanalyzed_type is not None:
        found = _written(stmt.unanalyzed_type, ctx, names)
        if found:
            _report_written(ctx, found, _annotated(stmt))
    if len(stmt.lvalues) != 1 or not isinstance(stmt.lvalues[0], NAME_EXPR):
        return
    name = stmt.lvalues[0].name
    # An alias is defined at module or class level: in a function body the
    # name's symbol there (if any) is defined on another line.
    symbol = names.tables[0].get(name) if scope.kind is not ScopeKind.FUNCTION else None
    node = symbol.node if symbol is not None else None
    if isinstance(node, TYPE_ALIAS) and node.line == stmt.line and _hides(node.target):
        ctx.report(CODE, _alias_message(name, node.target), stmt.rvalue)
        return
    rvalue = stmt.rvalue
    if (
        isinstance(rvalue, CALL_EXPR)
        and isinstance(rvalue.analyzed, (TYPE_VAR_EXPR, PARAM_SPEC_EXPR))
        and _typevar_hides(rvalue.analyzed)
    ):
        ctx.report(CODE, _bound_message(name), _typevar_argument(rvalue))


def _annotated(stmt: AssignmentStmt) -> str:
    lvalue = stmt.lvalues[0] if stmt.lvalues else None
    if isinstance(lvalue, NAME_EXPR):
        return f'annotation of "{lvalue.name}"'
    if isinstance(lvalue, MEMBER_EXPR):
        return f'annotation of "{lvalue.name}"'
    return "annotation"


def _typevar_argument(call: CallExpr) -> Expression:
    """Point at the bound (or the first argument after the name)."""
    for arg, arg_name in zip(call.args, call.arg_names):
        if arg_name in ("bound", "default"):
            return arg
    return call.args[1] if len(call.args) > 1 else call


def _check_type_alias(ctx: ModuleContext, stmt: TypeAliasStmt, scope: Scope) -> None:
    alias = stmt.alias_node
    if alias is not None and _hides(alias.target):
        ctx.report(CODE, _alias_message(stmt.name.name, alias.target), stmt.value)


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    cast = call.analyzed
    if isinstance(cast, CAST_EXPR) and call.args and _hides(cast.type):
        ctx.report(CODE, CAST_MESSAGE, call.args[0])


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)

    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)

    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)

    def on_type_alias(self, ctx: ModuleContext, stmt: TypeAliasStmt, scope: Scope) -> None:
        _check_type_alias(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Callable[..., R] or bare Callable written in checked code; use a ParamSpec",
    module=__name__,
    checks=_Checks(),
)

"""ltk-untyped-attribute: a class attribute or ``self.x = ...`` whose type is not obvious.

What it catches
    A class-body assignment or a ``self.x = ...`` assignment in a method, without
    annotation, whose value is not obvious from its line (the same definition as
    ``ltk-untyped-module-var``). The message carries mypy's inferred type.

Obvious (left alone)
    Literals, displays of literals of one type, instantiations, the configured
    ``obvious_calls``; a parameter that has an annotation
    (``self._account_id = account_id``, annotated ``*args``/``**kwargs``
    included); an attribute whose type a base class declares (or may declare: a
    base mypy cannot resolve); Enum members and dataclass, NamedTuple and TypedDict fields (they
    are not attributes in this sense).

Why a syntax-only linter cannot
    ``self._conn = conn`` is obvious only if ``conn`` is an annotated parameter;
    ``self.cache = make_cache()`` needs the inferred type to be useful; whether a
    base class declares ``timeout`` takes the class hierarchy.

Bad::

    class ChatController:
        def __init__(self, db):
            self._pool = create_pool(db)

Good::

    class ChatController:
        def __init__(self, db: DBConnection) -> None:
            self._db = db
            self._pool: Pool = create_pool(db)
"""

from __future__ import annotations

from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    AssignmentStmt,
    Expression,
    FuncDef,
    TypeInfo,
)

from mypy_llmtracekit.kinds import (
    FUNC_DEF,
    MEMBER_EXPR,
    NAME_EXPR,
    VAR,
)
from mypy_llmtracekit.names import is_record_class
from mypy_llmtracekit.obvious import is_obvious
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code
from mypy_llmtracekit.suggest import variable_message, variable_suggestion

CODE: ErrorCode = error_code(
    "ltk-untyped-attribute", "Class attribute without annotation and not obvious"
)


def _declared_by_base(info: TypeInfo, name: str) -> bool:
    for base in info.mro[1:]:
        symbol = base.names.get(name)
        if symbol is not None and isinstance(symbol.node, VAR) and symbol.node.type is not None:
            return True
    return False


def _annotated_parameter(func: FuncDef, value: Expression) -> bool:
    if not isinstance(value, NAME_EXPR):
        return False
    return any(
        arg.variable.name == value.name and arg.type_annotation is not None
        for arg in func.arguments
    )


def _skip_name(name: str) -> bool:
    return name == "_" or (name.startswith("__") and name.endswith("__"))


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    if stmt.unanalyzed_type is not None or scope.cls is None or len(stmt.lvalues) != 1:
        return
    info = scope.cls.info
    if _is_record_class(ctx, info):  # their fields are not attributes in the guide's sense
        return
    lvalue = stmt.lvalues[0]
    if scope.kind is ScopeKind.CLASS and isinstance(lvalue, NAME_EXPR):
        if lvalue.is_new_def:
            _judge(ctx, info, lvalue.name, stmt.rvalue, lvalue, f"{lvalue.name}", None)
        return
    func = scope.function
    if (
        scope.kind is ScopeKind.FUNCTION
        and isinstance(func, FUNC_DEF)
        and func.info is info
        and isinstance(lvalue, MEMBER_EXPR)
        and lvalue.is_inferred_def
        and isinstance(lvalue.expr, NAME_EXPR)
        and func.arguments
        and lvalue.expr.name == func.arguments[0].variable.name
    ):
        target = f"{lvalue.expr.name}.{lvalue.name}"
        _judge(ctx, info, lvalue.name, stmt.rvalue, lvalue, target, func)


def _is_record_class(ctx: ModuleContext, info: TypeInfo) -> bool:
    """``names.is_record_class``, answered once per class of the module."""
    if _RECORDS and _RECORDS[0][0] is ctx:
        records = _RECORDS[0][1]
    else:
        records = {}
        _RECORDS[:] = [(ctx, records)]
    found = records.get(info)
    if found is None:
        found = records[info] = is_record_class(info)
    return found


# Per module pass (the last one): whether each class is a record class.
_RECORDS: Final[list[tuple[ModuleContext, dict[TypeInfo, bool]]]] = []


def _judge(
    ctx: ModuleContext,
    info: TypeInfo,
    name: str,
    value: Expression,
    where: Expression,
    target: str,
    method: FuncDef | None,
) -> None:
    if _skip_name(name) or _declared_by_base(info, name) or info.fallback_to_any:
        return  # fallback_to_any: a base mypy cannot see may declare it
    if method is not None and _annotated_parameter(method, value):
        return
    symbol = info.names.get(name)
    var = symbol.node if symbol is not None else None
    if not isinstance(var, VAR):
        return
    if is_obvious(value, var.type, lambda called: called in ctx.obvious_calls):
        return
    spelled = variable_suggestion(
        ctx, var.type, value, info=info, func=method, runtime=method is None
    )
    head = (
        f'Attribute "{name}" of class "{info.name}" has no annotation and its type is not obvious'
    )
    ctx.report(CODE, variable_message(head, target, spelled), where)


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Class attribute or self.x assignment without annotation whose type is not obvious",
    module=__name__,
    checks=_Checks(),
)

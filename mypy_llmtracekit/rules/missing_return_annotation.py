"""ltk-missing-return-annotation: a function that returns a value, without return annotation.

What it catches
    A function without return annotation that returns a value (``return <expr>``
    whose type is not ``None``) or is a generator. Omitting ``-> None`` is allowed,
    as the style guide says. The message proposes the type mypy inferred.

Why a syntax-only linter cannot
    ``return helper()`` returns a value only if ``helper`` does: the plugin asks
    mypy for the type of the returned expression, so a call of a function that
    returns ``None`` needs no annotation.

Bad::

    async def get_user(db: DBConnection, user_id: str):
        return await fetch_user(db, user_id)

Good::

    async def get_user(db: DBConnection, user_id: str) -> UserRead:
        return await fetch_user(db, user_id)

    async def _validate(self, chat_id: str):  # returns nothing: no -> None needed
        ...
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Expression,
    FuncDef,
    FuncItem,
    NameExpr,
    RefExpr,
    ReturnStmt,
)
from mypy.types import (
    AnyType,
    CallableType,
    NoneType,
    ProperType,
    TypeOfAny,
    get_proper_type,
)

from mypy_llmtracekit.compat import format_type
from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.walker import own_nodes

CODE: ErrorCode = error_code(
    "ltk-missing-return-annotation", "Function returns a value but has no return annotation"
)


def _has_return_annotation(func: FuncDef) -> bool:
    written = func.unanalyzed_type
    if not isinstance(written, CallableType):
        return False
    ret = written.ret_type
    return not (isinstance(ret, AnyType) and ret.type_of_any == TypeOfAny.unannotated)


def _declared_none(call: Expression) -> bool:
    """``helper()`` where ``helper`` is declared to return None (for unchecked bodies)."""
    if not isinstance(call, CallExpr) or not isinstance(call.callee, RefExpr):
        return False
    node = call.callee.node
    if isinstance(node, FuncDef) and isinstance(node.type, CallableType):
        return isinstance(get_proper_type(node.type.ret_type), NoneType)
    return False


def _returned_type(ctx: ModuleContext, value: Expression) -> ProperType | None | bool:
    """The type of a returned value; False if it is certainly None."""
    if isinstance(value, NameExpr) and value.fullname == "builtins.None":
        return False
    typ = ctx.type_of(value)
    if isinstance(typ, NoneType) or (typ is None and _declared_none(value)):
        return False
    return typ


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not isinstance(func, FuncDef) or _has_return_annotation(func):
        return
    if func.is_generator or func.is_async_generator:
        kind = "AsyncIterator[...]" if func.is_async_generator else "Iterator[...]"
        ctx.report_definition(
            CODE,
            f'Generator "{func.name}" has no return annotation; annotate it: -> {kind}',
            func,
        )
        return
    for node in own_nodes(func.body.body):
        if not isinstance(node, ReturnStmt) or node.expr is None:
            continue
        returned = _returned_type(ctx, node.expr)
        if returned is False:
            continue
        shown = "<type>"
        if isinstance(returned, ProperType) and not isinstance(returned, AnyType):
            shown = format_type(returned, ctx.options, ctx.tree.fullname)
        ctx.report_definition(
            CODE,
            f'Function "{func.name}" returns a value but has no return annotation; '
            f"annotate it: -> {shown}",
            func,
        )
        return


RULE = Rule(
    code=CODE,
    summary="Function that returns a value (or yields) without a return annotation",
    doc=__doc__ or "",
    on_function=_check_function,
)

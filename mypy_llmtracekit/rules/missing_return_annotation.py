"""ltk-missing-return-annotation: a function that returns a value, without return annotation.

What it catches
    A function without return annotation that returns a value (``return <expr>``
    whose type is not ``None``) or is a generator. Omitting ``-> None`` is allowed,
    as the style guide says. The message proposes the union of the types of
    every ``return`` (``-> int | None``), spelled so that it pastes; where mypy
    knows only ``Any`` or did not check the body, it says so instead.

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

from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    Expression,
    FuncDef,
    FuncItem,
    NameExpr,
)
from mypy.types import (
    Instance,
    NoneType,
    ProperType,
    Type,
    TypeOfAny,
)

from mypy_llmtracekit.kinds import (
    ANY_TYPE,
    CALL_EXPR,
    CALLABLE_TYPE,
    FUNC_DEF,
    NAME_EXPR,
    NONE_TYPE,
    REF_EXPR,
    RETURN_STMT,
    TYPE_INFO,
    YIELD_EXPR,
    proper,
)
from mypy_llmtracekit.obvious import literal_kind
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.spelling import Spelled
from mypy_llmtracekit.suggest import is_checked, namer_of, return_suggestion
from mypy_llmtracekit.walker import own_nodes, own_statements

CODE: ErrorCode = error_code(
    "ltk-missing-return-annotation", "Function returns a value but has no return annotation"
)


def _has_return_annotation(func: FuncDef) -> bool:
    written = func.unanalyzed_type
    if not isinstance(written, CALLABLE_TYPE):
        return False
    ret = written.ret_type
    return not (isinstance(ret, ANY_TYPE) and ret.type_of_any == TypeOfAny.unannotated)


def _declared_none(call: Expression) -> bool:
    """``helper()`` where ``helper`` is declared to return None (for unchecked bodies)."""
    if not isinstance(call, CALL_EXPR) or not isinstance(call.callee, REF_EXPR):
        return False
    node = call.callee.node
    if isinstance(node, FUNC_DEF) and isinstance(node.type, CALLABLE_TYPE):
        return isinstance(proper(node.type.ret_type), NONE_TYPE)
    return False


def _returned_type(ctx: ModuleContext, value: Expression) -> ProperType | None | bool:
    """The type of a returned value; False if it is certainly None."""
    if isinstance(value, NAME_EXPR) and value.fullname == "builtins.None":
        return False
    typ = ctx.type_of(value)
    if isinstance(typ, NONE_TYPE) or (typ is None and _declared_none(value)):
        return False
    return typ


# What Python's data model requires these methods to return.
DUNDER_RETURNS: Final = {
    "__repr__": "str",
    "__str__": "str",
    "__format__": "str",
    "__len__": "int",
    "__hash__": "int",
    "__index__": "int",
    "__int__": "int",
    "__bool__": "bool",
    "__bytes__": "bytes",
    "__float__": "float",
}


def _unchecked_type(value: Expression) -> None | bool:
    """In a body mypy did not check, only ``None`` is known (literals come later)."""
    if isinstance(value, NAME_EXPR) and value.fullname == "builtins.None":
        return False
    return None if not _declared_none(value) else False


def _builtin(ctx: ModuleContext, name: str) -> ProperType | None:
    symbol = ctx.modules["builtins"].names.get(name)
    if symbol is not None and isinstance(symbol.node, TYPE_INFO):
        return Instance(symbol.node, [])
    return None


def _literal_type(ctx: ModuleContext, value: Expression) -> ProperType | None:
    """The type of a literal, known without mypy's type map (an unchecked body)."""
    kind = literal_kind(value)
    info = ctx.modules["builtins"].names.get(kind) if kind is not None else None
    if info is not None and isinstance(info.node, TYPE_INFO):
        return Instance(info.node, [])
    return None


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not isinstance(func, FUNC_DEF) or _has_return_annotation(func):
        return
    if func.is_generator or func.is_async_generator:
        _check_generator(ctx, func)
        return
    checked = is_checked(ctx, func)
    returned: list[tuple[Expression, Type | None]] = []
    gives_value = False
    bare_return = 0
    for node in own_statements(func.body.body):
        if not isinstance(node, RETURN_STMT):
            continue
        if node.expr is None:
            bare_return = bare_return or node.line
            none = NameExpr("None")
            none.set_line(node)
            returned.append((none, NoneType()))
            continue
        typ = _returned_type(ctx, node.expr) if checked else _unchecked_type(node.expr)
        if typ is False:
            returned.append((node.expr, NoneType()))
            continue
        gives_value = True
        if typ is None and checked:
            continue  # mypy found this return unreachable
        if typ is None:
            typ = _literal_type(ctx, node.expr)
        returned.append((node.expr, typ if isinstance(typ, ProperType) else None))
    if not gives_value:
        return
    if not checked and func.name in DUNDER_RETURNS:
        returned = [(NameExpr(func.name), _builtin(ctx, DUNDER_RETURNS[func.name]))]
    head = f'Function "{func.name}" returns a value but has no return annotation'
    spelled = return_suggestion(ctx, func, returned)
    if bare_return and spelled.text is not None:
        # mypy wants "return None" once the function declares a return type.
        spelled = Spelled(
            None,
            (),
            f'write "return None" for the bare "return" at line {bare_return}, then '
            f"annotate it -> {spelled.text}",
        )
    ctx.report_definition(CODE, _message(head, spelled), func)


def _message(head: str, spelled: Spelled) -> str:
    if spelled.text is None:
        return f"{head}; no annotation to suggest: {spelled.reason}"
    return f"{head}; annotate it: -> {spelled.text}{spelled.add}"


def _check_generator(ctx: ModuleContext, func: FuncDef) -> None:
    kind = "AsyncIterator" if func.is_async_generator else "Iterator"
    head = f'Generator "{func.name}" has no return annotation'
    yielded: list[tuple[Expression, Type | None]] = []
    for node in own_nodes(func.body.body):
        if isinstance(node, RETURN_STMT) and node.expr is not None:
            ctx.report_definition(
                CODE,
                f"{head}; no annotation to suggest: it returns a value too, so write "
                "Generator[YieldType, SendType, ReturnType]",
                func,
            )
            return
        if isinstance(node, YIELD_EXPR):
            value = node.expr
            yielded.append((node, NoneType()) if value is None else (value, ctx.type_of(value)))
    spelled = return_suggestion(ctx, func, yielded) if yielded else Spelled("None")
    if spelled.text is None:
        ctx.report_definition(CODE, f"{head}; no annotation to suggest: {spelled.reason}", func)
        return
    namer = namer_of(ctx)
    imports = list(spelled.imports)
    name = namer.spell(f"collections.abc.{kind}", imports)
    text = f"{name}[{spelled.text.strip(chr(34))}]"
    if spelled.text.startswith('"'):
        text = f'"{text}"'
    add = Spelled(text, tuple(dict.fromkeys(imports))).add
    ctx.report_definition(CODE, f"{head}; annotate it: -> {text}{add}", func)


class _Checks(Checks):
    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Function that returns a value (or yields) without a return annotation",
    module=__name__,
    checks=_Checks(),
)

"""Where an ``Any`` comes from: the messages name it instead of suggesting ``Any``.

Every walk over types here is safe on recursive types (``JSON = Union[int,
list["JSON"]]``): each type alias is expanded once, and depth is bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from mypy.nodes import (
    CallExpr,
    ConditionalExpr,
    Expression,
    FuncItem,
    LambdaExpr,
    MypyFile,
    Var,
)
from mypy.types import (
    AnyType,
    ProperType,
    Type,
    TypeOfAny,
)

from mypy_llmtracekit.kinds import (
    ANY_TYPE,
    AWAIT_EXPR,
    CALL_EXPR,
    CALLABLE_TYPE,
    DECORATOR,
    FUNC_DEF,
    INSTANCE,
    LIST_EXPR,
    MEMBER_EXPR,
    MYPY_FILE,
    NAME_EXPR,
    OVERLOADED,
    REF_EXPR,
    SET_EXPR,
    TUPLE_EXPR,
    TUPLE_TYPE,
    TYPE_ALIAS_TYPE,
    TYPE_INFO,
    TYPE_TYPE,
    TYPED_DICT_TYPE,
    UNION_TYPE,
    VAR,
    proper,
)

MAX_DEPTH: Final = 40


def _ref_name(expr: Expression) -> str:
    if isinstance(expr, (NAME_EXPR, MEMBER_EXPR)):
        return expr.name
    return "the call"


def iter_proper(typ: Type) -> Iterator[ProperType]:
    """Every type inside ``typ``, each type alias expanded once (recursive types end)."""
    seen: set[int] = set()
    stack: list[tuple[Type, int]] = [(typ, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, TYPE_ALIAS_TYPE):
            if id(current.alias) in seen or depth > MAX_DEPTH:
                continue
            if current.alias is not None:
                seen.add(id(current.alias))
        p = proper(current)
        yield p
        if depth > MAX_DEPTH:
            continue
        for child in _children(p):
            stack.append((child, depth + 1))


def _children(p: ProperType) -> list[Type]:
    if isinstance(p, INSTANCE):
        return list(p.args)
    if isinstance(p, (UNION_TYPE, TUPLE_TYPE, OVERLOADED)):
        return list(p.items)
    if isinstance(p, CALLABLE_TYPE):
        return [*p.arg_types, p.ret_type]
    if isinstance(p, TYPED_DICT_TYPE):
        return list(p.items.values())
    if isinstance(p, TYPE_TYPE):
        return [p.item]
    return []


def first_any(typ: Type) -> AnyType | None:
    """The first ``Any`` inside ``typ``, if any."""
    for p in iter_proper(typ):
        if isinstance(p, ANY_TYPE):
            return p
    return None


def any_reason(any_type: AnyType) -> str:
    """Where an ``Any`` comes from, judged from the type alone."""
    source = any_type.source_any or any_type
    kind = source.type_of_any
    if source.missing_import_name or kind == TypeOfAny.from_unimported_type:
        name = (source.missing_import_name or "a module").rpartition(".")[2]
        return f'from the untyped import "{name}"'
    if kind == TypeOfAny.unannotated:
        return "from an unannotated parameter or return"
    if kind == TypeOfAny.from_omitted_generics:
        return "from a generic class written without its type parameters"
    if kind == TypeOfAny.explicit:
        return "from an explicit Any in a declared type"
    if kind == TypeOfAny.from_error:
        return "from an expression mypy reported an error for"
    return "from a special form"


TypeLookup = Callable[[Expression], "ProperType | None"]


def any_origin(expr: Expression, func: FuncItem | None, type_of: TypeLookup, depth: int = 0) -> str:
    """Where the ``Any`` in ``expr``'s type comes from, named in the source.

    ``func`` is the function ``expr`` is in (its parameters are recognised).
    """
    if depth > 10:
        return "from an expression mypy knows only as Any"
    if isinstance(expr, LambdaExpr):
        return "from the unannotated parameters of the lambda"
    if isinstance(expr, AWAIT_EXPR):
        return any_origin(expr.expr, func, type_of, depth + 1)
    if isinstance(expr, (LIST_EXPR, TUPLE_EXPR, SET_EXPR)):
        for item in expr.items:
            item_type = type_of(item)
            if item_type is not None and first_any(item_type) is not None:
                return any_origin(item, func, type_of, depth + 1)
    if isinstance(expr, ConditionalExpr):
        return _branch_origin(expr, func, type_of, depth)
    if isinstance(expr, CALL_EXPR):
        return _call_origin(expr, func, type_of, depth)
    if isinstance(expr, NAME_EXPR) and isinstance(expr.node, VAR):
        param = _parameter_origin(func, expr.node) if func is not None else None
        if param is not None:
            return param
    if isinstance(expr, MEMBER_EXPR):
        receiver = type_of(expr.expr)
        if isinstance(receiver, ANY_TYPE):
            return any_origin(expr.expr, func, type_of, depth + 1)
        if isinstance(expr.node, VAR) and expr.node.type is None:
            return f'from the attribute "{expr.name}", which has no annotation'
    if isinstance(expr, REF_EXPR) and isinstance(expr.node, TYPE_INFO) and expr.node.type_vars:
        return f'from the generic class "{_ref_name(expr)}", used without its type parameters'
    if isinstance(expr, REF_EXPR) and isinstance(expr.node, (VAR, MYPY_FILE)):
        typ = expr.node.type if isinstance(expr.node, VAR) else None
        found = first_any(typ) if typ is not None else None
        if found is not None and _declared(expr.node, found):
            return f'from an explicit Any in the declared type of "{_ref_name(expr)}"'
        if found is not None:
            return any_reason(found)
    typ = type_of(expr)
    found = first_any(typ) if typ is not None else None
    return any_reason(found) if found is not None else "from an expression mypy knows only as Any"


def _branch_origin(
    expr: ConditionalExpr, func: FuncItem | None, type_of: TypeLookup, depth: int
) -> str:
    """``a if c else b``: the origin in a branch whose type holds the ``Any``, one
    that names something in the source when both do (``{} if x is None else x``)."""
    found: list[str] = []
    for branch in (expr.if_expr, expr.else_expr):
        branch_type = type_of(branch)
        if branch_type is not None and first_any(branch_type) is not None:
            found.append(any_origin(branch, func, type_of, depth + 1))
    named = [origin for origin in found if '"' in origin]
    if named or found:
        return (named or found)[0]
    return "from an expression mypy knows only as Any"


def _explicit(found: AnyType) -> bool:
    """Whether ``found`` (or the ``Any`` it was derived from) was written ``Any``."""
    return (found.source_any or found).type_of_any == TypeOfAny.explicit


def _declared(node: Var | MypyFile, found: AnyType) -> bool:
    """Whether ``found`` was written in the annotation of variable ``node``."""
    return isinstance(node, VAR) and not node.is_inferred and _explicit(found)


def _parameter_origin(func: FuncItem, var: Var) -> str | None:
    """Where the ``Any`` in parameter ``var``'s type comes from (None: not a parameter
    of ``func``): no annotation, or the type its annotation declares."""
    for index, arg in enumerate(func.arguments):
        if arg.variable is not var:
            continue
        signature = func.type if isinstance(func.type, CALLABLE_TYPE) else None
        declared = signature.arg_types[index] if signature is not None else None
        found = first_any(declared) if declared is not None else None
        declared_type = proper(declared) if declared is not None else None
        if found is None or (
            isinstance(declared_type, ANY_TYPE)
            and declared_type.type_of_any == TypeOfAny.unannotated
        ):
            return f'from the unannotated parameter "{var.name}"'
        if _explicit(found):
            return f'from an explicit Any in the declared type of parameter "{var.name}"'
        reason = any_reason(found).removeprefix("from ")
        return f'from the declared type of parameter "{var.name}" ({reason})'
    return None


def _call_origin(call: CallExpr, func: FuncItem | None, type_of: TypeLookup, depth: int) -> str:
    callee = call.callee
    node = callee.node if isinstance(callee, REF_EXPR) else None
    if isinstance(node, DECORATOR):
        node = node.func
    if isinstance(node, FUNC_DEF):
        ret = node.type.ret_type if isinstance(node.type, CALLABLE_TYPE) else None
        if node.type is None or (
            isinstance(ret, ANY_TYPE) and ret.type_of_any == TypeOfAny.unannotated
        ):
            return f'from the unannotated return of "{node.name}"'
    callee_type = type_of(callee)
    if isinstance(callee_type, ANY_TYPE):
        return any_origin(callee, func, type_of, depth + 1)
    if isinstance(callee, MEMBER_EXPR) and isinstance(type_of(callee.expr), ANY_TYPE):
        return any_origin(callee.expr, func, type_of, depth + 1)
    receiver_type = type_of(callee.expr) if isinstance(callee, MEMBER_EXPR) else None
    if isinstance(callee, MEMBER_EXPR) and receiver_type is not None and first_any(receiver_type):
        receiver = _ref_name(callee.expr)
        return f'from the Any in the type of "{receiver}" (through "{callee.name}")'
    name = _ref_name(callee)
    for arg in call.args:
        arg_type = type_of(arg)
        if arg_type is not None and first_any(arg_type) is not None:
            return f'{any_origin(arg, func, type_of, depth + 1)}, passed to "{name}"'
    typ = type_of(call)
    found = first_any(typ) if typ is not None else None
    if found is None:
        return f'from what "{name}" returns'
    if _explicit(found) and isinstance(typ, ANY_TYPE):
        return f'from "{name}", declared to return Any'
    if _explicit(found):
        return f'from an explicit Any in what "{name}" is declared to return'
    return f'{any_reason(found)} (through "{name}")'

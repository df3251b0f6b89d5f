"""What a call runs: a catalogued blocking or external-I/O API, or a function of the project.

Shared by the module pass (receivers typed by mypy's type map) and by summaries
(receivers typed from declarations alone, ``declared.py``): both pass a
``type_of`` that gives the possible types of an expression.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mypy.nodes import (
    CallExpr,
    Expression,
    FuncDef,
    RefExpr,
    SymbolNode,
    TypeInfo,
)
from mypy.types import ProperType

from mypy_llmtracekit.catalogue import CONSOLE_STREAMS, Blocking, BlockingApis, arguments_block
from mypy_llmtracekit.catalogue import blocking_api as catalogue_api
from mypy_llmtracekit.declared import instance_of
from mypy_llmtracekit.kinds import (
    CALLABLE_TYPE,
    DECORATOR,
    FUNC_DEF,
    MEMBER_EXPR,
    MODULE_OR_CLASS,
    MYPY_FILE,
    OVERLOADED_FUNC_DEF,
    REF_EXPR,
    SUPER_EXPR,
    TYPE_INFO,
    TYPE_TYPE,
    VAR,
    proper,
)
from mypy_llmtracekit.names import class_called
from mypy_llmtracekit.transaction_catalogue import TransactionApis, external_io_api

TypeOf = Callable[[Expression], Sequence[ProperType]]


def receiver_infos(types: Sequence[ProperType]) -> list[TypeInfo]:
    """The classes whose methods a call on a value of these types may run."""
    infos: list[TypeInfo] = []
    for typ in types:
        if isinstance(typ, TYPE_TYPE):
            item = instance_of(proper(typ.item))
            if item is not None:
                infos.append(item.type)
            continue
        if isinstance(typ, CALLABLE_TYPE) and typ.is_type_obj():
            infos.append(typ.type_object())
            continue
        instance = instance_of(typ)
        if instance is not None:
            infos.append(instance.type)
    return infos


def method_node(info: TypeInfo, name: str, after: TypeInfo | None = None) -> SymbolNode | None:
    """The member ``name`` of a class along its MRO (past ``after`` when given).

    (``TypeInfo.get_method`` also scans every name of every class for
    redefinitions: too slow for classes with hundreds of methods.)
    """
    mro = info.mro
    if after is not None and after in mro:
        mro = mro[mro.index(after) + 1 :]
    for base in mro:
        symbol = base.names.get(name)
        if symbol is not None:
            return symbol.node
    return None


def sync_function(node: SymbolNode | None, coroutines: bool = False) -> FuncDef | None:
    """The sync function ``node`` is (through a decorator or an overload's body).

    With ``coroutines``, an ``async def`` is accepted too.
    """
    if isinstance(node, DECORATOR):
        node = node.func
    if isinstance(node, OVERLOADED_FUNC_DEF) and node.impl is not None:
        impl = node.impl
        node = impl.func if isinstance(impl, DECORATOR) else impl
    if isinstance(node, FUNC_DEF) and (coroutines or not node.is_coroutine):
        return node
    return None


def _resolved_ref(callee: Expression) -> RefExpr | None:
    """``name`` or ``module.name`` or ``Class.name``: a callee the analyser resolved."""
    if isinstance(callee, MEMBER_EXPR):
        base = callee.expr
        if isinstance(base, REF_EXPR) and isinstance(base.node, MODULE_OR_CLASS):
            return callee
        return None
    if isinstance(callee, REF_EXPR):
        return callee
    return None


def blocking_api(call: CallExpr, type_of: TypeOf, apis: BlockingApis) -> Blocking | None:
    """The catalogue entry ``call`` runs, if it blocks (the catalogue decides:
    ``catalogue.blocking_api``; this only resolves the call's parts)."""
    hit = blocking_entry(call, type_of, apis)
    return hit if hit is not None and condition_holds(call, hit, type_of) else None


def blocking_entry(call: CallExpr, type_of: TypeOf, apis: BlockingApis) -> Blocking | None:
    """The catalogue entry of what ``call`` runs, before its condition on the call's
    arguments (:func:`condition_holds`): what every call of the same callee shares."""
    callee = call.callee
    constructed = class_called(callee)
    if constructed is not None:
        return catalogue_api(constructed.fullname, (), None, apis, constructed=constructed)
    ref = _resolved_ref(callee)
    fullname = ref.fullname if ref is not None and ref.node is not None else None
    infos: list[TypeInfo] = []
    method: str | None = None
    if isinstance(callee, SUPER_EXPR):
        info = callee.info
        infos = [base.type for base in info.bases] if info is not None else []
        method = callee.name
    elif isinstance(callee, MEMBER_EXPR):
        receiver = callee.expr
        if isinstance(receiver, REF_EXPR) and isinstance(receiver.node, MYPY_FILE):
            pass  # a module attribute: judged as a function
        elif isinstance(receiver, REF_EXPR) and receiver.fullname in CONSOLE_STREAMS:
            return None
        elif isinstance(receiver, REF_EXPR) and isinstance(receiver.node, TYPE_INFO):
            infos, method = [receiver.node], callee.name
        else:
            infos, method = receiver_infos(type_of(receiver)), callee.name
    if fullname is None and method is None:
        return None
    return catalogue_api(fullname, infos, method, apis)


def external_io(call: CallExpr, type_of: TypeOf, apis: TransactionApis) -> str | None:
    """The external-I/O API ``call`` runs, if any (``transaction_catalogue`` decides:
    ``external_io_api``; this only resolves the call's parts, like the rule does)."""
    callee = call.callee
    fullname = callee.fullname if isinstance(callee, REF_EXPR) and callee.node else None
    fullname = fullname or None
    if not isinstance(callee, MEMBER_EXPR):
        return external_io_api(fullname, [], None, apis)
    receiver = callee.expr
    if isinstance(receiver, REF_EXPR) and isinstance(receiver.node, MYPY_FILE):
        return external_io_api(fullname, [], None, apis)  # a module attribute: a function
    if isinstance(receiver, REF_EXPR) and isinstance(receiver.node, TYPE_INFO):
        return external_io_api(fullname, [receiver.node], callee.name, apis)
    return external_io_api(fullname, receiver_infos(type_of(receiver)), callee.name, apis)


def condition_holds(call: CallExpr, hit: Blocking, type_of: TypeOf) -> bool:
    """Whether the call's arguments make a conditional catalogue hit block."""

    def is_path(expr: Expression) -> bool:
        return any(
            base.fullname in ("builtins.str", "builtins.bytes", "os.PathLike")
            for info in receiver_infos(type_of(expr))
            for base in info.mro
        )

    return arguments_block(call, hit, is_path)


def project_function(call: CallExpr, type_of: TypeOf, coroutines: bool = False) -> FuncDef | None:
    """The sync function of the program that ``call`` runs, if mypy knows one.

    Plain calls, methods by the receiver's type, ``super()``, constructors
    (``Client(...)`` runs ``__init__``), instances called through ``__call__``, and
    aliases (``load = read_json``, ``reserve = create``). With ``coroutines``, an
    ``async def`` called (awaited or not) is found too.
    """
    callee = call.callee
    if isinstance(callee, SUPER_EXPR):
        info = callee.info
        if info is None:
            return None
        return sync_function(method_node(info, callee.name, info), coroutines)
    ref = _resolved_ref(callee)
    if ref is not None:
        found = _of_node(ref.node, ref, type_of, coroutines)
        if found is None and isinstance(callee, MEMBER_EXPR):
            # Class.method(...): a classmethod or staticmethod, by the class's MRO.
            base = callee.expr
            if isinstance(base, REF_EXPR) and isinstance(base.node, TYPE_INFO):
                return member_function(method_node(base.node, callee.name), coroutines)
        return found
    if isinstance(callee, MEMBER_EXPR):
        for info in receiver_infos(type_of(callee.expr)):
            found = member_function(method_node(info, callee.name), coroutines)
            if found is not None:
                return found
        return None
    return _of_types(type_of(callee), coroutines)


def member_function(node: SymbolNode | None, coroutines: bool) -> FuncDef | None:
    """A method, or a class-level alias of one (``reserve = create``)."""
    found = sync_function(node, coroutines)
    if found is not None or not isinstance(node, VAR):
        return found
    typ = proper(node.type) if node.type is not None else None
    if isinstance(typ, CALLABLE_TYPE):
        return sync_function(typ.definition, coroutines)
    return None


def _of_node(
    node: SymbolNode | None, ref: RefExpr, type_of: TypeOf, coroutines: bool
) -> FuncDef | None:
    if isinstance(node, TYPE_INFO):
        return _constructor(node)
    found = sync_function(node, coroutines)
    if found is not None:
        return found
    if isinstance(node, VAR):
        return _of_types(type_of(ref), coroutines)
    return None


def _constructor(info: TypeInfo) -> FuncDef | None:
    init = method_node(info, "__init__")
    found = sync_function(init)
    if found is None or found.info.fullname == "builtins.object":
        return None
    return found


def _of_types(types: Sequence[ProperType], coroutines: bool) -> FuncDef | None:
    """A callable value: an alias of a function, a class, or an instance with ``__call__``."""
    for typ in types:
        if isinstance(typ, TYPE_TYPE):
            item = instance_of(proper(typ.item))
            found = _constructor(item.type) if item is not None else None
            if found is not None:
                return found
            continue
        if isinstance(typ, CALLABLE_TYPE):
            if typ.is_type_obj():
                return _constructor(typ.type_object())
            found = sync_function(typ.definition, coroutines)
            if found is not None:
                return found
            continue
        for info in receiver_infos([typ]):
            found = sync_function(method_node(info, "__call__"), coroutines)
            if found is not None:
                return found
    return None


def function_key(module: str, func: FuncDef) -> str:
    """A function's name in the summaries: its full name, or a local one when nested."""
    if func.fullname and "." in func.fullname:
        return func.fullname
    return f"{module}.<locals>.{func.name}@{func.line}"

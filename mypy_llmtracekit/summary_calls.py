"""What each call of one module's functions runs, for the module's summary.

A summary asks three questions of every call (``callees.py``): is it external
I/O, is it a catalogued blocking API, which project function does it run. The
answers depend only on what the callee resolves to: the node a name refers to
(``helper(...)``, ``Client(...)``), or the classes of a receiver and a method
name (``self._conn.execute(...)``). A module calls the same helpers and methods
again and again, so :class:`ModuleCalls` answers the three questions once per
callee, reading the receiver's declared type once for all three; only a
catalogued API's condition on the call's arguments (``open(path)`` blocks,
``open(fd)`` does not) is decided per call.

Other callees (``super()``, ``module.name``, ``Class.method``, a variable, a
call's result) are answered as before, call by call.
"""

from __future__ import annotations

from typing import cast

from mypy.nodes import (
    FUNC_NO_INFO,
    CallExpr,
    Expression,
    FuncDef,
    MemberExpr,
    MypyFile,
    NameExpr,
    RefExpr,
    SymbolNode,
    TypeInfo,
)

from mypy_llmtracekit.callees import (
    blocking_entry,
    condition_holds,
    external_io,
    function_key,
    member_function,
    method_node,
    project_function,
    receiver_infos,
)
from mypy_llmtracekit.catalogue import CONSOLE_STREAMS, Blocking, BlockingApis
from mypy_llmtracekit.catalogue import blocking_api as catalogue_api
from mypy_llmtracekit.declared import DeclaredTypes
from mypy_llmtracekit.kinds import (
    DECORATOR,
    FUNC_DEF,
    MEMBER_EXPR,
    MODULE_OR_CLASS,
    NAME_EXPR,
    OVERLOADED_FUNC_DEF,
    REF_EXPR,
    TYPE_INFO,
)
from mypy_llmtracekit.transaction_catalogue import TransactionApis, external_io_api


class CallFacts:
    """What a call runs, as far as the callee alone decides it."""

    def __init__(
        self,
        # The external-I/O API, if any.
        io: str | None,
        # The catalogued blocking API, before its condition on the arguments.
        blocking: Blocking | None,
        # The project function run, ``async def`` included, and the sync one (a
        # union of receivers may hold both; the same when the first is sync).
        function: FuncDef | None,
        sync_function: FuncDef | None,
    ) -> None:
        self.io = io
        self.blocking = blocking
        self.function = function
        self.sync_function = sync_function
        # For a callee remembered by its node: the name's full name.
        self.fullname = ""


class ModuleCalls:
    """The answers for one module's summary, remembered by callee."""

    def __init__(
        self,
        module: str,
        apis: BlockingApis,
        io: TransactionApis,
        modules: dict[str, MypyFile],
    ) -> None:
        self.module = module
        self.apis = apis
        self.io = io
        self.modules = modules
        # By the node a name refers to (the facts keep the name's full name).
        self._by_node: dict[SymbolNode | None, CallFacts] = {}
        # By method name, then by the receiver's class (or tuple of classes).
        self._by_member: dict[str, dict[object, CallFacts]] = {}
        # A project function's summary key, or None for a function of a stub.
        self._keys: dict[FuncDef, str | None] = {}

    def facts(self, call: CallExpr, types: DeclaredTypes) -> CallFacts:
        """What ``call`` runs (its blocking API still subject to :meth:`blocks`)."""
        callee = call.callee
        kind = type(callee)
        if kind is NAME_EXPR:
            node = cast(NameExpr, callee).node
            node_kind = type(node)
            if (
                node_kind is FUNC_DEF
                or node_kind is TYPE_INFO
                or node_kind is OVERLOADED_FUNC_DEF
                or node_kind is DECORATOR
            ):
                return self._of_definition(call, cast(RefExpr, callee), types)
        elif kind is MEMBER_EXPR:
            member = cast(MemberExpr, callee)
            receiver = member.expr
            if member.node is None and not (
                isinstance(receiver, REF_EXPR) and isinstance(receiver.node, MODULE_OR_CLASS)
            ):
                return self._of_method(member, receiver, types)
        return self._call_by_call(call, types)

    def _of_definition(self, call: CallExpr, callee: RefExpr, types: DeclaredTypes) -> CallFacts:
        """A call of a name that refers to a function or a class (decided by the node
        and the name's full name)."""
        node = callee.node
        fullname = callee.fullname
        found = self._by_node.get(node)
        if found is None or found.fullname != fullname:
            found = self._call_by_call(call, types)
            found.fullname = fullname
            self._by_node[node] = found
        return found

    def _of_method(
        self, member: MemberExpr, receiver: Expression, types: DeclaredTypes
    ) -> CallFacts:
        """``receiver.name(...)`` (decided by the receiver's classes and the name)."""
        infos = receiver_infos(types.type_of(receiver))
        name = member.name
        by_classes = self._by_member.get(name)
        if by_classes is None:
            by_classes = self._by_member[name] = {}
        key: object = infos[0] if len(infos) == 1 else tuple(infos)
        found = by_classes.get(key)
        if found is None:
            found = by_classes[key] = self._method(infos, name)
        if (
            found.blocking is not None
            and isinstance(receiver, REF_EXPR)
            and receiver.fullname in CONSOLE_STREAMS
        ):
            # sys.stdout.write(...): what print() does.
            return CallFacts(found.io, None, found.function, found.sync_function)
        return found

    def blocks(self, call: CallExpr, facts: CallFacts, types: DeclaredTypes) -> Blocking | None:
        """The blocking API ``call`` runs, its condition on the arguments applied."""
        hit = facts.blocking
        if hit is None or not condition_holds(call, hit, types.type_of):
            return None
        return hit

    def key(self, function: FuncDef) -> str | None:
        """The summary key of a project function, None for one defined in a stub (no
        summary, so no chain passes it)."""
        if function in self._keys:
            return self._keys[function]
        key = None if _in_stub(function, self.modules) else function_key(self.module, function)
        self._keys[function] = key
        return key

    def _method(self, infos: list[TypeInfo], name: str) -> CallFacts:
        """``receiver.name(...)`` with a receiver of one of ``infos``."""
        function = sync_function = None
        for info in infos:
            function = member_function(method_node(info, name), True)
            if function is not None:
                break
        if function is not None and function.is_coroutine:
            for info in infos:
                sync_function = member_function(method_node(info, name), False)
                if sync_function is not None:
                    break
        else:
            sync_function = function
        return CallFacts(
            external_io_api(None, infos, name, self.io),
            catalogue_api(None, infos, name, self.apis),
            function,
            sync_function,
        )

    def _call_by_call(self, call: CallExpr, types: DeclaredTypes) -> CallFacts:
        type_of = types.type_of
        function = project_function(call, type_of, coroutines=True)
        if function is not None and function.is_coroutine:
            sync_function = project_function(call, type_of)
        else:
            sync_function = function
        return CallFacts(
            external_io(call, type_of, self.io),
            blocking_entry(call, type_of, self.apis),
            function,
            sync_function,
        )


def _in_stub(func: FuncDef, modules: dict[str, MypyFile]) -> bool:
    """Whether ``func`` is defined in a stub (its module is in the table: mypy resolved
    the call to it)."""
    info = func.info
    if info is not FUNC_NO_INFO:
        name = info.module_name
    else:
        name = func.fullname.rpartition(".")[0]
    tree = modules.get(name)
    return tree is not None and tree.is_stub

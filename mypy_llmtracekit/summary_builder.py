"""Build a module's summary (``summaries.py``) from its declarations alone.

Every function and method of the module (sync and async), nested ones included,
is read: the calls in its own body (not in nested functions or lambdas, which
run when they are called) are a catalogued blocking API (sync functions only),
an external-I/O API (``transaction_catalogue``), or a project function, sync or
async. Receivers are typed by ``declared.py``, never by mypy's type map of the
body, so the summary is the same before and after mypy checks the bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, cast

from mypy.nodes import (
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    ForStmt,
    FuncDef,
    IfStmt,
    MatchStmt,
    MypyFile,
    Node,
    OverloadedFuncDef,
    TryStmt,
    WhileStmt,
    WithStmt,
)

from mypy_llmtracekit.callees import blocking_api, function_key
from mypy_llmtracekit.catalogue import BlockingApis
from mypy_llmtracekit.declared import DeclaredTypes
from mypy_llmtracekit.kinds import (
    BLOCK,
    CALL_EXPR,
    CLASS_DEF,
    DECORATOR,
    FOR_STMT,
    FUNC_DEF,
    IF_STMT,
    MATCH_STMT,
    MEMBER_EXPR,
    OVERLOADED_FUNC_DEF,
    TRY_STMT,
    WHILE_STMT,
    WITH_STMT,
)
from mypy_llmtracekit.summaries import FunctionSummary, ModuleSummary
from mypy_llmtracekit.summary_calls import ModuleCalls
from mypy_llmtracekit.transaction_catalogue import TransactionApis
from mypy_llmtracekit.walker import body_calls, own_calls


def build_summary(
    tree: MypyFile, apis: BlockingApis, io: TransactionApis, modules: dict[str, MypyFile]
) -> ModuleSummary:
    """The summary of every function defined in ``tree`` (``modules``: mypy's module
    table, which tells the functions of stubs)."""
    calls = ModuleCalls(tree.fullname, apis, io, modules)
    functions: dict[str, FunctionSummary] = {}
    # Source order, a function before the functions nested in it: the walk of a
    # body finds the definitions in it, which come next.
    stack = _functions(tree.defs)
    stack.reverse()
    while stack:
        func = stack.pop()
        nested: list[Node] = []
        summary = _summarise(calls, func, nested)
        if not summary.is_empty():
            functions[function_key(tree.fullname, func)] = summary
        inner = _functions(nested)
        inner.reverse()
        stack.extend(inner)
    return ModuleSummary(tree.fullname, functions)


def _summarise(calls: ModuleCalls, func: FuncDef, nested: list[Node]) -> FunctionSummary:
    """What ``func`` calls; the scopes nested in its body are appended to ``nested``.

    Calls of functions defined in stubs (``str.join``, ``json.loads``) are left out:
    a stub has no summary, so no chain passes through one (the catalogue names the
    blocking ones).
    """
    assignments: list[Node] = []
    own = body_calls(func.body, assignments)
    if own is None:
        assignments = []
        own = own_calls(func.body.body, nested, assignments)
    types = DeclaredTypes(func, assignments)
    blocking: list[str] = []
    called: list[str] = []
    external: list[str] = []
    coroutines: list[str] = []
    sync = not func.is_coroutine
    for node in own:
        facts = calls.facts(node, types)
        api = facts.io
        if api is not None and api not in external:
            external.append(api)
        hit = calls.blocks(node, facts, types) if sync else None
        if hit is not None:
            # conn.execute(...).fetchall(): name the call that runs first, execute.
            if not _on_blocking_result(node, types, calls.apis):
                name = hit.api.removeprefix("builtins.")
                if name not in blocking:
                    blocking.append(name)
            continue
        callee = facts.function
        if callee is not None and callee.is_coroutine:
            key = calls.key(callee)
            if key is not None:
                _add(coroutines, key)
            # A union of receivers may also hold a sync method of that name.
            callee = facts.sync_function
        key = calls.key(callee) if callee is not None else None
        if key is not None:
            _add(called, key)
    return FunctionSummary(tuple(blocking), tuple(called), tuple(external), tuple(coroutines))


def _add(keys: list[str], key: str) -> None:
    if key not in keys:
        keys.append(key)


def _on_blocking_result(call: CallExpr, types: DeclaredTypes, apis: BlockingApis) -> bool:
    callee = call.callee
    return (
        isinstance(callee, MEMBER_EXPR)
        and isinstance(callee.expr, CALL_EXPR)
        and blocking_api(callee.expr, types.type_of, apis) is not None
    )


def _functions(statements: Sequence[Node]) -> list[FuncDef]:
    """Every function defined under ``statements`` outside function bodies (at
    their level, in classes, in compound statements), in source order."""
    # One test of the node's exact class (mypy's statement classes have no subclasses).
    found: list[FuncDef] = []
    stack: list[Node] = list(statements)
    stack.reverse()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is FUNC_DEF:
            found.append(cast(FuncDef, node))
        elif kind is DECORATOR:
            stack.append(cast(Decorator, node).func)
        elif kind is OVERLOADED_FUNC_DEF:
            impl = cast(OverloadedFuncDef, node).impl
            if impl is not None:
                stack.append(impl)
        elif kind is CLASS_DEF:
            _push_reversed(cast(ClassDef, node).defs.body, stack)
        elif kind is BLOCK:
            _push_reversed(cast(Block, node).body, stack)
        elif kind in _COMPOUND:
            _push_reversed(_statement_blocks(node), stack)
    return found


def _push_reversed(nodes: Sequence[Node], stack: list[Node]) -> None:
    index = len(nodes)
    while index:
        index -= 1
        stack.append(nodes[index])


# The statements that hold blocks (the others hold no function definition).
_COMPOUND: Final[frozenset[type[Node]]] = frozenset(
    (WhileStmt, ForStmt, IfStmt, TryStmt, WithStmt, MatchStmt)
)


def _statement_blocks(node: Node) -> list[Block]:
    """The blocks of a compound statement (if/while/for/with/try/match): its
    reachable bodies, then ``else`` and ``finally``, then every handler and case."""
    found: list[Block] = []
    if isinstance(node, IF_STMT):
        found += [b for b in node.body if not b.is_unreachable]
    elif isinstance(node, (WHILE_STMT, FOR_STMT, TRY_STMT, WITH_STMT)):
        _add_reachable(found, node.body)
    if isinstance(node, (WHILE_STMT, FOR_STMT, IF_STMT, TRY_STMT)):
        _add_reachable(found, node.else_body)
    if isinstance(node, TRY_STMT):
        _add_reachable(found, node.finally_body)
        found += node.handlers
    elif isinstance(node, MATCH_STMT):
        found += node.bodies
    return found


def _add_reachable(found: list[Block], block: Block | None) -> None:
    if block is not None and not block.is_unreachable:
        found.append(block)

"""Build a module's summary (``summaries.py``) from its declarations alone.

Every function and method of the module (sync and async), nested ones included,
is read: the calls in its own body (not in nested functions or lambdas, which
run when they are called) are a catalogued blocking API (sync functions only),
an external-I/O API (``transaction_catalogue``), or a project function, sync or
async. Receivers are typed by ``declared.py``, never by mypy's type map of the
body, so the summary is the same before and after mypy checks the bodies.
"""

from __future__ import annotations

from collections.abc import Iterator

from mypy.nodes import (
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    ForStmt,
    FuncDef,
    IfStmt,
    MatchStmt,
    MemberExpr,
    MypyFile,
    Node,
    OverloadedFuncDef,
    Statement,
    TryStmt,
    WhileStmt,
    WithStmt,
)

from mypy_llmtracekit.callees import (
    blocking_api,
    external_io,
    function_key,
    project_function,
)
from mypy_llmtracekit.catalogue import BlockingApis
from mypy_llmtracekit.declared import DeclaredTypes
from mypy_llmtracekit.summaries import FunctionSummary, ModuleSummary
from mypy_llmtracekit.transaction_catalogue import TransactionApis
from mypy_llmtracekit.walker import own_calls


def build_summary(tree: MypyFile, apis: BlockingApis, io: TransactionApis) -> ModuleSummary:
    """The summary of every function defined in ``tree``."""
    functions: dict[str, FunctionSummary] = {}
    for func in _functions(tree.defs):
        summary = _summarise(tree.fullname, func, apis, io)
        if not summary.is_empty():
            functions[function_key(tree.fullname, func)] = summary
    return ModuleSummary(tree.fullname, functions)


def _summarise(
    module: str, func: FuncDef, apis: BlockingApis, io: TransactionApis
) -> FunctionSummary:
    types = DeclaredTypes(func)
    blocking: list[str] = []
    calls: list[str] = []
    external: list[str] = []
    coroutines: list[str] = []
    for node in own_calls(func.body.body):
        api = external_io(node, types.type_of, io)
        if api is not None and api not in external:
            external.append(api)
        hit = None if func.is_coroutine else blocking_api(node, types.type_of, apis)
        if hit is not None:
            # conn.execute(...).fetchall(): name the call that runs first, execute.
            if not _on_blocking_result(node, types, apis):
                name = hit.api.removeprefix("builtins.")
                if name not in blocking:
                    blocking.append(name)
            continue
        callee = project_function(node, types.type_of, coroutines=True)
        if callee is not None and callee.is_coroutine:
            _add(coroutines, function_key(module, callee))
            # A union of receivers may also hold a sync method of that name.
            callee = project_function(node, types.type_of)
        if callee is not None:
            _add(calls, function_key(module, callee))
    return FunctionSummary(tuple(blocking), tuple(calls), tuple(external), tuple(coroutines))


def _add(keys: list[str], key: str) -> None:
    if key not in keys:
        keys.append(key)


def _on_blocking_result(call: CallExpr, types: DeclaredTypes, apis: BlockingApis) -> bool:
    callee = call.callee
    return (
        isinstance(callee, MemberExpr)
        and isinstance(callee.expr, CallExpr)
        and blocking_api(callee.expr, types.type_of, apis) is not None
    )


def _functions(statements: list[Statement]) -> Iterator[FuncDef]:
    """Every function defined at any depth under ``statements``."""
    stack: list[Node] = list(reversed(statements))
    while stack:
        node = stack.pop()
        if isinstance(node, FuncDef):
            yield node
            stack.extend(reversed(node.body.body))
        elif isinstance(node, Decorator):
            stack.append(node.func)
        elif isinstance(node, OverloadedFuncDef):
            if node.impl is not None:
                stack.append(node.impl)
        elif isinstance(node, ClassDef):
            stack.extend(reversed(node.defs.body))
        elif isinstance(node, Block):
            stack.extend(reversed(node.body))
        elif isinstance(node, _COMPOUND):
            stack.extend(reversed(list(_statement_blocks(node))))


# The statements that hold blocks (the others hold no function definition).
_COMPOUND: tuple[type[Statement], ...] = (WhileStmt, ForStmt, IfStmt, TryStmt, WithStmt, MatchStmt)


def _statement_blocks(node: Node) -> Iterator[Block]:
    """The blocks of a compound statement (if/while/for/with/try/match)."""
    for attribute in ("body", "else_body", "finally_body"):
        value = getattr(node, attribute, None)
        if isinstance(value, Block):
            if not value.is_unreachable:
                yield value
        elif isinstance(value, list):
            yield from (b for b in value if isinstance(b, Block) and not b.is_unreachable)
    handlers = getattr(node, "handlers", None)
    if isinstance(handlers, list):
        yield from (b for b in handlers if isinstance(b, Block))
    bodies = getattr(node, "bodies", None)
    if isinstance(bodies, list):
        yield from (b for b in bodies if isinstance(b, Block))

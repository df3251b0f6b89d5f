"""Code that shows a blocking call does not block where it stands.

``ltk-blocking-io`` flags a catalogued call in a coroutine's body; two shapes of
code show that the author decided otherwise, and those calls are left alone:

- another branch of the same ``if`` offloads the same method of the same object
  to a thread (starlette's ``UploadFile.write``: in memory, ``self.file.write(data)``;
  rolled to disk, ``await run_in_threadpool(self.file.write, data)``);
- ``fut.result()``/``fut.exception()`` inside ``if fut.done():`` returns at once.

Both are judged from the code as written (receivers compared by their text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mypy.nodes import (
    AssignmentStmt,
    AwaitExpr,
    CallExpr,
    Expression,
    ExpressionStmt,
    FuncItem,
    IfStmt,
    IndexExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    RaiseStmt,
    RefExpr,
    ReturnStmt,
    Statement,
    SuperExpr,
    TypeInfo,
)

from mypy_llmtracekit.rule import Scope
from mypy_llmtracekit.statements import child_blocks, statements


def written(expr: Expression) -> str:
    """The callee as written, shortened: ``self._conn.execute``, ``get_conn().execute``."""
    if isinstance(expr, NameExpr):
        return expr.name
    if isinstance(expr, MemberExpr):
        return f"{written(expr.expr)}.{expr.name}"
    if isinstance(expr, SuperExpr):
        return f"super().{expr.name}"
    if isinstance(expr, CallExpr):
        return f"{written(expr.callee)}(...)"
    if isinstance(expr, IndexExpr):
        return f"{written(expr.base)}[...]"
    return "..."


# Callees that run the callable passed to them in a worker thread.
_OFFLOADERS: Final = frozenset(
    {"to_thread", "run_in_executor", "run_sync", "run_in_threadpool", "sync_to_async"}
)


def _offloaded(body: Sequence[Statement]) -> set[str]:
    """Callables these statements pass, as written, to ``asyncio.to_thread``,
    ``loop.run_in_executor``, ``anyio.to_thread.run_sync``, ``run_in_threadpool``."""
    found: set[str] = set()
    pending: list[Expression] = []
    for stmt in statements(body):
        if isinstance(stmt, (ExpressionStmt, ReturnStmt)) and stmt.expr is not None:
            pending.append(stmt.expr)
        elif isinstance(stmt, AssignmentStmt):
            pending.append(stmt.rvalue)
    while pending:
        expr = pending.pop()
        if isinstance(expr, AwaitExpr):
            pending.append(expr.expr)
        elif isinstance(expr, CallExpr):
            callee = expr.callee
            name = callee.name if isinstance(callee, (NameExpr, MemberExpr)) else ""
            if name in _OFFLOADERS:
                found.update(written(a) for a in expr.args if isinstance(a, MemberExpr))
            pending.extend(expr.args)
    return found


def _last_line(body: Sequence[Statement]) -> int:
    return max((stmt.end_line or stmt.line) for stmt in statements(body))


def _alternatives(func: FuncItem) -> list[tuple[int, int, set[str]]]:
    """For each branch of each ``if``: (first line, last line, the callables another
    branch offloads). A branch that ends in ``return``/``raise`` has the statements
    after the ``if`` as an alternative too."""
    found: list[tuple[int, int, set[str]]] = []
    pending: list[Sequence[Statement]] = [func.body.body]
    while pending:
        body = pending.pop()
        for index, stmt in enumerate(body):
            pending.extend(block.body for block in child_blocks(stmt))
            if not isinstance(stmt, IfStmt):
                continue
            branches = [block.body for block in stmt.body]
            branches += [stmt.else_body.body] if stmt.else_body else []
            for k, branch in enumerate(branches):
                if not branch:
                    continue
                others = {t for j, o in enumerate(branches) if j != k for t in _offloaded(o)}
                if isinstance(branch[-1], (ReturnStmt, RaiseStmt)):
                    others |= _offloaded(body[index + 1 :])
                if others:
                    found.append((branch[0].line, _last_line(branch), others))
    return found


def offloaded_elsewhere(call: CallExpr, scope: Scope) -> bool:
    """Another branch of the same ``if`` offloads the same method of the same object
    to a thread: the direct call is a decision (``if self._in_memory: f.read()``,
    else ``await run_in_threadpool(f.read)``), not an oversight."""
    callee = call.callee
    func = scope.function
    if func is None or not isinstance(callee, MemberExpr):
        return False
    receiver = callee.expr
    if isinstance(receiver, RefExpr) and isinstance(receiver.node, (MypyFile, TypeInfo)):
        return False
    text = written(callee)
    return any(
        first <= call.line <= last and text in others for first, last, others in _alternatives(func)
    )


# Waits that return at once on a finished future.
_RESULT_METHODS: Final = frozenset({"result", "exception"})


def _finished(func: FuncItem) -> list[tuple[str, int, int]]:
    """Futures known finished: (receiver as written, first line, last line) of the
    body of each ``if fut.done():``."""
    found: list[tuple[str, int, int]] = []
    for stmt in statements(func.body.body):
        if not isinstance(stmt, IfStmt):
            continue
        test, body = stmt.expr[0], stmt.body[0]
        if (
            isinstance(test, CallExpr)
            and not test.args
            and isinstance(test.callee, MemberExpr)
            and test.callee.name == "done"
            and body.body
        ):
            last = body.body[-1].end_line or body.body[-1].line
            found.append((written(test.callee.expr), body.body[0].line, last))
    return found


def waits_on_finished(call: CallExpr, scope: Scope) -> bool:
    """``fut.result()`` inside ``if fut.done():``: it returns without waiting."""
    callee = call.callee
    func = scope.function
    if func is None or not isinstance(callee, MemberExpr) or callee.name not in _RESULT_METHODS:
        return False
    receiver = written(callee.expr)
    return any(r == receiver and a <= call.line <= b for r, a, b in _finished(func))

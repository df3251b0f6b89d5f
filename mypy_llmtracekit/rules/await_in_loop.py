"""ltk-await-in-loop: independent awaits run one after another in a ``for`` loop.

What it catches
    A ``for`` loop (not ``async for``, not ``while``) in an ``async def`` whose
    body awaits a call that uses the loop target, when no iteration depends on
    an earlier one: the body has no ``break``, ``return`` or ``yield``, and no
    name assigned in the body is read before its assignment (a value carried
    from the previous iteration: ``total += ...``, ``cursor = await f(cursor)``).
    Each iteration then waits for the previous one's network round trip for
    nothing. The message shows the ``asyncio.gather`` to write, with the loop's
    own names; an ``asyncio.TaskGroup`` does the same.

Why a syntax-only linter cannot
    Whether awaits may run concurrently depends on what they share. Queries on
    one database connection (asyncpg ``Connection``, SQLAlchemy
    ``AsyncSession``, psycopg ``AsyncConnection``) cannot overlap: the driver
    refuses, so the loop is right. The same holds for locks, semaphores,
    conditions, events, queues and streams (order matters), and for
    ``asyncio.sleep``. The plugin decides by the receiver's type, and by the
    types of the arguments (``await save(conn, row)`` shares ``conn``), so it
    flags ``await client.get(url)`` on an ``httpx.AsyncClient`` and leaves
    ``await conn.execute(...)`` alone.

Left alone
    Awaits that do not use the loop target; awaits on a shared database
    connection, session or cursor (as receiver or argument, or the receiver is
    an object whose attributes hold one: a repository bound to a session),
    on locks, semaphores, conditions, events, barriers, queues, streams and
    websockets; ``asyncio.sleep``/``anyio.sleep``; ``asyncio.gather``/``wait``
    (batches on purpose); loops that take a lock or semaphore with ``async
    with``; awaits in a nested loop (they belong to that loop); loop-carried
    dependencies, ``break``, ``return`` and ``yield``. A receiver that changes
    with each iteration (``for ws in sockets: await ws.send(msg)``) is not
    shared, so its type does not exempt it.

Settings
    Opt-in: ``enable_error_code = ltk-await-in-loop``. The classes in
    ``sql_classes`` count as database connections.

Bad::

    async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[httpx.Response]:
        responses = []
        for url in urls:
            responses.append(await client.get(url))
        return responses

    async def embed(llm: AsyncOpenAI, chunks: list[str]) -> None:
        for chunk in chunks:
            await llm.embeddings.create(model="text-embedding-3-small", input=chunk)

Good::

    async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[httpx.Response]:
        return await asyncio.gather(*(client.get(url) for url in urls))

    async def save(conn: asyncpg.Connection, rows: list[Row]) -> None:
        for row in rows:  # one connection: queries cannot overlap
            await conn.execute("INSERT INTO account_rows VALUES ($1)", row.id)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    AssignmentExpr,
    AssignmentStmt,
    AwaitExpr,
    Block,
    BreakStmt,
    CallExpr,
    Expression,
    ForStmt,
    FuncItem,
    IfStmt,
    ListExpr,
    MemberExpr,
    NameExpr,
    Node,
    OperatorAssignmentStmt,
    RefExpr,
    ReturnStmt,
    StarExpr,
    Statement,
    TryStmt,
    TupleExpr,
    Var,
    WhileStmt,
    WithStmt,
    YieldExpr,
    YieldFromExpr,
)
from mypy.types import Instance, get_proper_type

from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import receiver_classes
from mypy_llmtracekit.source import expression_text
from mypy_llmtracekit.statements import child_blocks, statements
from mypy_llmtracekit.transaction_catalogue import resolve_all
from mypy_llmtracekit.walker import own_nodes

CODE: ErrorCode = error_code(
    "ltk-await-in-loop",
    "Independent awaits one after another in a for loop",
    default_enabled=False,
)

# One connection, session or cursor: its awaits cannot overlap.
DB_CLASSES = (
    "asyncpg.Connection",
    "asyncpg.pool.PoolConnectionProxy",
    "asyncpg.cursor.Cursor",
    "asyncpg.cursor.CursorFactory",
    "asyncpg.prepared_stmt.PreparedStatement",
    "asyncpg.transaction.Transaction",
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.async_scoped_session",
    "sqlalchemy.ext.asyncio.AsyncResult",
    "sqlalchemy.orm.Session",
    "sqlalchemy.Connection",
    "psycopg.AsyncConnection",
    "psycopg.AsyncCursor",
    "psycopg.AsyncServerCursor",
    "aiosqlite.Connection",
    "aiosqlite.Cursor",
)
# Order matters, or they serialise on purpose: shared ones are exempt.
ORDERED_CLASSES = (
    "asyncio.Queue",
    "asyncio.StreamReader",
    "asyncio.StreamWriter",
    "anyio.abc.ObjectReceiveStream",
    "anyio.abc.ObjectSendStream",
    "anyio.abc.ByteReceiveStream",
    "anyio.abc.ByteSendStream",
    "anyio.streams.memory.MemoryObjectSendStream",
    "anyio.streams.memory.MemoryObjectReceiveStream",
    "starlette.websockets.WebSocket",
    "starlette.responses.StreamingResponse",
    "aiohttp.ClientWebSocketResponse",
    "aiohttp.web.WebSocketResponse",
    "aiohttp.web.StreamResponse",
    "websockets.asyncio.connection.Connection",
    "websockets.legacy.protocol.WebSocketCommonProtocol",
    "aiofiles.threadpool.binary.AsyncBufferedIOBase",
    "aiofiles.threadpool.text.AsyncTextIOWrapper",
)
# Exempt whoever holds them: waiting on them is the point.
SYNC_CLASSES = (
    "asyncio.Lock",
    "asyncio.Semaphore",
    "asyncio.Condition",
    "asyncio.Event",
    "asyncio.Barrier",
    "anyio.Lock",
    "anyio.Semaphore",
    "anyio.Condition",
    "anyio.Event",
    "anyio.CapacityLimiter",
)
EXEMPT_FUNCTIONS = (
    "asyncio.sleep",
    "anyio.sleep",
    "trio.sleep",
    "asyncio.gather",
    "asyncio.wait",
    "asyncio.as_completed",
)
# Wrappers of one awaitable: the call inside is the one that waits.
WRAPPERS = ("asyncio.wait_for", "asyncio.shield")


def _message(ctx: ModuleContext, loop: ForStmt, call: CallExpr) -> str:
    callee = expression_text(ctx, call.callee)
    written = expression_text(ctx, call)
    target = expression_text(ctx, loop.index)
    items = expression_text(ctx, loop.expr)
    return (
        f'Independent awaits of "{callee}" run one after another; run them concurrently: '
        f"await asyncio.gather(*({written} for {target} in {items})) or an asyncio.TaskGroup"
    )


def _target_names(index: Expression) -> set[str] | None:
    """Names the loop binds; None if it assigns attributes or items."""
    if isinstance(index, NameExpr):
        return {index.name}
    if isinstance(index, StarExpr):
        return _target_names(index.expr)
    if isinstance(index, (TupleExpr, ListExpr)):
        names: set[str] = set()
        for item in index.items:
            found = _target_names(item)
            if found is None:
                return None
            names |= found
        return names
    return None


def _names(nodes: Iterable[Node]) -> set[str]:
    return {n.name for n in nodes if isinstance(n, NameExpr)}


def _mentions(expr: Node, names: set[str]) -> bool:
    return any(isinstance(n, NameExpr) and n.name in names for n in own_nodes([expr]))


# --- iterations that depend on earlier ones -----------------------------------


def _ends_early(body: Block) -> bool:
    """``break`` (of this loop), ``return`` or ``yield`` in the body."""
    for stmt in _loop_statements(body):
        if isinstance(stmt, (ReturnStmt, BreakStmt)):
            return True
    for node in own_nodes([body]):
        if isinstance(node, (ReturnStmt, YieldExpr, YieldFromExpr)):
            return True
    return False


def _loop_statements(body: Block) -> Iterator[Statement]:
    """Statements of the body, without entering nested loops."""
    for stmt in body.body:
        yield stmt
        if isinstance(stmt, (ForStmt, WhileStmt)):
            continue
        for block in child_blocks(stmt):
            yield from _loop_statements(block)


def _written(body: Block) -> set[str]:
    """Every name the body assigns."""
    names: set[str] = set()
    for stmt in statements(body.body):
        if isinstance(stmt, AssignmentStmt):
            for lvalue in stmt.lvalues:
                names |= _target_names(lvalue) or set()
        elif isinstance(stmt, OperatorAssignmentStmt):
            names |= _target_names(stmt.lvalue) or set()
        elif isinstance(stmt, ForStmt):
            names |= _target_names(stmt.index) or set()
        elif isinstance(stmt, WithStmt):
            for target in stmt.target:
                if target is not None:
                    names |= _target_names(target) or set()
    names |= {n.target.name for n in own_nodes([body]) if isinstance(n, AssignmentExpr)}
    return names


def _reads(nodes: Iterable[Node | None]) -> set[str]:
    walrus = set()
    found = set()
    for node in own_nodes([n for n in nodes if n is not None]):
        if isinstance(node, AssignmentExpr):
            walrus.add(id(node.target))
        elif isinstance(node, NameExpr) and id(node) not in walrus:
            found.add(node.name)
    return found


def _carried(block: Block, written: set[str], assigned: set[str]) -> bool:
    """True if a name of ``written`` is read before this iteration assigned it.

    ``assigned`` grows with the names surely assigned so far.
    """
    for stmt in block.body:
        if _carried_statement(stmt, written, assigned):
            return True
    return False


def _carried_statement(stmt: Statement, written: set[str], assigned: set[str]) -> bool:
    def reads_early(nodes: Iterable[Node | None]) -> bool:
        return bool((_reads(nodes) & written) - assigned)

    if isinstance(stmt, AssignmentStmt):
        lvalue_parts = [p for lv in stmt.lvalues if _target_names(lv) is None for p in [lv]]
        if reads_early([stmt.rvalue, *lvalue_parts]):
            return True
        for lvalue in stmt.lvalues:
            assigned |= _target_names(lvalue) or set()
        return False
    if isinstance(stmt, OperatorAssignmentStmt):
        if reads_early([stmt.lvalue, stmt.rvalue]):
            return True
        assigned |= _target_names(stmt.lvalue) or set()
        return False
    if isinstance(stmt, WithStmt):
        if reads_early(stmt.expr):
            return True
        for target in stmt.target:
            if target is not None:
                assigned |= _target_names(target) or set()
        return _carried(stmt.body, written, assigned)
    if isinstance(stmt, IfStmt):
        if reads_early(stmt.expr):
            return True
        branches = [*stmt.body, *([stmt.else_body] if stmt.else_body else [])]
        results = [set(assigned) for _ in branches]
        if any(_carried(b, written, r) for b, r in zip(branches, results)):
            return True
        if stmt.else_body is not None:
            assigned |= set.intersection(*results)
        return False
    if isinstance(stmt, (ForStmt, WhileStmt)):
        header = [stmt.expr] if isinstance(stmt, WhileStmt) else [stmt.expr]
        if reads_early(header):
            return True
        inner = set(assigned)
        if isinstance(stmt, ForStmt):
            inner |= _target_names(stmt.index) or set()
        return _carried(stmt.body, written, inner)
    if isinstance(stmt, TryStmt):
        before = set(assigned)
        if _carried(stmt.body, written, assigned):
            return True
        for handler, var in zip(stmt.handlers, stmt.vars):
            names = {var.name} if var is not None else set()
            if _carried(handler, written, before | names):
                return True
        tails = [b for b in (stmt.else_body, stmt.finally_body) if b is not None]
        return any(_carried(b, written, set(before)) for b in tails)
    children = child_blocks(stmt)
    if children:
        return any(_carried(b, written, set(assigned)) for b in children)
    return reads_early([stmt])


# --- what an await shares --------------------------------------------------------


def _awaited_calls(body: Block) -> Iterator[CallExpr]:
    """Every awaited call of the body, outside nested loops."""
    for stmt in _loop_statements(body):
        if isinstance(stmt, (ForStmt, WhileStmt)):
            roots: list[Node] = [stmt.expr]
        elif child_blocks(stmt):
            roots = _headers(stmt)
        else:
            roots = [stmt]
        for node in own_nodes(roots):
            if isinstance(node, AwaitExpr) and isinstance(node.expr, CallExpr):
                yield node.expr


def _headers(stmt: Statement) -> list[Node]:
    """The expressions a compound statement evaluates itself."""
    if isinstance(stmt, WithStmt):
        return list(stmt.expr)
    if isinstance(stmt, IfStmt):
        return list(stmt.expr)
    return []


def _bases(ctx: ModuleContext, expr: Expression) -> set[str]:
    return {base.fullname for info in receiver_classes(ctx.type_of(expr)) for base in info.mro}


def _holds(ctx: ModuleContext, expr: Expression, classes: frozenset[str]) -> bool:
    """True if ``expr``'s object has an attribute of one of ``classes`` (a repository)."""
    for info in receiver_classes(ctx.type_of(expr)):
        for base in info.mro:
            for symbol in base.names.values():
                node = symbol.node
                if not isinstance(node, Var) or node.type is None:
                    continue
                typ = get_proper_type(node.type)
                if isinstance(typ, Instance) and any(b.fullname in classes for b in typ.type.mro):
                    return True
    return False


def _exempt(
    ctx: ModuleContext, call: CallExpr, varying: set[str], kinds: tuple[frozenset[str], ...]
) -> bool:
    db, ordered, sync, functions = kinds
    callee = call.callee
    if isinstance(callee, RefExpr) and callee.fullname in functions:
        return True
    shared = db | ordered
    if isinstance(callee, MemberExpr):
        receiver = callee.expr
        bases = _bases(ctx, receiver)
        if bases & sync:
            return True
        if not _mentions(receiver, varying) and (bases & shared or _holds(ctx, receiver, db)):
            return True
    for arg in call.args:
        if not _mentions(arg, varying) and _bases(ctx, arg) & shared:
            return True
    return False


def _unwrap(ctx: ModuleContext, call: CallExpr, wrappers: frozenset[str]) -> CallExpr | None:
    """The call inside ``asyncio.wait_for(f(x), ...)``; None for a task or future."""
    callee = call.callee
    if isinstance(callee, RefExpr) and callee.fullname in wrappers:
        inner = call.args[0] if call.args else None
        return _unwrap(ctx, inner, wrappers) if isinstance(inner, CallExpr) else None
    return call


def _locks(ctx: ModuleContext, body: Block, sync: frozenset[str]) -> bool:
    """True if the body takes a lock or semaphore with ``async with``."""
    for stmt in statements(body.body):
        if isinstance(stmt, WithStmt) and any(_bases(ctx, e) & sync for e in stmt.expr):
            return True
    return False


def _check_loop(
    ctx: ModuleContext, loop: ForStmt, kinds: tuple[frozenset[str], ...], wrappers: frozenset[str]
) -> None:
    targets = _target_names(loop.index)
    if not targets or _ends_early(loop.body):
        return
    written = _written(loop.body)
    if _carried(loop.body, written - targets, set()):
        return
    if _locks(ctx, loop.body, kinds[2]):
        return
    varying = targets | written
    for awaited in _awaited_calls(loop.body):
        call = _unwrap(ctx, awaited, wrappers)
        if call is None or not _mentions(call, targets):
            continue
        if _exempt(ctx, call, varying, kinds):
            continue
        ctx.report(CODE, _message(ctx, loop, call), call)
        return


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not func.is_coroutine:
        return
    loops = [s for s in statements(func.body.body) if isinstance(s, ForStmt) and not s.is_async]
    if not loops:
        return
    db = resolve_all((*DB_CLASSES, *ctx.settings.sql_classes), ctx.modules)
    kinds = (
        db,
        resolve_all(ORDERED_CLASSES, ctx.modules),
        resolve_all(SYNC_CLASSES, ctx.modules),
        resolve_all(EXEMPT_FUNCTIONS, ctx.modules),
    )
    wrappers = resolve_all(WRAPPERS, ctx.modules)
    for loop in loops:
        _check_loop(ctx, loop, kinds, wrappers)


RULE = Rule(
    code=CODE,
    summary="Independent awaits run one after another in a for loop (use gather/TaskGroup)",
    doc=__doc__ or "",
    on_function=_check_function,
)

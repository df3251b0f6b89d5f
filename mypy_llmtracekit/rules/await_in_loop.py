"""ltk-await-in-loop: independent awaits run one after another in a ``for`` loop.

What it catches
    A ``for`` loop (not ``async for``, not ``while``) in an ``async def`` whose
    body awaits a call that uses the loop target, when no iteration depends on
    an earlier one: the body has no ``break``, ``return``, ``raise`` (a loop
    that stops at the first failure) or ``yield``, and no
    name assigned in the body is read before its assignment (a value carried
    from the previous iteration: ``total += ...``, ``cursor = await f(cursor)``).
    Each iteration then waits for the previous one's network round trip for
    nothing. Only a body with one such await is flagged: several (run a
    migration, then record it) make each iteration a sequence of steps. The
    message shows the ``asyncio.gather`` to write, with the loop's own names;
    an ``asyncio.TaskGroup`` does the same.

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
    Awaits that do not use the loop target. Awaits on a shared database
    connection, session, cursor or driver, as receiver or argument, or on an
    object whose attributes hold one (a repository bound to a session); a
    class with two of ``execute``, ``fetch*``, ``transaction``, ``begin``,
    ``commit``, ``rollback``, ``cursor`` counts as one. Awaits on locks,
    semaphores, conditions, events, barriers, queues, streams and websockets;
    ``asyncio.gather``/``wait`` (batches on purpose); calls of the loop
    target itself (``for hook in hooks: await hook(ctx)``: callbacks run in
    the order they were registered, often on one shared context). Methods of
    the object the loop runs in (``await self._run_query(q)``,
    ``await super().add(x)``, ``await helper(self, x)``): they share that
    object's state and whatever connection it uses, which its type does not
    show (a migration manager, an in-memory repository, a connector); a client
    *held* by it is still judged by its own type (``await
    self._client.get(url)`` is flagged). Connections and cursors taken with
    ``async with pool.acquire() as conn`` (or ``connection()``, ``connect()``,
    ``cursor()``, ``acquire_connection()``) and used by the await, whatever
    their type (an untyped driver's is ``Any``); shared arguments that hold a
    connection (a schema editor bound to a client), like receivers. ORM query
    objects (piccolo's ``Query``), even built from the loop target: they run
    on the ORM's shared engine. Loops
    that sleep (``asyncio.sleep``, ``anyio.sleep``): they pace themselves on
    purpose. Loops inside a transaction block (its queries share one
    connection), loops that take a lock or semaphore with ``async with``,
    awaits in a nested loop (they belong to that loop), loop-carried
    dependencies, ``break``, ``return`` and ``yield``. Functions mypy does not
    check (no annotation, without ``check_untyped_defs``): every type there is
    ``Any``. A receiver that changes with each iteration (``for ws in sockets:
    await ws.send(msg)``) is not shared, so its type does not exempt it.

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

    async def close_all(conn: asyncpg.Connection, ids: list[int]) -> None:
        for chat_id in ids:  # one connection: its queries cannot overlap
            await conn.execute("UPDATE account_chats SET closed = true WHERE id = $1", chat_id)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    FUNC_NO_INFO,
    AwaitExpr,
    Block,
    CallExpr,
    Expression,
    ForStmt,
    FuncItem,
    Node,
    Statement,
    TypeInfo,
)

from mypy_llmtracekit.kinds import (
    AWAIT_EXPR,
    CALL_EXPR,
    FOR_STMT,
    FUNC_DEF,
    IF_STMT,
    INSTANCE,
    MEMBER_EXPR,
    NAME_EXPR,
    REF_EXPR,
    SUPER_EXPR,
    VAR,
    WHILE_STMT,
    WITH_STMT,
    proper,
)
from mypy_llmtracekit.loops import (
    carried,
    ends_early,
    loop_statements,
    mentions,
    target_names,
    written_names,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import receiver_classes
from mypy_llmtracekit.rules.io_in_transaction import call_target
from mypy_llmtracekit.source import expression_text
from mypy_llmtracekit.statements import child_blocks, statements
from mypy_llmtracekit.transaction_catalogue import (
    TransactionApis,
    opens_transaction,
    resolve_all,
)
from mypy_llmtracekit.walker import own_nodes

CODE: ErrorCode = error_code(
    "ltk-await-in-loop",
    "Independent awaits one after another in a for loop",
    default_enabled=False,
)

# One connection, session or cursor: its awaits cannot overlap.
DB_CLASSES: Final = (
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
    "tortoise.backends.base.client.BaseDBAsyncClient",
)
# ``async with x.<one of these>() as name``: ``name`` is one connection or cursor
# for the whole block, whatever its type (an untyped driver's is ``Any``).
CONNECTION_FACTORIES: Final = frozenset(
    {"acquire", "acquire_connection", "connection", "connect", "cursor"}
)
# Query objects of ORMs: awaiting one runs it on the ORM's shared engine, even
# when the query itself is built from the loop target.
QUERY_CLASSES: Final = (
    "piccolo.query.base.Query",
    "piccolo.query.base.FrozenQuery",
    "piccolo.query.base.DDL",
    "piccolo.query.proxy.Proxy",
)
# Order matters, or they serialise on purpose: shared ones are exempt.
ORDERED_CLASSES: Final = (
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
SYNC_CLASSES: Final = (
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
# A sleep in the body paces the loop on purpose (rate limits): the loop is left alone.
SLEEPS: Final = ("asyncio.sleep", "anyio.sleep", "trio.sleep")
EXEMPT_FUNCTIONS: Final[tuple[str, ...]] = (
    *SLEEPS,
    "asyncio.gather",
    "asyncio.wait",
    "asyncio.as_completed",
)
# Methods of database connections and drivers (see connection_like).
DB_METHODS: Final = frozenset(
    {
        "execute",
        "executemany",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetchone",
        "fetchall",
        "fetchmany",
        "run_querystring",
        "run_ddl",
        "transaction",
        "begin",
        "begin_nested",
        "commit",
        "rollback",
        "cursor",
        "atomic",
    }
)
TRANSACTION_METHODS: Final = frozenset({"transaction", "begin", "begin_nested", "atomic"})
# Wrappers of one awaitable: the call inside is the one that waits.
WRAPPERS: Final = ("asyncio.wait_for", "asyncio.shield")


def _message(ctx: ModuleContext, loop: ForStmt, call: CallExpr) -> str:
    callee = expression_text(ctx, call.callee)
    written = expression_text(ctx, call)
    target = expression_text(ctx, loop.index)
    items = expression_text(ctx, loop.expr)
    return (
        f'Independent awaits of "{callee}" run one after another; run them concurrently: '
        f"await asyncio.gather(*({written} for {target} in {items})) or an asyncio.TaskGroup"
    )


# --- what an await shares --------------------------------------------------------


def _awaits(body: Block) -> Iterator[AwaitExpr]:
    """Every ``await`` of the body, outside nested loops."""
    for stmt in loop_statements(body):
        if isinstance(stmt, (FOR_STMT, WHILE_STMT)):
            roots: list[Node] = [stmt.expr]
        elif child_blocks(stmt):
            roots = _headers(stmt)
        else:
            roots = [stmt]
        for node in own_nodes(roots):
            if isinstance(node, AWAIT_EXPR):
                yield node


def _headers(stmt: Statement) -> list[Node]:
    """The expressions a compound statement evaluates itself."""
    if isinstance(stmt, WITH_STMT):
        return list(stmt.expr)
    if isinstance(stmt, IF_STMT):
        return list(stmt.expr)
    return []


def _bases(ctx: ModuleContext, expr: Expression) -> set[str]:
    return {base.fullname for info in receiver_classes(ctx.type_of(expr)) for base in info.mro}


def connection_like(info: TypeInfo, db: frozenset[str]) -> bool:
    """A database connection, session or driver: a known one, or a class with two DB methods.

    The second part catches project and library wrappers (a ``Driver`` protocol with
    ``fetch`` and ``execute``, an ``Engine`` with ``transaction`` and ``run_ddl``).
    """
    if any(base.fullname in db for base in info.mro):
        return True
    methods = {name for base in info.mro[:-1] for name in base.names if name in DB_METHODS}
    return len(methods) >= 2


def _is_db(ctx: ModuleContext, expr: Expression, db: frozenset[str]) -> bool:
    return any(connection_like(info, db) for info in receiver_classes(ctx.type_of(expr)))


def _holds(ctx: ModuleContext, expr: Expression, db: frozenset[str]) -> bool:
    """True if ``expr``'s object has an attribute that is a connection (a repository)."""
    for info in receiver_classes(ctx.type_of(expr)):
        for base in info.mro[:-1]:
            for symbol in base.names.values():
                node = symbol.node
                if not isinstance(node, VAR) or node.type is None:
                    continue
                typ = proper(node.type)
                if isinstance(typ, INSTANCE) and connection_like(typ.type, db):
                    return True
    return False


def _exempt(
    ctx: ModuleContext,
    call: CallExpr,
    varying: set[str],
    kinds: tuple[frozenset[str], ...],
    shared: set[str],
) -> bool:
    """``shared``: the method's own ``self``/``cls`` and connections taken with
    ``async with pool.acquire() as conn``: one object for every iteration."""
    db, ordered, sync, functions, queries = kinds
    callee = call.callee
    if isinstance(callee, REF_EXPR) and callee.fullname in functions:
        return True
    if isinstance(callee, MEMBER_EXPR) and _bases(ctx, callee.expr) & queries:
        return True
    if isinstance(callee, SUPER_EXPR):
        return True  # the object's own method, like self.m(...)
    if any(isinstance(arg, NAME_EXPR) and arg.name in shared for arg in call.args):
        return True
    if isinstance(callee, MEMBER_EXPR):
        receiver = callee.expr
        if isinstance(receiver, NAME_EXPR) and receiver.name in shared:
            return True
        bases = _bases(ctx, receiver)
        if bases & sync:
            return True
        if not mentions(receiver, varying) and (
            bases & ordered or _is_db(ctx, receiver, db) or _holds(ctx, receiver, db)
        ):
            return True
    for arg in call.args:
        if mentions(arg, varying):
            continue
        if _bases(ctx, arg) & ordered or _is_db(ctx, arg, db) or _holds(ctx, arg, db):
            return True
    return False


def _opens_transaction(
    ctx: ModuleContext, apis: TransactionApis, expr: Expression, db: frozenset[str]
) -> bool:
    """A ``with`` item that opens a transaction: its awaits share one connection."""
    if not isinstance(expr, CALL_EXPR):
        return False
    fullname, receivers, method = call_target(ctx, expr)
    if opens_transaction(fullname, receivers, method, apis, ctx.sql_classes):
        return True
    return method in TRANSACTION_METHODS and any(connection_like(i, db) for i in receivers)


def _unwrap(ctx: ModuleContext, call: CallExpr, wrappers: frozenset[str]) -> CallExpr | None:
    """The call inside ``asyncio.wait_for(f(x), ...)``; None for a task or future."""
    callee = call.callee
    if isinstance(callee, REF_EXPR) and callee.fullname in wrappers:
        inner = call.args[0] if call.args else None
        return _unwrap(ctx, inner, wrappers) if isinstance(inner, CALL_EXPR) else None
    return call


def _locks(ctx: ModuleContext, body: Block, sync: frozenset[str]) -> bool:
    """True if the body takes a lock or semaphore with ``async with``."""
    for stmt in statements(body.body):
        if isinstance(stmt, WITH_STMT) and any(_bases(ctx, e) & sync for e in stmt.expr):
            return True
    return False


def _calls(call: CallExpr, functions: frozenset[str]) -> bool:
    return isinstance(call.callee, REF_EXPR) and call.callee.fullname in functions


def _shared_names(func: FuncItem, found: list[Statement]) -> set[str]:
    """Names bound to one object for the whole function: the method's ``self``
    (or ``cls``), and connections or cursors taken with ``async with
    pool.acquire() as conn`` or ``conn.cursor() as cur`` (whatever their type:
    aiopg's is ``Any``)."""
    names: set[str] = set()
    if isinstance(func, FUNC_DEF) and func.info is not FUNC_NO_INFO and not func.is_static:
        if func.arguments:
            names.add(func.arguments[0].variable.name)
    for stmt in found:
        if not isinstance(stmt, WITH_STMT):
            continue
        for expr, target in zip(stmt.expr, stmt.target):
            if (
                isinstance(expr, CALL_EXPR)
                and isinstance(expr.callee, MEMBER_EXPR)
                and expr.callee.name in CONNECTION_FACTORIES
                and isinstance(target, NAME_EXPR)
            ):
                names.add(target.name)
    return names


def _check_loop(
    ctx: ModuleContext,
    loop: ForStmt,
    kinds: tuple[frozenset[str], ...],
    wrappers: frozenset[str],
    sleeps: frozenset[str],
    shared: set[str],
) -> None:
    targets = target_names(loop.index)
    if not targets or ends_early(loop.body):
        return
    written = written_names(loop.body)
    if carried(loop.body, written - targets, set()):
        return
    if _locks(ctx, loop.body, kinds[2]):
        return
    # Objects that differ with each iteration: the loop target itself. A cursor or
    # session the body opens (async with self._cursor() as cur) comes from a
    # shared source, so it counts as shared.
    varying = targets
    # The awaits that could overlap: one, or the iteration is a sequence of steps
    # (run a migration, then record it) that gather cannot simply replace.
    candidates: list[CallExpr | None] = []
    for awaited in _awaits(loop.body):
        call = _unwrap(ctx, awaited.expr, wrappers) if isinstance(awaited.expr, CALL_EXPR) else None
        if call is not None and _calls(call, sleeps):
            return
        if call is not None and _exempt(ctx, call, varying, kinds, shared - targets):
            continue
        candidates.append(call)
    if len(candidates) != 1 or candidates[0] is None or not mentions(candidates[0], targets):
        return
    callee = candidates[0].callee
    if isinstance(callee, NAME_EXPR) and callee.name in targets:
        return  # for hook in hooks: await hook(ctx): callbacks run in their order
    ctx.report(CODE, _message(ctx, loop, candidates[0]), candidates[0])


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not func.is_coroutine:
        return
    if func.is_dynamic() and not ctx.options.check_untyped_defs:
        return  # mypy did not check it: every type is Any, no exemption could apply
    found = list(statements(func.body.body))
    loops = [s for s in found if isinstance(s, FOR_STMT) and not s.is_async]
    if not loops:
        return
    db = resolve_all((*DB_CLASSES, *ctx.settings.sql_classes), ctx.modules) | ctx.sql_classes
    kinds = (
        db,
        resolve_all(ORDERED_CLASSES, ctx.modules),
        resolve_all(SYNC_CLASSES, ctx.modules),
        resolve_all(EXEMPT_FUNCTIONS, ctx.modules),
        resolve_all(QUERY_CLASSES, ctx.modules),
    )
    wrappers = resolve_all(WRAPPERS, ctx.modules)
    sleeps = resolve_all(SLEEPS, ctx.modules)
    apis = ctx.transactions
    shared = _shared_names(func, found)
    in_transaction: set[int] = set()
    for stmt in found:
        if isinstance(stmt, WITH_STMT) and any(
            _opens_transaction(ctx, apis, e, db) for e in stmt.expr
        ):
            in_transaction |= {id(s) for s in statements(stmt.body.body)}
    for loop in loops:
        if id(loop) not in in_transaction:
            _check_loop(ctx, loop, kinds, wrappers, sleeps, shared)


class _Checks(Checks):
    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Independent awaits one after another in a for loop; gather overlaps them (opt-in)",
    module=__name__,
    checks=_Checks(),
)

"""ltk-io-in-transaction: external I/O while a database transaction is open.

What it catches
    A call, awaited or not, to an external service inside the body of a
    ``with``/``async with`` that opened a database transaction: HTTP clients
    (httpx, aiohttp, requests, urllib, urllib3), boto3/botocore and
    aioboto3/aiobotocore clients and resources (S3, SQS, Bedrock ...), LLM SDKs
    (openai, anthropic, google-genai, litellm, LangChain chat models), message
    brokers (aio-pika, aiokafka, pika), e-mail (smtplib, aiosmtplib),
    subprocesses and raw network connections; or a call of a project function
    (sync or async, awaited or not, in any module, at any depth) that performs
    one, with the chain in the message (``publish -> Hooks.post_event ->
    httpx.AsyncClient.post``). The transaction holds its locks
    and a pooled connection for as long as the network call takes, and the call
    is not rolled back with the transaction: a rollback after the e-mail was
    sent or the object was uploaded leaves the outside world out of step.

    Transactions are the blocks of ``conn.transaction()`` (asyncpg ``Connection``
    and pool connections, psycopg ``AsyncConnection`` and sync ``Connection``),
    ``session.begin()``/``begin_nested()`` (SQLAlchemy ``AsyncSession``,
    ``AsyncConnection``, ``AsyncEngine``, ``async_sessionmaker`` and their sync
    twins), Django's ``transaction.atomic()``, tortoise's ``in_transaction()``,
    and ``transaction()``/``begin()``/``begin_nested()`` of the classes in
    ``sql_classes``. Nested transactions are savepoints: the message names the
    line of the outermost one.

Why a syntax-only linter cannot
    ``async with self.db.transaction():`` opens a transaction only if
    ``self.db`` is a database connection, and ``await self.client.post(...)``
    goes over the network only if ``self.client`` is an HTTP client (or an
    ``AsyncOpenAI`` resource, or an aiobotocore S3 client). Both are decided by
    the receiver's type, so attributes, factory results, subclasses and aliases
    are caught, and ``self.cache.get(...)`` on a dict never is.

Left alone
    Queries on the database connection or session itself, computation, logging,
    ``asyncio.sleep``, I/O before the ``async with`` or after it closes, calls
    inside a nested ``def`` or ``lambda`` (they run when called), callables only
    passed along (``await asyncio.to_thread(upload, ...)`` passes ``upload``),
    helpers that reach no external I/O, and client methods that do no I/O
    (``get_paginator``, ``generate_presigned_url``, ``build_request``). A helper
    called to make a task (``asyncio.create_task(upload(...))``) is a call: the
    task runs while the transaction is open and is not rolled back with it.

Under the cache
    What a helper does is read from its module's summary (``summaries.py``),
    computed from declarations and travelling with the module's interface, like
    ``ltk-blocking-io-indirect``'s chains: editing a helper's body so that it
    starts or stops doing I/O changes its callers' findings in every mode.

Settings
    ``transaction_io_extra``: more external-I/O APIs (``mylib.Notifier`` means
    every public method). ``transaction_io_exempt``: APIs never to flag.
    ``sql_classes``: the project's connection classes, whose ``transaction()``,
    ``begin()`` and ``begin_nested()`` open transactions too.

Bad::

    async def archive(pool: asyncpg.Pool, s3: S3Client, chat_id: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            body = await conn.fetchval("SELECT body FROM account_chats WHERE id = $1", chat_id)
            await s3.put_object(Bucket="archive", Key=str(chat_id), Body=body)
            await conn.execute("DELETE FROM chats WHERE id = $1", chat_id)

    async def summarize(session: AsyncSession, llm: AsyncOpenAI, chat: Chat) -> None:
        async with session.begin():
            reply = await llm.chat.completions.create(model="gpt-4o", messages=chat.messages)
            chat.summary = reply.choices[0].message.content

Good::

    async def archive(pool: asyncpg.Pool, s3: S3Client, chat_id: int) -> None:
        body = await pool.fetchval("SELECT body FROM account_chats WHERE id = $1", chat_id)
        await s3.put_object(Bucket="archive", Key=str(chat_id), Body=body)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM chats WHERE id = $1", chat_id)

    async def summarize(session: AsyncSession, llm: AsyncOpenAI, chat: Chat) -> None:
        reply = await llm.chat.completions.create(model="gpt-4o", messages=chat.messages)
        async with session.begin():
            chat.summary = reply.choices[0].message.content
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Expression,
    Node,
    TypeInfo,
    WithStmt,
)
from mypy.types import ProperType

from mypy_llmtracekit.callees import function_key, project_function
from mypy_llmtracekit.compat_errors import Finding, Location
from mypy_llmtracekit.declared import flatten
from mypy_llmtracekit.kinds import (
    CALL_EXPR,
    MEMBER_EXPR,
    MYPY_FILE,
    REF_EXPR,
    TYPE_INFO,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code
from mypy_llmtracekit.rules.blocking_io import receiver_classes
from mypy_llmtracekit.summaries import ChainReader, function_label, io_chain
from mypy_llmtracekit.transaction_catalogue import (
    TransactionApis,
    external_io_api,
    opens_transaction,
)
from mypy_llmtracekit.walker import own_nodes

CODE: ErrorCode = error_code(
    "ltk-io-in-transaction", "External I/O while a database transaction is open"
)


def call_target(
    ctx: ModuleContext, call: CallExpr
) -> tuple[str | None, list[TypeInfo], str | None]:
    """What a call resolves to: (callee full name, receiver classes, method name)."""
    callee = call.callee
    fullname = callee.fullname if isinstance(callee, REF_EXPR) and callee.node else None
    if not isinstance(callee, MEMBER_EXPR):
        return fullname or None, [], None
    receiver = callee.expr
    if isinstance(receiver, REF_EXPR) and isinstance(receiver.node, MYPY_FILE):
        return fullname or None, [], None  # a module attribute: a function
    if isinstance(receiver, REF_EXPR) and isinstance(receiver.node, TYPE_INFO):
        return fullname or None, [receiver.node], callee.name
    return fullname or None, receiver_classes(ctx.type_of(receiver)), callee.name


# (line that opened the transaction, "api" or "helper", the API or the helper's
# summary key, where the call is): what a finding is computed from, also under
# the daemon when another module's summary changed.
Site = tuple[int, str, str, Location]


def helper_chain(key: str, reader: ChainReader, used: set[str]) -> list[str] | None:
    """The chain from the project function ``key`` to the external API it reaches.

    E.g. ``["notify_owner", "Mailer.send", "aiosmtplib.send"]``, through project
    functions sync or async, in any module, at any depth; None if it does no
    external I/O. Answered from the summaries alone (the walk
    ``ltk-blocking-io-indirect`` uses), so it is the same in every mode; ``used``
    collects the modules consulted.
    """
    chain = io_chain(key, reader, used)
    if chain is None:
        return None
    return [*(function_label(name, reader.modules) for name in chain[:-1]), chain[-1]]


def resolve(sites: list[Site], reader: ChainReader, used: set[str]) -> list[Finding]:
    """The findings of a module's transaction call sites, given every module's summary."""
    findings: list[Finding] = []
    for opened_at, kind, name, location in sites:
        if kind == "api":
            findings.append((CODE, _message(name, opened_at), location))
            continue
        chain = helper_chain(name, reader, used)
        if chain is not None:
            findings.append((CODE, _message(" -> ".join(chain), opened_at), location))
    return findings


def _opener(ctx: ModuleContext, apis: TransactionApis, expr: Expression) -> bool:
    if not isinstance(expr, CALL_EXPR):
        return False
    fullname, receivers, method = call_target(ctx, expr)
    return opens_transaction(fullname, receivers, method, apis, ctx.sql_classes)


def _message(api: str, line: int) -> str:
    return (
        f'"{api}" runs while the transaction opened at line {line} is open: it holds the '
        "transaction and its locks across a network call and is not rolled back with it; "
        "do it before the transaction or after it commits"
    )


def _check_block(
    ctx: ModuleContext, apis: TransactionApis, roots: list[Node], line: int, seen: set[int]
) -> None:
    for node in own_nodes(roots):
        if not isinstance(node, CALL_EXPR) or id(node) in seen:
            continue
        seen.add(id(node))
        fullname, receivers, method = call_target(ctx, node)
        api = external_io_api(fullname, receivers, method, apis)
        if api is not None:
            ctx.transaction_sites.append((line, "api", api, Location.of(node)))
            continue
        helper = project_function(node, _typed(ctx), coroutines=True)
        if helper is not None:
            key = function_key(ctx.tree.fullname, helper)
            ctx.transaction_sites.append((line, "helper", key, Location.of(node)))


def _typed(ctx: ModuleContext) -> Callable[[Expression], list[ProperType]]:
    return lambda expr: flatten(ctx.type_of(expr))


def _check_with(ctx: ModuleContext, stmt: WithStmt, scope: Scope) -> None:
    if scope.kind is not ScopeKind.FUNCTION:
        return
    apis = ctx.transactions
    # The walk meets an outer statement first: a nested transaction's calls are
    # already seen (as the outer one's).
    for index, expr in enumerate(stmt.expr):
        if _opener(ctx, apis, expr):
            roots: list[Node] = [*stmt.expr[index + 1 :], stmt.body]
            _check_block(ctx, apis, roots, expr.line, ctx.transaction_calls)
            return


def _finish(ctx: ModuleContext) -> None:
    used: set[str] = set()
    ctx.findings.extend(resolve(ctx.transaction_sites, ctx.chain_reader(), used))
    used.discard(ctx.tree.fullname)
    ctx.chain_modules |= used


class _Checks(Checks):
    def on_with(self, ctx: ModuleContext, stmt: WithStmt, scope: Scope) -> None:
        _check_with(ctx, stmt, scope)

    def on_module_end(self, ctx: ModuleContext) -> None:
        _finish(ctx)


RULE: Rule = Rule(
    code=CODE,
    summary="External I/O (HTTP, S3, LLM SDKs, brokers, e-mail) while a DB transaction is open",
    module=__name__,
    checks=_Checks(),
)

"""ltk-io-in-transaction: external I/O while a database transaction is open.

What it catches
    A call, awaited or not, to an external service inside the body of a
    ``with``/``async with`` that opened a database transaction: HTTP clients
    (httpx, aiohttp, requests, urllib, urllib3), boto3/botocore and
    aioboto3/aiobotocore clients and resources (S3, SQS, Bedrock ...), LLM SDKs
    (openai, anthropic, google-genai, litellm, LangChain chat models), message
    brokers (aio-pika, aiokafka, pika), e-mail (smtplib, aiosmtplib),
    subprocesses and raw network connections. The transaction holds its locks
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
    passed along, and client methods that do no I/O (``get_paginator``,
    ``generate_presigned_url``, ``build_request``).

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

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Expression,
    FuncItem,
    MemberExpr,
    MypyFile,
    Node,
    RefExpr,
    TypeInfo,
    WithStmt,
)

from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import receiver_classes
from mypy_llmtracekit.statements import statements
from mypy_llmtracekit.transaction_catalogue import (
    TransactionApis,
    external_io_api,
    opens_transaction,
    transaction_apis,
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
    fullname = callee.fullname if isinstance(callee, RefExpr) and callee.node else None
    if not isinstance(callee, MemberExpr):
        return fullname or None, [], None
    receiver = callee.expr
    if isinstance(receiver, RefExpr) and isinstance(receiver.node, MypyFile):
        return fullname or None, [], None  # a module attribute: a function
    if isinstance(receiver, RefExpr) and isinstance(receiver.node, TypeInfo):
        return fullname or None, [receiver.node], callee.name
    return fullname or None, receiver_classes(ctx.type_of(receiver)), callee.name


def helper_chain(ctx: ModuleContext, call: CallExpr) -> list[str] | None:
    """HOOK for the cross-module summaries: the chain of a project helper doing external I/O.

    For a call of a project function or method (sync or async, any module),
    return the chain from that function to the external API it reaches, e.g.
    ``["notify_owner", "Mailer.send", "aiosmtplib.send"]``, or None. It must be
    answered from the summaries (each function's direct external-I/O calls,
    classified with ``transaction_catalogue.external_io_api``, and the project
    functions it calls), like ``ltk-blocking-io-indirect``'s chains, so that it
    gives the same answer in every mode. Until that is wired: None.
    """
    return None


def _opener(ctx: ModuleContext, apis: TransactionApis, expr: Expression) -> bool:
    if not isinstance(expr, CallExpr):
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
        if not isinstance(node, CallExpr) or id(node) in seen:
            continue
        seen.add(id(node))
        fullname, receivers, method = call_target(ctx, node)
        api = external_io_api(fullname, receivers, method, apis)
        if api is None:
            chain = helper_chain(ctx, node)
            api = " -> ".join(chain) if chain else None
        if api is not None:
            ctx.report(CODE, _message(api, line), node)


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    withs = [s for s in statements(func.body.body) if isinstance(s, WithStmt)]
    if not withs:
        return
    apis = transaction_apis(ctx.settings, ctx.modules)
    seen: set[int] = set()
    # Outer statements come first: a nested transaction's calls are already seen.
    for stmt in withs:
        for index, expr in enumerate(stmt.expr):
            if _opener(ctx, apis, expr):
                roots: list[Node] = [*stmt.expr[index + 1 :], stmt.body]
                _check_block(ctx, apis, roots, expr.line, seen)
                break


RULE = Rule(
    code=CODE,
    summary="External I/O (HTTP, S3, LLM SDKs, brokers, e-mail) while a DB transaction is open",
    doc=__doc__ or "",
    on_function=_check_function,
)

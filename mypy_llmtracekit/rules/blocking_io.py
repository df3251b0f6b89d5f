"""ltk-blocking-io: a blocking (synchronous I/O) API called directly in an ``async def``.

What it catches
    A call, executed in a coroutine's own body (``async def``, async generators,
    ``__aenter__``/``__aexit__``), of an API in the blocking catalogue: sync
    database drivers (psycopg2, psycopg, sqlite3, pymysql, redis, pymongo,
    SQLAlchemy's sync ``Session``/``Engine``/``Connection``), sync HTTP (requests,
    httpx, urllib, urllib3, http.client), ``time.sleep``, ``open``, file objects
    (``typing.IO`` and the ``io`` classes), file-system ``pathlib``/``os``/
    ``shutil``/``glob`` functions, ``input()``, archives on disk, ``ssl`` file
    loaders, ``subprocess`` and ``socket`` calls, thread and process waits
    (locks, events, ``Thread.join``, ``queue.Queue``, ``Future.result``; ``with
    lock:`` on a thread or process lock, as entering it acquires it), the
    standard library's mail and FTP clients, typed boto3/botocore clients,
    elasticsearch, pika and paramiko, and the LLM SDKs: the sync clients of
    ``openai`` and ``anthropic``, ``google-genai``'s sync modules and chats,
    ``litellm.completion`` and friends, LangChain runnables' ``invoke``/``batch``/
    ``stream`` (the SDKs' ``with_raw_response``/``with_streaming_response``
    views too). Constructors that connect (``smtplib.SMTP(host)``,
    ``pika.BlockingConnection(...)``, ``paramiko.Transport((host, 22))``) count
    as calls. The message names the API
    and the async alternative (``AsyncOpenAI``, ``AsyncAnthropic``,
    ``client.aio``, ``litellm.acompletion``, ``await runnable.ainvoke(...)``).

Why a syntax-only linter cannot
    ``self._conn.execute(...)`` blocks only if ``self._conn`` is a sync
    connection, and ``client.chat.completions.create(...)`` only if ``client`` is
    an ``OpenAI``, not an ``AsyncOpenAI``. The plugin reads the receiver's type
    from mypy, so subclasses, attributes, factory results, container items,
    narrowed optionals, type aliases, ``super()`` and TypeVars bound or
    constrained to catalogued classes are all caught, and ``Calculator.execute``,
    ``dict.get`` or an aiobotocore client's coroutine methods never are.
    Functions match by their real name whatever the import alias
    (``from time import sleep as nap``).

Left alone
    A call inside a nested sync ``def`` or ``lambda`` (it runs where it is called),
    a callable *passed* to ``asyncio.to_thread`` or ``loop.run_in_executor``
    (but its arguments run where they are written: ``to_thread(f, conn.execute(q))``
    is flagged), ``print``, logging, writes to ``sys.stdout``/``sys.stderr``,
    in-memory streams (``io.StringIO``, ``io.BytesIO``), pure functions
    (``time.monotonic``, ``os.path.join``, ``Path.name``), methods of catalogued
    classes that do no I/O (boto3's ``generate_presigned_url``/``get_paginator``,
    prompt templates), waits that do not wait (``lock.acquire(blocking=False)``,
    ``q.get(block=False)``, ``fut.result()`` inside ``if fut.done():``), archives
    opened from memory, a call that another branch of the same ``if`` offloads
    to a thread (``if in_memory: f.write(d)`` / ``else: await to_thread(f.write,
    d)``: a decision, not an oversight), and receivers mypy knows only as
    ``Any``: an untyped library (boto3 without ``types-boto3``, paramiko without
    ``types-paramiko``) is not guessed from names; install its stubs.

Settings
    ``blocking_io_extra``: more blocking APIs (``mylib.Client`` means every method).
    ``blocking_io_exempt``: APIs never to flag, e.g. ``pathlib.Path.exists``.

Bad::

    async def handler(conn: sqlite3.Connection, client: openai.OpenAI) -> None:
        conn.execute("DELETE FROM jobs")
        client.chat.completions.create(model="gpt-4o", messages=[])

Good::

    async def handler(conn: aiosqlite.Connection, client: openai.AsyncOpenAI) -> None:
        await conn.execute("DELETE FROM jobs")
        await client.chat.completions.create(model="gpt-4o", messages=[])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Expression,
    TypeInfo,
    WithStmt,
)
from mypy.types import (
    ProperType,
)
from mypy.typevars import fill_typevars_with_any

from mypy_llmtracekit.catalogue import (
    CONSOLE_STREAMS,
    Blocking,
    Hit,
    arguments_block,
    blocking_api,
)
from mypy_llmtracekit.compat_errors import Location
from mypy_llmtracekit.guards import offloaded_elsewhere, waits_on_finished, written
from mypy_llmtracekit.kinds import (
    BYTES_EXPR,
    CALL_EXPR,
    CALLABLE_TYPE,
    FUNC_DEF,
    INSTANCE,
    LITERAL_TYPE,
    MEMBER_EXPR,
    MYPY_FILE,
    OVERLOADED,
    REF_EXPR,
    STR_EXPR,
    SUPER_EXPR,
    TUPLE_TYPE,
    TYPE_INFO,
    TYPE_TYPE,
    TYPE_VAR_TYPE,
    UNION_TYPE,
    VAR,
    proper,
)
from mypy_llmtracekit.names import class_called
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code

CODE: ErrorCode = error_code("ltk-blocking-io", "Blocking I/O call inside an async function")

__all__ = ["CODE", "RULE", "Blocking", "Hit", "blocking_hit", "call_parts", "receiver_classes"]


def receiver_classes(typ: ProperType | None) -> list[TypeInfo]:
    """The classes a receiver of type ``typ`` may be (all members of a union).

    A TypeVar stands for its bound, or for each of its constraints.
    """
    if typ is None:
        return []
    if isinstance(typ, INSTANCE):
        return [typ.type]
    if isinstance(typ, UNION_TYPE):
        return [info for item in typ.items for info in receiver_classes(proper(item))]
    if isinstance(typ, TYPE_VAR_TYPE):
        if typ.values:
            return [info for v in typ.values for info in receiver_classes(proper(v))]
        return receiver_classes(proper(typ.upper_bound))
    if isinstance(typ, TYPE_TYPE):
        return receiver_classes(proper(typ.item))
    if isinstance(typ, (CALLABLE_TYPE, OVERLOADED)) and typ.is_type_obj():
        return [typ.type_object()]
    if isinstance(typ, LITERAL_TYPE):
        return receiver_classes(typ.fallback)
    if isinstance(typ, TUPLE_TYPE):
        return receiver_classes(typ.partial_fallback)
    return []


def expression_type(ctx: ModuleContext, expr: Expression) -> ProperType | None:
    """mypy's type for ``expr``, or, where mypy keeps none, the declared one.

    mypy checks a function with a constrained TypeVar in expanded copies, one per
    constraint, and keeps no type for the original's expressions: the declared
    types of names, attributes and call results stand in.
    """
    typ = ctx.type_of(expr)
    if typ is not None:
        return typ
    if isinstance(expr, REF_EXPR) and isinstance(expr.node, VAR) and expr.node.type is not None:
        return proper(expr.node.type)
    if isinstance(expr, MEMBER_EXPR):
        for info in receiver_classes(expression_type(ctx, expr.expr)):
            symbol = info.get(expr.name)
            if symbol is not None and isinstance(symbol.node, VAR) and symbol.node.type:
                return proper(symbol.node.type)
        return None
    if isinstance(expr, CALL_EXPR):
        callee = expr.callee
        constructed = class_called(callee)
        if constructed is not None:
            return fill_typevars_with_any(constructed)
        node = callee.node if isinstance(callee, REF_EXPR) else None
        declared = node.type if isinstance(node, FUNC_DEF) else None
        if declared is None:
            declared = expression_type(ctx, callee)
        declared = proper(declared)
        if isinstance(declared, CALLABLE_TYPE):
            return proper(declared.ret_type)
    return None


def call_parts(
    ctx: ModuleContext, call: CallExpr
) -> tuple[str | None, Sequence[TypeInfo], str | None, TypeInfo | None]:
    """What a call's callee resolves to, as :func:`blocking_api` takes it.

    (callee full name, receiver classes, method name, constructed class); the
    only part of the rule that reads expression types.
    """
    callee = call.callee
    constructed = class_called(callee)
    if constructed is not None:
        return constructed.fullname, (), None, constructed
    if isinstance(callee, SUPER_EXPR):
        # super().commit(): the bases of the class the method is in.
        info = callee.info
        bases = [base.type for base in info.bases] if info is not None else []
        return None, bases, callee.name, None
    fullname = callee.fullname if isinstance(callee, REF_EXPR) and callee.node else None
    if not isinstance(callee, MEMBER_EXPR):
        return fullname, (), None, None
    receiver = callee.expr
    if isinstance(receiver, MEMBER_EXPR) and receiver.name == "buffer":
        receiver = receiver.expr  # sys.stdout.buffer.write(...): still the console
        if isinstance(receiver, REF_EXPR) and receiver.fullname in CONSOLE_STREAMS:
            return None, (), None, None
        receiver = callee.expr
    if isinstance(receiver, REF_EXPR):
        if isinstance(receiver.node, MYPY_FILE):
            return fullname, (), None, None  # a module attribute: judged as a function
        if receiver.fullname in CONSOLE_STREAMS:
            return None, (), None, None
        if isinstance(receiver.node, TYPE_INFO):
            return fullname, [receiver.node], callee.name, None
    return fullname, receiver_classes(expression_type(ctx, receiver)), callee.name, None


def _is_path(ctx: ModuleContext, expr: Expression | None) -> bool:
    if expr is None:
        return False
    if isinstance(expr, (STR_EXPR, BYTES_EXPR)):
        return True
    typ = expression_type(ctx, expr)
    items = typ.items if isinstance(typ, UNION_TYPE) else [typ]
    for item in items:
        resolved_type = proper(item)
        if isinstance(resolved_type, LITERAL_TYPE):
            resolved_type = resolved_type.fallback
        if isinstance(resolved_type, INSTANCE) and any(
            base.fullname in ("builtins.str", "builtins.bytes", "os.PathLike")
            for base in resolved_type.type.mro
        ):
            return True
    return False


def condition_holds(ctx: ModuleContext, call: CallExpr, hit: Hit) -> bool:
    """Whether the call's arguments make a conditional hit block."""
    return arguments_block(call, hit, lambda expr: _is_path(ctx, expr))


def blocking_hit(ctx: ModuleContext, call: CallExpr) -> Blocking | None:
    """Return the catalogue hit for ``call``, or None if it does not block.

    Asked by this rule and then by ``ltk-blocking-io-indirect`` about each call in a
    coroutine, one right after the other: the last answer is kept."""
    if _LAST_HIT and _LAST_HIT[0][0] is ctx and _LAST_HIT[0][1] is call:
        return _LAST_HIT[0][2]
    hit = _blocking_hit(ctx, call)
    _LAST_HIT[:] = [(ctx, call, hit)]
    return hit


# The last call blocking_hit judged: its module pass, the call, the answer.
_LAST_HIT: Final[list[tuple[ModuleContext, CallExpr, Blocking | None]]] = []


def _blocking_hit(ctx: ModuleContext, call: CallExpr) -> Blocking | None:
    fullname, classes, method, constructed = call_parts(ctx, call)
    if fullname is None and method is None:
        return None
    hit = blocking_api(fullname, classes, method, ctx.blocking, constructed=constructed)
    if hit is None or not condition_holds(ctx, call, hit):
        return None
    return hit


def _function_name(scope: Scope) -> str:
    func = scope.function
    return func.name if isinstance(func, FUNC_DEF) else "<lambda>"


# The callee text of each finding of the module being walked, by location, to
# tell apart two findings that would otherwise read the same on one line.
_WRITTEN_AT: Final[list[tuple[ModuleContext, dict[Location, str]]]] = []


def _written_by_location(ctx: ModuleContext) -> dict[Location, str]:
    if not _WRITTEN_AT or _WRITTEN_AT[0][0] is not ctx:
        _WRITTEN_AT[:] = [(ctx, {})]
    return _WRITTEN_AT[0][1]


def _message(api: str, scope: Scope, instead: str, quoted: str = "") -> str:
    return (
        f'Blocking call "{api}"{quoted} in async function "{_function_name(scope)}" '
        f"stalls the event loop; {instead}"
    )


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    if not scope.in_coroutine:
        return
    hit = blocking_hit(ctx, call)
    if hit is None or offloaded_elsewhere(call, scope) or waits_on_finished(call, scope):
        return
    api = hit.api.removeprefix("builtins.")
    message = _message(api, scope, hit.instead)
    location = Location.of(call)
    texts = _written_by_location(ctx)
    texts[location] = written(call.callee)
    for index, (code, text, where) in enumerate(ctx.findings):
        if code is not CODE or where.line != location.line or text != message:
            continue
        # Same API twice on one line: quote what was written, so mypy keeps both.
        before, mine = f'"{texts.get(where, "...")}"', f'"{texts[location]}"'
        if before == mine:
            before = f"{before} at column {where.column + 1}"
            mine = f"{mine} at column {location.column + 1}"
        earlier = _message(api, scope, hit.instead, f" (written {before})")
        ctx.findings[index] = (code, earlier, where)
        message = _message(api, scope, hit.instead, f" (written {mine})")
    ctx.report(CODE, message, call)


def _check_with(ctx: ModuleContext, stmt: WithStmt, scope: Scope) -> None:
    """``with lock:`` in a coroutine: entering runs ``lock.__enter__()``, an acquire."""
    func = scope.function
    if scope.kind is not ScopeKind.FUNCTION or func is None or not func.is_coroutine:
        return
    if stmt.is_async:
        return
    for expr in stmt.expr:
        classes = receiver_classes(expression_type(ctx, expr))
        hit = blocking_api(None, classes, "__enter__", ctx.blocking)
        if hit is None:
            continue
        api = hit.api.removesuffix(".__enter__")
        name = func.name if isinstance(func, FUNC_DEF) else "<lambda>"
        ctx.report(
            CODE,
            f'Blocking "with {written(expr)}" (enters "{api}", which waits to acquire it) '
            f'in async function "{name}" stalls the event loop; {hit.instead}',
            expr,
        )


class _Checks(Checks):
    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)

    def on_with(self, ctx: ModuleContext, stmt: WithStmt, scope: Scope) -> None:
        _check_with(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Blocking (synchronous I/O) API called directly in an async def",
    module=__name__,
    checks=_Checks(),
)

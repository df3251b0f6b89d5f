"""ltk-blocking-io: a blocking (synchronous I/O) API called directly in an ``async def``.

What it catches
    A call, executed in a coroutine's own body (``async def``, async generators,
    ``__aenter__``/``__aexit__``), of an API in the blocking catalogue: sync
    database drivers (psycopg2, psycopg, sqlite3, pymysql, redis, pymongo,
    SQLAlchemy's sync ``Session``/``Engine``/``Connection``), sync HTTP (requests,
    httpx, urllib, urllib3, http.client), ``time.sleep``, ``open``, file-system
    ``pathlib``/``os``/``shutil`` functions, ``subprocess`` and ``socket`` calls.
    The message names the API and the async alternative.

Why a syntax-only linter cannot
    ``self._conn.execute(...)`` blocks only if ``self._conn`` is a sync
    connection. The plugin reads the receiver's type from mypy, so subclasses,
    attributes, factory results, container items, narrowed optionals and type
    aliases (``DBConnection = psycopg2.extensions.connection``) are all caught,
    and ``Calculator.execute`` or ``dict.get`` never are. Functions match by their
    real name whatever the import alias (``from time import sleep as nap``).

Left alone
    A call inside a nested sync ``def`` or ``lambda`` (it runs where it is called),
    a callable *passed* to ``asyncio.to_thread`` or ``loop.run_in_executor``,
    ``print``, logging, pure functions (``time.monotonic``, ``os.path.join``,
    ``Path.name``).

Settings
    ``blocking_io_extra``: more blocking APIs (``mylib.Client`` means every method).
    ``blocking_io_exempt``: APIs never to flag, e.g. ``pathlib.Path.exists``.

Bad::

    async def handler(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM jobs")
        time.sleep(1)

Good::

    async def handler(conn: aiosqlite.Connection) -> None:
        await conn.execute("DELETE FROM jobs")
        await asyncio.sleep(1)
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    FuncDef,
    MemberExpr,
    MypyFile,
    RefExpr,
    TypeInfo,
)
from mypy.types import (
    CallableType,
    Instance,
    LiteralType,
    ProperType,
    TupleType,
    TypeType,
    TypeVarType,
    UnionType,
    get_proper_type,
)

from mypy_llmtracekit.catalogue import Blocking
from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code

CODE: ErrorCode = error_code("ltk-blocking-io", "Blocking I/O call inside an async function")


def receiver_classes(typ: ProperType | None) -> list[TypeInfo]:
    """The classes a receiver of type ``typ`` may be (all members of a union)."""
    if typ is None:
        return []
    if isinstance(typ, Instance):
        return [typ.type]
    if isinstance(typ, UnionType):
        return [info for item in typ.items for info in receiver_classes(get_proper_type(item))]
    if isinstance(typ, TypeVarType):
        return receiver_classes(get_proper_type(typ.upper_bound))
    if isinstance(typ, TypeType):
        return receiver_classes(get_proper_type(typ.item))
    if isinstance(typ, CallableType) and typ.is_type_obj():
        return [typ.type_object()]
    if isinstance(typ, LiteralType):
        return receiver_classes(typ.fallback)
    if isinstance(typ, TupleType):
        return receiver_classes(typ.partial_fallback)
    return []


def _method_hit(ctx: ModuleContext, callee: MemberExpr) -> Blocking | None:
    receiver = callee.expr
    if isinstance(receiver, RefExpr) and isinstance(receiver.node, MypyFile):
        return None  # a module attribute: judged as a function
    if isinstance(receiver, RefExpr) and isinstance(receiver.node, TypeInfo):
        classes = [receiver.node]
    else:
        classes = receiver_classes(ctx.type_of(receiver))
    for info in classes:
        hit = ctx.blocking.method(info, callee.name)
        if hit is not None:
            return hit
    return None


def blocking_hit(ctx: ModuleContext, call: CallExpr) -> Blocking | None:
    """Return the catalogue hit for ``call``, or None if it does not block."""
    callee = call.callee
    if isinstance(callee, RefExpr) and callee.node is not None and callee.fullname:
        hit = ctx.blocking.function(callee.fullname)
        if hit is not None:
            return hit
    if isinstance(callee, MemberExpr):
        return _method_hit(ctx, callee)
    return None


def _function_name(scope: Scope) -> str:
    func = scope.function
    return func.name if isinstance(func, FuncDef) else "<lambda>"


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    if not scope.in_coroutine:
        return
    hit = blocking_hit(ctx, call)
    if hit is None:
        return
    api = hit.api.removeprefix("builtins.")
    message = (
        f'Blocking call "{api}" in async function "{_function_name(scope)}" '
        f"stalls the event loop; {hit.instead}"
    )
    ctx.report(CODE, message, call)


RULE = Rule(
    code=CODE,
    summary="Blocking (synchronous I/O) API called directly in an async def",
    doc=__doc__ or "",
    on_call=_check_call,
)

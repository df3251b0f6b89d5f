"""ltk-blocking-io-indirect: an ``async def`` that calls a project sync function which blocks.

What it catches
    A call, in a coroutine's own body, of a sync function or method of the
    checked project that performs blocking I/O (the ``ltk-blocking-io`` catalogue
    plus ``blocking_io_extra``, minus ``blocking_io_exempt``) directly or through
    any chain of project sync functions, in the same module or in others. The
    message shows the whole chain, e.g.
    ``handler -> _two_hops -> _query -> sqlite3.Connection.execute``.

Left alone
    A callable *passed* to ``asyncio.to_thread`` or ``run_in_executor`` (not a
    call); a lambda or nested sync ``def`` until it is called; functions of
    third-party packages beyond the catalogue; async helpers. Recursion and
    import cycles end.

Why a syntax-only linter cannot
    ruff's ASYNC rules see one file and one call (ruff issue 7807 asks for this
    and stays open): following ``self._repo.load()`` into another module's sync
    helper needs the receiver's type and the whole program. mypy has both.

Under the cache
    Editing a helper's body so that it starts (or stops) blocking changes its
    async callers' diagnostics on the next run, in other modules too, with a warm
    cache, ``-n`` workers or the daemon, although the helper's signature did not
    change (see ``summaries.py``).

Bad::

    def _query(conn: sqlite3.Connection) -> list[Row]:
        return conn.execute("SELECT * FROM account_chats").fetchall()

    async def handler(conn: sqlite3.Connection) -> list[Row]:
        return _query(conn)

Good::

    async def handler(conn: sqlite3.Connection) -> list[Row]:
        return await asyncio.to_thread(_query, conn)
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    CallExpr,
    Decorator,
    FuncBase,
    FuncDef,
    FuncItem,
    MemberExpr,
    OverloadedFuncDef,
    RefExpr,
    SymbolNode,
    TypeInfo,
)

from mypy_llmtracekit.compat import Location
from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import blocking_hit, receiver_classes
from mypy_llmtracekit.summaries import FunctionSummary, Site, blocking_chain

CODE: ErrorCode = error_code(
    "ltk-blocking-io-indirect", "Async function calls a project helper that blocks"
)


def _sync_function(node: SymbolNode | FuncBase | Decorator | None) -> FuncDef | None:
    if isinstance(node, Decorator):
        node = node.func
    if isinstance(node, OverloadedFuncDef) and node.impl is not None:
        impl = node.impl
        node = impl.func if isinstance(impl, Decorator) else impl
    if isinstance(node, FuncDef) and not node.is_coroutine:
        return node
    return None


def _method(info: TypeInfo, name: str) -> SymbolNode | None:
    """The method ``name`` of a class, looked up along its MRO.

    (``TypeInfo.get_method`` also scans every name of every class for
    redefinitions: too slow for classes with hundreds of methods.)
    """
    for base in info.mro:
        symbol = base.names.get(name)
        if symbol is not None:
            return symbol.node
    return None


def function_key(ctx: ModuleContext, func: FuncDef) -> str:
    """A function's name in the summaries: its full name, or a local one when nested."""
    if func.fullname and "." in func.fullname:
        return func.fullname
    return f"{ctx.tree.fullname}.<locals>.{func.name}@{func.line}"


def project_callee(ctx: ModuleContext, call: CallExpr) -> str | None:
    """The full name of the sync function a call runs, if it is one mypy knows."""
    callee = call.callee
    if isinstance(callee, MemberExpr) and callee.node is None:
        # obj.method(...): the method the receiver's class really has.
        for info in receiver_classes(ctx.type_of(callee.expr)):
            found = _sync_function(_method(info, callee.name))
            if found is not None:
                return function_key(ctx, found)
        return None
    if isinstance(callee, RefExpr):
        found = _sync_function(callee.node)
        return function_key(ctx, found) if found is not None else None
    return None


def _function_summary(ctx: ModuleContext, func: FuncItem | None) -> FunctionSummary | None:
    if not isinstance(func, FuncDef) or func.is_coroutine:
        return None
    return ctx.summary.functions.setdefault(function_key(ctx, func), FunctionSummary())


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    _function_summary(ctx, func)


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    summary = _function_summary(ctx, scope.function)
    if summary is not None:
        hit = blocking_hit(ctx, call)
        if hit is not None:
            # conn.execute(...).fetchall(): name the call that runs first, execute.
            if not _on_blocking_result(ctx, call):
                summary.blocking.append(hit.api.removeprefix("builtins."))
            return
        callee = project_callee(ctx, call)
        if callee is not None and callee not in summary.calls:
            summary.calls.append(callee)
        return
    if not scope.in_coroutine or blocking_hit(ctx, call) is not None:
        return  # direct blocking calls are ltk-blocking-io's
    callee = project_callee(ctx, call)
    if callee is not None and isinstance(scope.function, FuncDef):
        loc = Location.of(call)
        where = (loc.line, loc.column, loc.end_line, loc.end_column)
        ctx.summary.sites.append(Site(scope.function.name, callee, where))


def _on_blocking_result(ctx: ModuleContext, call: CallExpr) -> bool:
    callee = call.callee
    return (
        isinstance(callee, MemberExpr)
        and isinstance(callee.expr, CallExpr)
        and blocking_hit(ctx, callee.expr) is not None
    )


def _short(name: str) -> str:
    return name.rpartition(".")[2].partition("@")[0]


def site_message(site: Site, chain: list[str]) -> str:
    """The message for one async call site and the chain it starts."""
    path = " -> ".join([site.caller, *(_short(n) for n in chain[:-1]), chain[-1]])
    helper = _short(site.callee)
    return (
        f'Async function "{site.caller}" calls "{helper}", which blocks: {path}; make the '
        f"helper async, or await asyncio.to_thread({helper}, ...)"
    )


def _finish(ctx: ModuleContext) -> None:
    ctx.summaries.save(ctx.summary, persist=False)  # chains may run through this module
    used: dict[str, tuple[str, str]] = {}
    for site in ctx.summary.sites:
        chain = blocking_chain(site.callee, ctx.summaries, ctx.modules, used)
        if chain is not None:
            ctx.report_location(CODE, site_message(site, chain), Location(*site.location))
    used.pop(ctx.tree.fullname, None)
    ctx.summary.depends = used
    ctx.summaries.save(ctx.summary)


RULE = Rule(
    code=CODE,
    summary="Async def calls a project sync function that blocks, through any chain of modules",
    doc=__doc__ or "",
    on_function=_check_function,
    on_call=_check_call,
    on_module_end=_finish,
)

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
    change. What a helper calls is read from its module's summary, which is
    computed from declarations and travels with the module's interface (see
    ``summaries.py`` and ARCHITECTURE.md).

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

from collections.abc import Callable, Container

from mypy.errorcodes import ErrorCode
from mypy.nodes import CallExpr, Expression
from mypy.types import ProperType

from mypy_llmtracekit.callees import function_key, project_function
from mypy_llmtracekit.compat_errors import Finding, Location
from mypy_llmtracekit.declared import flatten
from mypy_llmtracekit.kinds import (
    FUNC_DEF,
    MEMBER_EXPR,
    NAME_EXPR,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import blocking_hit
from mypy_llmtracekit.summaries import ChainReader, blocking_chain, module_of

CODE: ErrorCode = error_code(
    "ltk-blocking-io-indirect", "Async function calls a project helper that blocks"
)

# (caller's name, callee's summary key, the callee as written, where the call is)
Site = tuple[str, str, str, Location]


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    if not scope.in_coroutine or not isinstance(scope.function, FUNC_DEF):
        return
    if blocking_hit(ctx, call) is not None:
        return  # a direct blocking call is ltk-blocking-io's, always
    callee = project_function(call, _typed(ctx))
    if callee is None:
        return
    key = function_key(ctx.tree.fullname, callee)
    written = _written(call.callee) or _label(key, ctx.modules)
    ctx.sites.append((scope.function.name, key, written, Location.of(call)))


def _written(expr: Expression) -> str | None:
    """``name`` or ``a.b.name`` as written; None for anything else."""
    if isinstance(expr, NAME_EXPR):
        return expr.name
    if isinstance(expr, MEMBER_EXPR):
        base = _written(expr.expr)
        return None if base is None else f"{base}.{expr.name}"
    return None


def _typed(ctx: ModuleContext) -> Callable[[Expression], list[ProperType]]:
    return lambda expr: flatten(ctx.type_of(expr))


def _label(key: str, modules: Container[str]) -> str:
    """A function as the chain shows it: ``Repo.count``, ``_query``, ``inner``."""
    module = module_of(key, modules)
    local = key[len(module) + 1 :] if module is not None else key
    return local.removeprefix("<locals>.").partition("@")[0]


def site_message(caller: str, written: str, chain: list[str], modules: Container[str]) -> str:
    """The message for one async call site and the chain it starts."""
    path = " -> ".join([caller, *(_label(n, modules) for n in chain[:-1]), chain[-1]])
    return (
        f'Async function "{caller}" calls "{written}", which blocks: {path}; make the '
        f"helper async, or await asyncio.to_thread({written}, ...)"
    )


def resolve(sites: list[Site], reader: ChainReader, used: set[str]) -> list[Finding]:
    """The findings of a module's call sites, given every module's summary.

    ``used`` collects the modules whose summaries the answer depends on.
    """
    findings: list[Finding] = []
    for caller, callee, written, location in sites:
        chain = blocking_chain(callee, reader, used)
        if chain is not None:
            message = site_message(caller, written, chain, reader.modules)
            findings.append((CODE, message, location))
    return findings


def _finish(ctx: ModuleContext) -> None:
    used: set[str] = set()
    ctx.findings.extend(resolve(ctx.sites, ctx.chain_reader(), used))
    used.discard(ctx.tree.fullname)
    ctx.chain_modules |= used


class _Checks(Checks):
    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)

    def on_module_end(self, ctx: ModuleContext) -> None:
        _finish(ctx)


RULE: Rule = Rule(
    code=CODE,
    summary="Async def calls a project sync function that blocks, through any chain of modules",
    module=__name__,
    checks=_Checks(),
)

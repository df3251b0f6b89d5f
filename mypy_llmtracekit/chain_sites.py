"""The call sites whose findings follow chains through other modules' summaries.

``ltk-blocking-io-indirect`` (an async caller of a blocking sync helper) and
``ltk-io-in-transaction`` (a helper doing external I/O inside a transaction)
both report findings that depend on other modules' function bodies, through
their summaries (``summaries.py``). A module pass keeps the sites of both; under
the daemon, when a summary they consulted changes, :func:`resolve` recomputes
every chain finding of the module from them, without re-checking it.
"""

from __future__ import annotations

from collections.abc import Container

from mypy_llmtracekit.compat_errors import Finding
from mypy_llmtracekit.rule import ModuleContext
from mypy_llmtracekit.rules import blocking_io_indirect, io_in_transaction
from mypy_llmtracekit.summaries import ChainReader, SummaryOf


class ChainSites:
    """One module's chain call sites, by rule."""

    def __init__(
        self,
        blocking: tuple[blocking_io_indirect.Site, ...] = (),
        transaction: tuple[io_in_transaction.Site, ...] = (),
    ) -> None:
        self.blocking = blocking
        self.transaction = transaction


def sites_of(ctx: ModuleContext) -> ChainSites:
    """The chain call sites a module pass found."""
    return ChainSites(tuple(ctx.sites), tuple(ctx.transaction_sites))


def resolve(
    sites: ChainSites, summary_of: SummaryOf, modules: Container[str], used: set[str]
) -> list[Finding]:
    """Every chain finding of the sites, given every module's summary.

    ``used`` collects the modules whose summaries the answer depends on.
    """
    reader = ChainReader(summary_of, modules)
    return [
        *blocking_io_indirect.resolve(list(sites.blocking), reader, used),
        *io_in_transaction.resolve(list(sites.transaction), reader, used),
    ]

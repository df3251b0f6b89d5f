"""The mypy plugin class: where mypy hands us control, and nothing else.

How the rules reach mypy (see ARCHITECTURE.md for the full argument):

* ``get_additional_indirect_deps(tree)`` is called once per module right after
  mypy type-checked its function bodies, with every inferred type still in
  place. The plugin walks the module there and runs every enabled rule. It
  returns the modules whose summaries its findings used, so mypy re-checks the
  module when one of those changes.
* ``report_config_data`` is called when mypy writes a module's cache (the end of
  its interface phase) and when it validates it. The plugin returns its settings
  and the digest of the module's summary (what its sync functions call): a
  settings change invalidates every module, a summary change re-checks the
  modules that depend on it, and a damaged summary file re-checks its module.
* ``get_function_hook``/``get_method_hook`` are asked about every call (with a
  name) while a module is checked. The plugin answers None
  (it never takes over a name, so other plugins and mypy's default plugin keep
  theirs) and only notes which type checker is at work: that checker holds the
  module's inferred types and its error list. Compiled code answers them
  (``compat.CheckerWatch``, bound to the instance in ``__init__``).
* ``set_modules`` (every daemon update) lets the plugin put its kept findings
  back after the daemon reset its error list.

Every entry point runs inside a guard: a plugin bug becomes one ``ltk-internal``
error on the module, never a mypy INTERNAL ERROR.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

from mypy.checker import TypeChecker
from mypy.errorcodes import ErrorCode
from mypy.nodes import MypyFile, SymbolNode
from mypy.options import Options
from mypy.plugin import (
    Plugin,
    ReportConfigContext,
)

from mypy_llmtracekit import __version__, compat, compat_errors, config
from mypy_llmtracekit.compat_errors import Finding, Location
from mypy_llmtracekit.summary_store import SummaryStore

if TYPE_CHECKING:
    # The rules and what they use are imported on the first module pass: a warm
    # run that checks nothing needs only the cache data (see LlmTracekitPlugin).
    from mypy_llmtracekit import chain_sites
    from mypy_llmtracekit.catalogue import BlockingApis
    from mypy_llmtracekit.rule import ModuleContext, Rule
    from mypy_llmtracekit.summaries import ModuleSummary
    from mypy_llmtracekit.transaction_catalogue import TransactionApis

# mypy.build.PRI_LOW: an import inside a function (ordered after the module's own).
ANCHOR_PRIORITY = 20


class _Chains:
    """Under dmypy: what a module's chain findings are recomputed from."""

    def __init__(
        self, path: str, sites: chain_sites.ChainSites, used: set[str], options: Options
    ) -> None:
        self.path = path
        self.sites = sites
        self.used = used
        self.options = options


class LlmTracekitPlugin(Plugin):
    """Runs the style-guide rules on each module mypy checks."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        try:
            self.settings: config.Settings = config.load(options.config_file)
        except config.ConfigError as exc:
            print(f"mypy: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        self._daemon: bool = compat.is_daemon(options)
        self._checkers: dict[str, TypeChecker] = {}
        self._reporter = compat_errors.Reporter(daemon=self._daemon)
        # mypy asks get_function_hook and get_method_hook about every call with a
        # name (tens of thousands a run): compiled code answers them, bound to
        # this instance (mypy looks the hooks up on it), instead of a method here.
        self._watch = compat.CheckerWatch(
            self._observe, self._reporter.in_sync if self._daemon else None
        )
        self.get_function_hook = self._watch.hook  # type: ignore[method-assign]
        self.get_method_hook = self._watch.hook  # type: ignore[method-assign]
        self._store: SummaryStore = SummaryStore.for_cache(options.cache_dir)
        # What mypy stores with each module's cache: a change invalidates it.
        self._config_data: dict[str, Any] = {
            "version": __version__,
            "code": config.code_fingerprint(),
            "settings": self.settings.fingerprint(),
        }
        config.announce_identity(self._config_data)
        # The catalogue is loaded on the first module mypy checks (a warm run needs none).
        self._blocking_apis: BlockingApis | None = None
        self._transaction_apis: TransactionApis | None = None
        # Names from the settings, resolved to mypy's full names once known.
        self._canonical: dict[str, str] = {}
        # Top-level packages of the modules in the build (recomputed as it grows).
        self._packages: set[str] = set()
        self._packages_seen = -1
        # Under dmypy, per module: its chain call sites, to recompute them alone.
        self._chains: dict[str, _Chains] = {}
        # report_config_data failures, reported at the module's pass.
        self._failed: dict[str, Exception] = {}
        # The rules enabled under the last module's options.
        self._rules_options: Options | None = None
        self._rules: list[Rule] = []

    # --- plugin API -----------------------------------------------------------

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        super().set_modules(modules)
        try:
            self._checkers.clear()
            self._packages_seen = -1
            self._store.relist()
            self._reporter.anchored = compat.ANCHOR_MODULE in modules
            self._sync_daemon()
        # A plugin bug must never crash mypy.
        except Exception:  # type: ignore[ltk-broad-except]
            return

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """Under dmypy: the anchor module its findings are filed under
        (see ``compat_errors.Reporter``)."""
        try:
            if compat.needs_anchor(file, self.options):
                return [(ANCHOR_PRIORITY, compat.ANCHOR_MODULE, -1)]
        # A plugin bug must never crash mypy.
        except Exception:  # type: ignore[ltk-broad-except]
            return []
        return []

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        try:
            digest = self._summary_digest(ctx.id, ctx.is_check)
        # Reported as ltk-internal when the module is checked.
        except Exception as exc:  # type: ignore[ltk-broad-except]
            self._failed[ctx.id] = exc
            digest = "failed"
        return {**self._config_data, "summary": digest}

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        """After mypy checked ``file``: run the rules on it.

        Returns the modules whose summaries its findings used.
        """
        chk = self._checkers.pop(file.fullname, None)
        try:
            return self._module_pass(file, chk)
        # A plugin bug must never crash mypy: it becomes one ltk-internal error.
        except Exception as exc:  # type: ignore[ltk-broad-except]
            self._report_internal(file, chk, exc)
            return set()

    # --- the module pass --------------------------------------------------------

    @property
    def _last_checker(self) -> TypeChecker | None:
        """The type checker of the last call mypy asked about."""
        return self._watch.last

    def _observe(self) -> None:
        try:
            chk = compat.current_checker()
            if chk is not None and chk is not self._last_checker:
                self._watch.last = chk
                self._checkers[compat.checker_module(chk)] = chk
            if self._daemon:
                self._sync_daemon()
        # A plugin bug must never crash mypy.
        except Exception:  # type: ignore[ltk-broad-except]
            return

    def _module_pass(self, file: MypyFile, chk: TypeChecker | None) -> set[str]:
        self._sync_daemon()
        if file.is_stub or self._silenced_without_checker(file, chk):
            return set()
        if chk is not None and compat.is_silenced(chk):
            return set()
        module = file.fullname
        old_summary = self._store.forget(module) if self._daemon else None
        ctx = self._run_rules(file, chk)
        failure = self._failed.pop(module, None)
        if chk is None and (failure is not None or (ctx is not None and ctx.findings)):
            # mypy never asked us about a call in this module: find its checker.
            chk = compat.find_checker(file)
            if chk is None or compat.is_silenced(chk):
                return set()
            ctx = self._run_rules(file, chk)
        findings = list(ctx.findings) if ctx is not None else []
        if failure is not None:
            findings.append(_internal_finding(failure))
        if chk is not None:
            self._reporter.report(chk, findings)
            if self._daemon:
                compat_errors.recount_unused_ignores(compat.errors_of(chk), chk.path)
        elif self._last_checker is not None:
            self._reporter.forget(compat.errors_of(self._last_checker), module)
        used = ctx.chain_modules if ctx is not None else set()
        if self._daemon:
            self._after_daemon_pass(file, chk, ctx, old_summary)
        modules = self._modules or {}
        return {name for name in used if name in modules}

    def _silenced_without_checker(self, file: MypyFile, chk: TypeChecker | None) -> bool:
        if chk is not None or self._last_checker is None:
            return False
        return compat.is_silenced_path(compat.errors_of(self._last_checker), file.path)

    def _run_rules(self, file: MypyFile, chk: TypeChecker | None) -> ModuleContext | None:
        from mypy_llmtracekit import settings_check
        from mypy_llmtracekit.rule import ModuleContext
        from mypy_llmtracekit.sql import DEFAULT_SQL_CLASSES
        from mypy_llmtracekit.walker import ModuleWalker

        rules = self._enabled_rules(chk)
        if not rules:
            return None
        blocking = self._blocking()
        settings_check.note_once(
            self.settings,
            self.options.config_file,
            lambda n: self._lookup(n) is not None,
            self._modules or {},
            self.options.cache_dir,
        )
        options = compat.module_options(chk) if chk is not None else self.options
        ctx = ModuleContext(
            tree=file,
            modules=self._modules or {},
            options=options,
            settings=self.settings,
            blocking=blocking,
            transactions=self._transactions(),
            obvious_calls=self._resolved(self.settings.obvious_calls),
            task_helpers=self._resolved(self.settings.background_task_helper),
            sql_classes=self._resolved((*DEFAULT_SQL_CLASSES, *self.settings.sql_classes)),
            checker=chk,
            summary_of=self._summary_of,
        )
        ModuleWalker(ctx, rules).run()
        return ctx

    def _enabled_rules(self, chk: TypeChecker | None) -> list[Rule]:
        from mypy_llmtracekit.registry import RULES

        if chk is None:
            return list(RULES)
        # Most modules share one options object (no per-module section applies).
        options = compat.module_options(chk)
        if options is not self._rules_options:
            self._rules = [rule for rule in RULES if compat.is_enabled_in(options, rule.code)]
            self._rules_options = options
        return self._rules

    def _report_internal(self, file: MypyFile, chk: TypeChecker | None, exc: Exception) -> None:
        if os.environ.get("MYPY_LLMTRACEKIT_TRACEBACK"):
            traceback.print_exception(exc, file=sys.stderr)
        try:
            chk = chk or compat.find_checker(file)
            if chk is None:
                code, message, _ = _internal_finding(exc)
                print(f"{file.path}: error: {message}  [{code.code}]", file=sys.stderr)
                return
            self._reporter.report(chk, [_internal_finding(exc)])
        # The guard of the guard: never let a plugin bug reach mypy.
        except Exception:  # type: ignore[ltk-broad-except]
            return

    # --- summaries: the one fact that crosses modules -----------------------------

    def _summary_digest(self, module: str, is_check: bool) -> str:
        """The summary digest stored in (is_check=False) or checked against (True) the cache."""
        if is_check:
            return self._store.file_digest(module)
        tree = (self._modules or {}).get(module)
        summary = self._summary_of(module) if tree is not None else None
        if summary is None:
            return self._store.withdraw(module)
        return self._store.publish(summary)

    def _summary_of(self, module: str) -> ModuleSummary | None:
        """A module's summary: from memory, computed from its tree, or from its file."""
        summary = self._store.memory.get(module)
        if summary is not None:
            return summary
        tree = (self._modules or {}).get(module)
        if tree is not None and tree.is_stub:
            # No function of a stub runs and no summary file is ever written for
            # one. Chains ask about ``builtins`` and typeshed's modules often: answer
            # without looking for a file.
            return None
        if tree is not None and compat.has_bodies(tree):
            if not self._is_project(tree):
                return None
            from mypy_llmtracekit.summary_builder import build_summary

            summary = build_summary(
                tree, self._blocking(), self._transactions(), self._modules or {}
            )
            self._store.memory[module] = summary
            return summary
        return self._store.load(module)

    def _is_project(self, tree: MypyFile) -> bool:
        """A module whose functions chains may pass through (not silenced; stubs are
        answered before: :meth:`_summary_of`)."""
        chk = self._last_checker or compat.find_checker(tree)
        if chk is None:
            return True
        return not compat.is_silenced_path(compat.errors_of(chk), tree.path)

    # --- the daemon -----------------------------------------------------------------

    def _sync_daemon(self) -> None:
        if not self._daemon or self._last_checker is None:
            return
        self._reporter.sync(compat.errors_of(self._last_checker), self._modules)

    def _after_daemon_pass(
        self,
        file: MypyFile,
        chk: TypeChecker | None,
        ctx: ModuleContext | None,
        old_summary: ModuleSummary | None,
    ) -> None:
        """Keep what this module's chains need; recompute the chains that used it."""
        module = file.fullname
        compat.recheck_whole_module_on_change(file, self._modules or {})
        if ctx is not None and chk is not None:
            from mypy_llmtracekit import chain_sites

            sites = chain_sites.sites_of(ctx)
            options = compat.module_options(chk)
            self._chains[module] = _Chains(file.path, sites, set(ctx.chain_modules), options)
        else:
            self._chains.pop(module, None)
        modules = self._modules or {}
        for gone in [name for name in self._chains if name not in modules]:
            del self._chains[gone]
        for gone in [name for name in self._store.memory if name not in modules]:
            self._store.forget(gone)
        if self._summary_of(module) == old_summary:
            return
        for other, chains in list(self._chains.items()):
            if other != module and module in chains.used:
                self._resolve_again(other, chains)

    def _resolve_again(self, module: str, chains: _Chains) -> None:
        """Recompute one module's chain findings without re-checking it (daemon)."""
        tree = (self._modules or {}).get(module)
        if tree is None or self._last_checker is None:
            return
        used: set[str] = set()
        from mypy_llmtracekit import chain_sites

        findings = chain_sites.resolve(chains.sites, self._summary_of, self._modules or {}, used)
        used.discard(module)
        chains.used = used
        ignored = tree.ignored_lines
        options = chains.options

        def keep(code: ErrorCode, line: int) -> bool:
            codes = ignored.get(line)
            umbrella = code.sub_code_of.code if code.sub_code_of is not None else None
            if codes is not None and (not codes or code.code in codes or umbrella in codes):
                return False
            return compat.is_enabled_in(options, code)

        errors = compat.errors_of(self._last_checker)
        self._reporter.republish_chains(errors, chains.path, module, findings, keep, ignored)

    # --- names ------------------------------------------------------------------

    def _blocking(self) -> BlockingApis:
        if self._blocking_apis is None:
            from mypy_llmtracekit.catalogue import BlockingApis

            self._blocking_apis = BlockingApis(
                self._lookup,
                lambda name: compat.lookup_lazily(name, self._modules or {}),
                self.settings.blocking_io_extra,
                self.settings.blocking_io_exempt,
            )
        self._blocking_apis.refresh(self._loaded_packages(), self._stable_modules())
        return self._blocking_apis

    def _transactions(self) -> TransactionApis:
        if self._transaction_apis is None:
            from mypy_llmtracekit.transaction_catalogue import TransactionApis

            settings = self.settings
            self._transaction_apis = TransactionApis(
                settings.transaction_io_extra, settings.transaction_io_exempt
            )
        self._transaction_apis.refresh(
            self._loaded_packages(), self._modules or {}, self._stable_modules()
        )
        return self._transaction_apis

    def _stable_modules(self) -> dict[str, MypyFile] | None:
        """mypy's module table, unless a module's names may change in place (under
        the daemon, which re-analyses targets): what lets the catalogues wait for a
        failed name's tables to change before trying it again."""
        return None if self._daemon else self._modules

    def _lookup(self, fullname: str) -> SymbolNode | None:
        symbol = self.lookup_fully_qualified(fullname)
        return symbol.node if symbol is not None else None

    def _is_loaded(self, package: str) -> bool:
        """True when any module of the top-level ``package`` is in the build.

        (Under ``-n`` a worker may hold ``service.storage`` without ``service``.)
        """
        return package in self._loaded_packages()

    def _loaded_packages(self) -> set[str]:
        """The top-level packages of the modules in the build.

        Recomputed when the number of modules changed, and after ``set_modules``:
        the daemon may remove one module and add another (same count) in one update.
        """
        modules = self._modules
        if modules is None:
            return set()
        if len(modules) != self._packages_seen:
            self._packages = {name.partition(".")[0] for name in modules}
            self._packages_seen = len(modules)
        return self._packages

    def _resolved(self, names: tuple[str, ...]) -> frozenset[str]:
        """Full names of ``names`` as mypy knows them (a name as written stays too)."""
        found: set[str] = set(names)
        for name in names:
            canonical = self._canonical.get(name)
            if canonical is None and self._is_loaded(name.partition(".")[0]):
                node = self._lookup(name)
                if node is not None and node.fullname:
                    canonical = self._canonical[name] = node.fullname
            if canonical is not None:
                found.add(canonical)
        return frozenset(found)


def _internal_finding(exc: Exception) -> Finding:
    from mypy_llmtracekit.rule import INTERNAL

    message = (
        f"mypy-llmtracekit failed on this module ({type(exc).__name__}: {exc}); "
        "other diagnostics are unaffected. Please report this bug"
    )
    return (INTERNAL, message, Location(1, 0, 1, 1))

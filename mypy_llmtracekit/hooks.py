"""The mypy plugin class: where mypy hands us control, and nothing else.

How the rules reach mypy (see ARCHITECTURE.md for the full argument):

* ``get_additional_indirect_deps(tree)`` is called once per module right after
  mypy type-checked it, with every inferred type still in place. The plugin
  walks the module there and runs every enabled rule. It never adds a
  dependency (it returns an empty set).
* ``get_function_hook``/``get_method_hook`` and their signature variants are
  asked about every call while a module is checked. The plugin answers None
  (it never takes over a name, so other plugins and mypy's default plugin keep
  theirs) and only notes which type checker is at work: that checker holds the
  module's inferred types and its error list.
* ``report_config_data`` returns the settings, so a settings change invalidates
  mypy's cache.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mypy.checker import TypeChecker
from mypy.errorcodes import ErrorCode
from mypy.nodes import MypyFile, SymbolNode
from mypy.options import Options
from mypy.plugin import (
    FunctionContext,
    FunctionSigContext,
    MethodContext,
    MethodSigContext,
    Plugin,
    ReportConfigContext,
)
from mypy.types import FunctionLike, Type

from mypy_llmtracekit import __version__, compat, config, settings_check
from mypy_llmtracekit.catalogue import BlockingApis
from mypy_llmtracekit.compat import Finding, Location
from mypy_llmtracekit.registry import RULES
from mypy_llmtracekit.rule import ModuleContext, Rule, error_code
from mypy_llmtracekit.rules import blocking_io_indirect
from mypy_llmtracekit.sql import DEFAULT_SQL_CLASSES
from mypy_llmtracekit.summaries import ModuleSummary, SummaryStore, blocking_chain
from mypy_llmtracekit.walker import ModuleWalker

INTERNAL: ErrorCode = error_code(
    "ltk-internal", "mypy-llmtracekit could not finish checking a module (a plugin bug)"
)


class LlmTracekitPlugin(Plugin):
    """Runs the style-guide rules on each module mypy checks."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        try:
            self.settings: config.Settings = config.load(options.config_file)
        except config.ConfigError as exc:
            print(f"mypy: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        self._checkers: dict[str, TypeChecker] = {}
        self._last_checker: TypeChecker | None = None
        self._reporter = compat.Reporter(daemon=compat.is_daemon(options))
        self._summaries: SummaryStore = SummaryStore.for_cache(options.cache_dir)
        # What mypy stores with each module's cache: a change invalidates it.
        self._config_data: dict[str, Any] = {
            "version": __version__,
            "code": _code_fingerprint(),
            "settings": self.settings.fingerprint(),
        }
        # The catalogue is loaded on the first module mypy checks (a warm run needs none).
        self._blocking_apis: BlockingApis | None = None
        # Names from the settings, resolved to mypy's full names once known.
        self._canonical: dict[str, str] = {}

    # --- plugin API -----------------------------------------------------------

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        super().set_modules(modules)
        self._checkers.clear()
        if self._last_checker is not None:
            self._reporter.replay(compat.errors_of(self._last_checker))

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        # Helpers this module's async functions reach: if one's source changed since
        # this module was checked (even a body-only edit), its findings are stale.
        # Written as "current" and compared against it, so the value never
        # depends on when mypy asks (before or after the post-check pass).
        changed = ctx.is_check and self._summaries.helpers_changed(ctx.id)
        return {**self._config_data, "helpers": "changed" if changed else "current"}

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        self._observe()
        return None

    def get_method_signature_hook(
        self, fullname: str
    ) -> Callable[[MethodSigContext], FunctionLike] | None:
        self._observe()
        return None

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        self._observe()
        return None

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        self._observe()
        return None

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        """After mypy checked ``file``: run the rules on it. Adds no dependency."""
        chk = self._checkers.pop(file.fullname, None)
        try:
            self._check_module(file, chk)
        # A plugin bug must never crash mypy: it becomes one ltk-internal error.
        except Exception as exc:  # type: ignore[ltk-broad-except]
            self._report_internal(file, chk, exc)
        return set()

    # --- the module pass --------------------------------------------------------

    def _observe(self) -> None:
        chk = compat.current_checker()
        if chk is not None and chk is not self._last_checker:
            self._last_checker = chk
            self._checkers[compat.checker_module(chk)] = chk

    def _check_module(self, file: MypyFile, chk: TypeChecker | None) -> None:
        if file.is_stub or self._silenced_without_checker(file, chk):
            return
        if chk is not None and compat.is_silenced(chk):
            return
        findings = self._run_rules(file, chk)
        if chk is None and findings:
            # mypy never asked us about a call in this module: find its checker.
            chk = compat.find_checker(file)
            if chk is None or compat.is_silenced(chk):
                return
            findings = self._run_rules(file, chk)
        if chk is not None:
            self._reporter.report(chk, findings)
        elif self._last_checker is not None:
            self._reporter.forget(compat.errors_of(self._last_checker), file.path, file.fullname)
        if self._reporter.daemon:
            # After every pass, findings or not: this module's summary may have changed.
            self._refresh_dependents(file.fullname)

    def _silenced_without_checker(self, file: MypyFile, chk: TypeChecker | None) -> bool:
        if chk is not None or self._last_checker is None:
            return False
        return compat.is_silenced_path(compat.errors_of(self._last_checker), file.path)

    def _run_rules(self, file: MypyFile, chk: TypeChecker | None) -> list[Finding]:
        rules = self._enabled_rules(chk)
        if not rules:
            return []
        blocking = self._blocking()
        blocking.refresh(self._is_loaded)
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
            obvious_calls=self._resolved(self.settings.obvious_calls),
            task_helpers=self._resolved(self.settings.background_task_helper),
            sql_classes=self._resolved((*DEFAULT_SQL_CLASSES, *self.settings.sql_classes)),
            _type_of=(lambda expr: compat.expression_type(chk, expr)) if chk else _untyped,
            summary=ModuleSummary(file.fullname, file.path),
            summaries=self._summaries,
        )
        ModuleWalker(ctx, rules).run()
        return ctx.findings

    def _enabled_rules(self, chk: TypeChecker | None) -> list[Rule]:
        if chk is None:
            return list(RULES)
        return [rule for rule in RULES if compat.is_code_enabled(chk, rule.code)]

    def _report_internal(self, file: MypyFile, chk: TypeChecker | None, exc: Exception) -> None:
        message = (
            f"mypy-llmtracekit failed on this module ({type(exc).__name__}: {exc}); "
            "other diagnostics are unaffected. Please report this bug"
        )
        chk = chk or compat.find_checker(file)
        if chk is None:
            print(f"{file.path}: error: {message}  [{INTERNAL.code}]", file=sys.stderr)
            return
        self._reporter.report(chk, [(INTERNAL, message, compat.Location(1, 0, 1, 1))])

    def _refresh_dependents(self, module: str) -> None:
        """Under dmypy: recompute the chains of modules that call into ``module``.

        The daemon re-checks no caller when only a helper's body changed; their
        call sites are in the summaries, so their findings can be recomputed.
        """
        if self._last_checker is None or self._modules is None:
            return
        errors = compat.errors_of(self._last_checker)
        for summary in self._summaries.dependents(module):
            tree = self._modules.get(summary.module)
            if tree is None:
                continue
            used: dict[str, tuple[str, str]] = {}
            findings: list[Finding] = []
            for site in summary.sites:
                chain = blocking_chain(site.callee, self._summaries, self._modules, used)
                if chain is not None:
                    message = blocking_io_indirect.site_message(site, chain)
                    findings.append((blocking_io_indirect.CODE, message, Location(*site.location)))
            used.pop(summary.module, None)
            summary.depends = used
            self._summaries.save(summary)
            options = compat.options_for_module(self.options, summary.module)
            ignored = tree.ignored_lines

            def keep(code: ErrorCode, line: int) -> bool:
                codes = ignored.get(line)
                if codes is not None and (not codes or code.code in codes):
                    return False
                return compat.is_enabled_in(options, code)

            self._reporter.republish(errors, summary.path, summary.module, findings, keep)

    # --- names ------------------------------------------------------------------

    def _blocking(self) -> BlockingApis:
        if self._blocking_apis is None:
            self._blocking_apis = BlockingApis(
                self._lookup, self.settings.blocking_io_extra, self.settings.blocking_io_exempt
            )
        return self._blocking_apis

    def _lookup(self, fullname: str) -> SymbolNode | None:
        symbol = self.lookup_fully_qualified(fullname)
        return symbol.node if symbol is not None else None

    def _is_loaded(self, package: str) -> bool:
        return self._modules is not None and package in self._modules

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


def _untyped(expr: object) -> None:
    return None


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the plugin's own files: a changed rule invalidates mypy's cache too."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.toml")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

"""A test-only variant of the plugin whose rules raise, to prove mypy never crashes."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import MypyFile
from mypy.plugin import Plugin

from mypy_llmtracekit.hooks import LlmTracekitPlugin
from mypy_llmtracekit.rule import ModuleContext
from mypy_llmtracekit.summaries import ModuleSummary


class CrashingPlugin(LlmTracekitPlugin):
    def _run_rules(self, file: MypyFile, chk: TypeChecker | None) -> ModuleContext | None:
        if file.fullname in ("main", "nocalls"):
            raise RuntimeError("boom")
        return super()._run_rules(file, chk)

    def _summary_of(self, module: str) -> ModuleSummary | None:
        # Reached from report_config_data (mypy writing the cache) and from the
        # module pass of every module whose chains pass through "helper".
        if module == "helper":
            raise ValueError("summary")
        return super()._summary_of(module)


def plugin(version: str) -> type[Plugin]:
    return CrashingPlugin

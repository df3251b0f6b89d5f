"""A test-only variant of the plugin whose rules raise, to prove mypy never crashes."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.nodes import MypyFile
from mypy.plugin import Plugin

from mypy_llmtracekit.hooks import LlmTracekitPlugin
from mypy_llmtracekit.rule import Finding


class CrashingPlugin(LlmTracekitPlugin):
    def _run_rules(self, file: MypyFile, chk: TypeChecker | None) -> list[Finding]:
        if file.fullname in ("main", "nocalls"):
            raise RuntimeError("boom")
        return super()._run_rules(file, chk)


def plugin(version: str) -> type[Plugin]:
    return CrashingPlugin

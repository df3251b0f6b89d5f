"""A test-only variant of the plugin that records which catalogue names did not resolve."""

from __future__ import annotations

import json
from pathlib import Path

from mypy.nodes import MypyFile
from mypy.plugin import Plugin

from mypy_llmtracekit.hooks import LlmTracekitPlugin


class CatalogueProbe(LlmTracekitPlugin):
    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        result = super().get_additional_indirect_deps(file)
        if file.fullname == "main":
            blocking = self._blocking()
            blocking.refresh(self._loaded_packages())
            pending = sorted(blocking._pending.names())
            Path("pending.json").write_text(json.dumps(pending))
        return result


def plugin(version: str) -> type[Plugin]:
    return CatalogueProbe

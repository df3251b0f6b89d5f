"""A test-only plugin variant: records the transaction-catalogue names that did not resolve."""

from __future__ import annotations

import json
from pathlib import Path

from mypy.nodes import MypyFile
from mypy.plugin import Plugin

from mypy_llmtracekit.hooks import LlmTracekitPlugin


class TransactionProbe(LlmTracekitPlugin):
    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        result = super().get_additional_indirect_deps(file)
        if file.fullname == "main":
            apis = self._transactions()
            pending = sorted(apis.pending.names())
            Path("pending.json").write_text(json.dumps(pending))
        return result


def plugin(version: str) -> type[Plugin]:
    return TransactionProbe

"""A test-only mypy plugin: compat.lookup_lazily against mypy's own lookup.

When mypy checks the module ``target``, it resolves every name of the built-in
catalogues (blocking I/O, transactions) twice: first lazily, as the plugin does
(all of them, before anything else reads a node), then through
``lookup_fully_qualified``, and writes both results, and which names came back
unread, to ``lazy.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from mypy.lookup import lookup_fully_qualified
from mypy.nodes import MypyFile
from mypy.plugin import Plugin

from mypy_llmtracekit import compat
from mypy_llmtracekit.catalogue import _canonical, builtin_catalogue
from mypy_llmtracekit.transaction_catalogue import builtin_data, resolve, resolve_node


class LazyLookupProbe(Plugin):
    """Records both resolutions; not part of the package."""

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        if file.fullname != "target":
            return set()
        modules = self._modules or {}
        catalogue = builtin_catalogue()
        names = sorted({*catalogue.functions, *catalogue.classes, *catalogue.constructors})
        lazy = {name: compat.lookup_lazily(name, modules) for name in names}
        unread = sorted(name for name, found in lazy.items() if isinstance(found, str))
        resolved = {}
        for name in names:
            found = lazy[name]
            symbol = lookup_fully_qualified(name, modules)
            node = symbol.node if symbol is not None else None
            resolved[name] = [
                found if isinstance(found, str) else _canonical(found) if found else None,
                _canonical(node) if node is not None else None,
            ]
        data = builtin_data()
        transaction_names = sorted({*data.functions, *data.classes, *data.opener_classes})
        lazily = {name: resolve(name, modules) for name in transaction_names}
        for name in transaction_names:
            node = resolve_node(name, modules)
            resolved[f"transactions: {name}"] = [lazily[name], node.fullname if node else None]
        Path("lazy.json").write_text(json.dumps({"unread": unread, "resolved": resolved}))
        return set()


def plugin(version: str) -> type[Plugin]:
    return LazyLookupProbe

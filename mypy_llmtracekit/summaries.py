"""What each module's functions call: the one fact that crosses modules.

``ltk-blocking-io-indirect`` needs to know, when it checks an ``async def`` in
module A, whether a sync helper in module B blocks, directly or through more
helpers; ``ltk-io-in-transaction`` needs to know whether a helper (sync or async)
called inside a transaction performs external I/O. Each module's *summary* says,
for every function, which blocking APIs it calls directly (sync functions only),
which external-I/O APIs it calls directly, and which project functions it calls
(sync ones and ``async def`` ones apart: blocking chains follow only the former).

One owner, one way to travel (see ARCHITECTURE.md, "Across modules"):

* A summary is computed from module B's declarations alone (``declared.py``), so
  it is the same whenever it is computed: at the end of mypy's interface phase for
  B, or later, in another process, or in the daemon.
* When mypy writes B's cache (end of B's interface phase, before any module that
  imports B may start, also under ``-n``), the plugin writes B's summary beside the
  cache and returns its digest from ``report_config_data``: the digest is part of
  B's interface hash, so when B's summary changes mypy itself re-checks what
  depends on B. A module whose findings used B's summary declares B as an
  indirect dependency (``get_additional_indirect_deps``), so chains through
  modules it does not import are followed too.
* When mypy validates B's cache, the plugin returns the digest of the file now on
  disk: a missing, truncated or edited file makes B stale, and mypy re-checks B,
  which writes it again. A file is never trusted beyond its digest, and a file
  that does not parse is treated as absent.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Container, Iterable
from typing import Final

from mypy_llmtracekit.summary_store import FORMAT as _FORMAT


class FunctionSummary:
    """One function: the APIs it calls directly, and the project functions it calls.

    Equal when every field is equal (the daemon compares a module's summaries
    before and after a pass).
    """

    def __init__(
        self,
        # Catalogued blocking APIs (sync functions only).
        blocking: tuple[str, ...] = (),
        # Project sync functions called.
        calls: tuple[str, ...] = (),
        # External-I/O APIs (transaction_catalogue), awaited or not.
        io: tuple[str, ...] = (),
        # Project ``async def`` functions called, awaited or not.
        coroutines: tuple[str, ...] = (),
    ) -> None:
        self.blocking = blocking
        self.calls = calls
        self.io = io
        self.coroutines = coroutines

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FunctionSummary):
            return NotImplemented
        return (
            self.blocking == other.blocking
            and self.calls == other.calls
            and self.io == other.io
            and self.coroutines == other.coroutines
        )

    def __hash__(self) -> int:
        return hash((self.blocking, self.calls, self.io, self.coroutines))

    def is_empty(self) -> bool:
        """True when the function calls nothing a chain could follow or end at."""
        return not (self.blocking or self.calls or self.io or self.coroutines)


class ModuleSummary:
    """What another module needs to know about this module's functions.

    Equal when the module and every function's summary are equal (the daemon
    compares a module's summaries before and after a pass). Not hashable: its
    functions are a dict.
    """

    def __init__(self, module: str, functions: dict[str, FunctionSummary]) -> None:
        self.module = module
        self.functions = functions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModuleSummary):
            return NotImplemented
        return self.module == other.module and self.functions == other.functions

    def to_json(self) -> str:
        """Serialise canonically (equal summaries give equal bytes).

        The names of functions and APIs are plain ASCII: written out directly, the
        text is what ``json.dumps(..., sort_keys=True)`` gives, at a third of the
        cost; a name that JSON would escape takes the general way.
        """
        names = sorted(self.functions)
        if not _plain(self.module) or not all(_plain(name) for name in names):
            return self._dumps()
        parts = ['{"format":"', _FORMAT, '","functions":{']
        first = True
        for name in names:
            function = self.functions[name]
            lists = (function.blocking, function.calls, function.io, function.coroutines)
            for values in lists:
                for value in values:
                    if not _plain(value):
                        return self._dumps()
            parts.append(f'"{name}":[' if first else f',"{name}":[')
            first = False
            parts.append(",".join(_json_list(values) for values in lists))
            parts.append("]")
        parts.append(f'}},"module":"{self.module}"}}')
        return "".join(parts)

    def _dumps(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "module": self.module,
                "functions": {
                    name: [list(f.blocking), list(f.calls), list(f.io), list(f.coroutines)]
                    for name, f in sorted(self.functions.items())
                },
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, module: str) -> ModuleSummary | None:
        """The inverse of :meth:`to_json`; None for anything not of that exact shape."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        if data.get("module") != module or not isinstance(data.get("functions"), dict):
            return None
        functions: dict[str, FunctionSummary] = {}
        for name, value in data["functions"].items():
            if not (isinstance(value, list) and len(value) == 4):
                return None
            if not all(_strings(item) for item in value):
                return None
            blocking, calls, io, coroutines = value
            functions[name] = FunctionSummary(
                tuple(blocking), tuple(calls), tuple(io), tuple(coroutines)
            )
        return cls(module, functions)


# A character JSON escapes (quotes, backslashes, anything but printable ASCII).
_ESCAPED: Final[re.Pattern[str]] = re.compile(r"[^ !#-\[\]-~]")


def _plain(text: str) -> bool:
    """Whether JSON writes ``text`` between quotes as it is."""
    return _ESCAPED.search(text) is None


def _json_list(values: tuple[str, ...]) -> str:
    """A list of plain strings in JSON."""
    if not values:
        return "[]"
    return '["' + '","'.join(values) + '"]'


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def module_of(fullname: str, modules: Container[str]) -> str | None:
    """The module a full name belongs to (the longest known prefix)."""
    parts = fullname.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


SummaryOf = Callable[[str], "ModuleSummary | None"]


class ChainReader:
    """What chains read: each module's summary (``summary_of``) and the module of
    each function, remembered while they cannot change (one module pass, one
    recomputation under the daemon): the chains of a module visit the same
    modules and functions again and again."""

    def __init__(self, summary_of: SummaryOf, modules: Container[str]) -> None:
        self.summary_of = summary_of
        self.modules = modules
        self._summaries: dict[str, ModuleSummary | None] = {}
        self._modules_of: dict[str, str | None] = {}

    def summary(self, module: str) -> ModuleSummary | None:
        """The summary of ``module`` (None if it has none)."""
        if module in self._summaries:
            return self._summaries[module]
        found = self._summaries[module] = self.summary_of(module)
        return found

    def module(self, fullname: str) -> str | None:
        """:func:`module_of` ``fullname``."""
        if fullname in self._modules_of:
            return self._modules_of[fullname]
        found = self._modules_of[fullname] = module_of(fullname, self.modules)
        return found


def blocking_chain(start: str, reader: ChainReader, used: set[str]) -> list[str] | None:
    """The shortest chain ``start -> ... -> blocking API`` through sync functions, or None."""
    return find_chain(start, reader, used, _blocks, _sync_callees)


def io_chain(start: str, reader: ChainReader, used: set[str]) -> list[str] | None:
    """The shortest chain ``start -> ... -> external-I/O API`` through any project
    functions (sync or async, awaited or not), or None."""
    return find_chain(start, reader, used, _does_io, _all_callees)


def _blocks(function: FunctionSummary) -> str | None:
    return function.blocking[0] if function.blocking else None


def _sync_callees(function: FunctionSummary) -> Iterable[str]:
    return function.calls


def _does_io(function: FunctionSummary) -> str | None:
    return function.io[0] if function.io else None


def _all_callees(function: FunctionSummary) -> Iterable[str]:
    return (*function.calls, *function.coroutines)


def find_chain(
    start: str,
    reader: ChainReader,
    used: set[str],
    hit: Callable[[FunctionSummary], str | None],
    callees: Callable[[FunctionSummary], Iterable[str]],
) -> list[str] | None:
    """The shortest chain ``start -> ... -> API`` where ``hit`` names the API, or None.

    Breadth-first over the call graph the summaries describe (edges: ``callees``);
    cycles end because each function is visited once. ``used`` collects the
    modules consulted: the answer depends on their summaries and on nothing else.
    """
    parents: dict[str, str | None] = {start: None}
    queue: deque[str] = deque([start])
    while queue:
        name = queue.popleft()
        module = reader.module(name)
        if module is None:
            continue
        used.add(module)
        summary = reader.summary(module)
        function = summary.functions.get(name) if summary is not None else None
        if function is None:
            continue
        api = hit(function)
        if api is not None:
            chain = [api]
            node: str | None = name
            while node is not None:
                chain.append(node)
                node = parents[node]
            return chain[::-1]
        for callee in callees(function):
            if callee not in parents:
                parents[callee] = name
                queue.append(callee)
    return None


def function_label(key: str, modules: Container[str]) -> str:
    """A function as a chain shows it: ``Repo.count``, ``_query``, ``inner``."""
    module = module_of(key, modules)
    local = key[len(module) + 1 :] if module is not None else key
    return local.removeprefix("<locals>.").partition("@")[0]

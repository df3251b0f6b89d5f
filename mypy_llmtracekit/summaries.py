"""What each checked module's sync functions do, kept between modules, processes and runs.

``ltk-blocking-io-indirect`` needs to know, when it checks an ``async def`` in
module A, whether a sync helper in module B blocks, directly or through more
helpers. Each module pass writes a summary of its functions (the blocking APIs
each one calls directly, and the project functions it calls) and of its async
call sites. Summaries live in memory and, when mypy has a cache, in JSON files
beside it, so parallel workers and later runs read them.

A module's findings depend on the summaries of the modules its chains pass
through; the summary records those modules and a hash of their source. The
plugin's ``report_config_data`` reports the current hashes, so editing a helper's
body makes its callers' cache stale even though the helper's interface did not
change.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import deque
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FunctionSummary:
    """One sync function: blocking APIs it calls directly, project functions it calls."""

    blocking: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)


@dataclass
class Site:
    """A call, in an ``async def``, of a sync project function."""

    caller: str
    callee: str
    location: tuple[int, int, int, int]


@dataclass
class ModuleSummary:
    """Everything another module needs to know about this one."""

    module: str
    path: str
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    # Modules whose summaries this module's findings used -> (path, source hash).
    depends: dict[str, tuple[str, str]] = field(default_factory=dict)

    def to_json(self) -> str:
        """Serialise for the file beside mypy's cache."""
        return json.dumps(
            {
                "module": self.module,
                "path": self.path,
                "functions": {
                    name: [f.blocking, f.calls] for name, f in sorted(self.functions.items())
                },
                "sites": [[s.caller, s.callee, list(s.location)] for s in self.sites],
                "depends": {name: list(dep) for name, dep in sorted(self.depends.items())},
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ModuleSummary:
        """The inverse of :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            module=data["module"],
            path=data["path"],
            functions={
                name: FunctionSummary(list(b), list(c))
                for name, (b, c) in data["functions"].items()
            },
            sites=[
                Site(caller, callee, (loc[0], loc[1], loc[2], loc[3]))
                for caller, callee, loc in data["sites"]
            ],
            depends={name: (dep[0], dep[1]) for name, dep in data["depends"].items()},
        )


def _write_atomically(target: Path, text: str) -> None:
    """Parallel workers never read half a file."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    temporary.replace(target)


def source_hash(path: str) -> str:
    """A hash of a module's source file ("" if it cannot be read)."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return _hash_file(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8192)
def _hash_file(path: str, mtime_ns: int, size: int) -> str:
    """Hash a file once per version of it (its mtime and size are part of the key)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


@dataclass
class SummaryStore:
    """Summaries by module: in memory, and in files when mypy has a cache."""

    directory: Path | None
    _memory: dict[str, ModuleSummary] = field(default_factory=dict)

    @classmethod
    def for_cache(cls, cache_dir: str | None) -> SummaryStore:
        """A store beside mypy's cache directory (memory only without a cache)."""
        if not cache_dir or cache_dir == os.devnull:
            return cls(None)
        return cls(Path(cache_dir) / "mypy_llmtracekit" / "summaries")

    def save(self, summary: ModuleSummary, *, persist: bool = True) -> None:
        """Keep a module's summary (replacing an older one); ``persist`` writes its file."""
        self._memory[summary.module] = summary
        if self.directory is None or not persist:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.directory / f"{summary.module}.json", summary.to_json())
            # The helpers this module's findings used, alone: read at every cache check.
            deps = self.directory / f"{summary.module}.deps"
            if summary.depends:
                _write_atomically(deps, json.dumps(summary.depends, sort_keys=True))
            elif deps.exists():
                deps.unlink()
        except OSError:
            return

    def helpers_changed(self, module: str) -> bool:
        """True if a helper this module's findings used has other source now."""
        if self.directory is None:
            return False
        try:
            recorded = json.loads((self.directory / f"{module}.deps").read_text())
        except (OSError, ValueError):
            return False
        return any(source_hash(path) != digest for path, digest in recorded.values())

    def load(self, module: str) -> ModuleSummary | None:
        """A module's summary from this process, else from its file."""
        summary = self._memory.get(module)
        if summary is not None or self.directory is None:
            return summary
        try:
            summary = ModuleSummary.from_json((self.directory / f"{module}.json").read_text())
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._memory[module] = summary
        return summary

    def forget(self, module: str) -> None:
        """Drop a module's summary kept in memory (the file stays)."""
        self._memory.pop(module, None)

    def dependents(self, module: str) -> list[ModuleSummary]:
        """Summaries in memory whose findings used ``module``."""
        return [s for s in self._memory.values() if module in s.depends and s.module != module]


def module_of(fullname: str, modules: Container[str]) -> str | None:
    """The module a full name belongs to (the longest known prefix)."""
    parts = fullname.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def blocking_chain(
    start: str,
    store: SummaryStore,
    modules: Container[str],
    used: dict[str, tuple[str, str]],
) -> list[str] | None:
    """The shortest chain ``start -> ... -> blocking API``, or None.

    Breadth-first over the call graph the summaries describe; cycles end because
    each function is visited once. ``used`` collects the modules consulted.
    """
    parents: dict[str, str | None] = {start: None}
    queue: deque[str] = deque([start])
    while queue:
        name = queue.popleft()
        summary = _function(name, store, modules, used)
        if summary is None:
            continue
        if summary.blocking:
            chain = [summary.blocking[0]]
            node: str | None = name
            while node is not None:
                chain.append(node)
                node = parents[node]
            return chain[::-1]
        for callee in summary.calls:
            if callee not in parents:
                parents[callee] = name
                queue.append(callee)
    return None


def _function(
    name: str,
    store: SummaryStore,
    modules: Container[str],
    used: dict[str, tuple[str, str]],
) -> FunctionSummary | None:
    module = module_of(name, modules)
    if module is None:
        return None
    summary = store.load(module)
    if summary is None:
        return None
    if module not in used:
        used[module] = (summary.path, source_hash(summary.path))
    return summary.functions.get(name)

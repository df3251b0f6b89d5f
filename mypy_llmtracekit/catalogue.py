"""The blocking-I/O catalogue: built-in data plus the user's additions and exemptions.

The data lives in ``data/blocking_io.toml``. Names there, and in the user's
settings, are the names people import; :class:`BlockingApis` resolves each one
through mypy's symbol tables to the function or class it really is (the first
time the library is part of the build) and answers "does this call block?" with
set lookups.
"""

from __future__ import annotations

import functools
import importlib.resources
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mypy.nodes import (
    FUNC_NO_INFO,
    Decorator,
    FuncBase,
    SymbolNode,
    TypeAlias,
    TypeInfo,
    Var,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIGURED_INSTEAD = "make it async, or await asyncio.to_thread(...)"

Lookup = Callable[[str], "SymbolNode | None"]


@dataclass(frozen=True)
class Blocking:
    """A catalogue hit: the API as users know it, and what to write instead."""

    api: str
    instead: str


@dataclass(frozen=True)
class ClassSpec:
    """Which methods of one class block."""

    name: str
    instead: str
    methods: frozenset[str] = frozenset()
    every_method: bool = False
    excluded: frozenset[str] = frozenset()

    def blocks(self, method: str) -> bool:
        """Return True if calling ``method`` on this class blocks."""
        if self.every_method:
            return not method.startswith("_") and method not in self.excluded
        return method in self.methods


@dataclass(frozen=True)
class Catalogue:
    """Catalogue entries by the names users write (not yet resolved)."""

    functions: dict[str, Blocking]
    classes: dict[str, ClassSpec]


@functools.cache
def builtin_catalogue() -> Catalogue:
    """Load the built-in catalogue shipped in ``data/blocking_io.toml``."""
    text = importlib.resources.files("mypy_llmtracekit").joinpath("data/blocking_io.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    functions: dict[str, Blocking] = {}
    classes: dict[str, ClassSpec] = {}
    for family in data.values():
        instead = str(family["instead"])
        for name in [*family.get("functions", ()), *family.get("constructors", ())]:
            functions[name] = Blocking(name, instead)
        for name, spec in family.get("classes", {}).items():
            classes[name] = ClassSpec(
                name=name,
                instead=instead,
                methods=frozenset(spec.get("methods", ())),
                every_method=bool(spec.get("all", False)),
                excluded=frozenset(spec.get("except", ())),
            )
    return Catalogue(functions, classes)


def _canonical(node: SymbolNode) -> str | None:
    if isinstance(node, (TypeInfo, FuncBase, Decorator, Var, TypeAlias)):
        return node.fullname
    return None


@dataclass
class BlockingApis:
    """The resolved catalogue of one mypy run (built-in, extra, minus exempt).

    Names resolve lazily: a library's names become known once mypy has loaded it.
    """

    lookup: Lookup
    extra: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()
    _functions: dict[str, Blocking] = field(default_factory=dict)
    _classes: dict[str, ClassSpec] = field(default_factory=dict)
    _exempt: set[str] = field(default_factory=set)
    # Unresolved names, grouped by their top-level package.
    _pending: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        catalogue = builtin_catalogue()
        self._queue("function", catalogue.functions)
        self._queue("class", catalogue.classes)
        self._queue("extra", self.extra)
        self._queue("exempt", self.exempt)

    def _queue(self, kind: str, names: Iterable[str]) -> None:
        for name in names:
            self._pending.setdefault(name.partition(".")[0], []).append((kind, name))

    def refresh(self, loaded: Callable[[str], bool]) -> None:
        """Resolve the names of every package mypy has loaded since the last call."""
        for package in [p for p in self._pending if loaded(p)]:
            still: list[tuple[str, str]] = []
            for kind, name in self._pending.pop(package):
                node = self.lookup(name)
                canonical = _canonical(node) if node is not None else None
                if canonical is None:
                    still.append((kind, name))
                    continue
                self._add(kind, name, canonical, node)
            if still:
                self._pending[package] = still

    def _add(self, kind: str, name: str, canonical: str, node: SymbolNode | None) -> None:
        catalogue = builtin_catalogue()
        if kind == "function":
            # Two catalogue names for one API (open, io.open): the first one shows.
            self._functions.setdefault(canonical, catalogue.functions[name])
        elif kind == "class":
            spec = catalogue.classes[name]
            self._classes[canonical] = spec
        elif kind == "exempt":
            self._exempt.add(canonical)
        else:
            self._add_extra(name, canonical, node)

    def _add_extra(self, name: str, canonical: str, node: SymbolNode | None) -> None:
        if isinstance(node, TypeInfo):
            self._classes[canonical] = ClassSpec(name, CONFIGURED_INSTEAD, every_method=True)
            return
        owner = _method_owner(node)
        if owner is None:
            self._functions[canonical] = Blocking(name, CONFIGURED_INSTEAD)
            return
        method = canonical.rpartition(".")[2]
        known = self._classes.get(owner.fullname)
        if known is None:
            known = ClassSpec(owner.fullname, CONFIGURED_INSTEAD)
        self._classes[owner.fullname] = ClassSpec(
            name=known.name,
            instead=known.instead,
            methods=known.methods | {method},
            every_method=known.every_method,
            excluded=known.excluded - {method},
        )

    def function(self, fullname: str) -> Blocking | None:
        """Return the hit for a call of the function (or class) ``fullname``."""
        if fullname in self._exempt:
            return None
        return self._functions.get(fullname)

    def method(self, info: TypeInfo, method: str) -> Blocking | None:
        """Return the hit for calling ``method`` on an instance of ``info``.

        The nearest catalogue class in the MRO decides.
        """
        for base in info.mro:
            if base.fullname in self._exempt or f"{base.fullname}.{method}" in self._exempt:
                return None
            spec = self._classes.get(base.fullname)
            if spec is None:
                continue
            if not spec.blocks(method):
                return None
            return Blocking(f"{spec.name}.{method}", spec.instead)
        return None


def _method_owner(node: SymbolNode | None) -> TypeInfo | None:
    if isinstance(node, Decorator):
        node = node.func
    if isinstance(node, FuncBase) and node.info is not FUNC_NO_INFO:
        return node.info
    return None

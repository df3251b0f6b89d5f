"""Resolve what a name in user code refers to, the way mypy's semantic analyser did."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Final

from mypy.nodes import (
    Expression,
    MypyFile,
    SymbolNode,
    SymbolTable,
    TypeApplication,
    TypeInfo,
)

from mypy_llmtracekit.compat import LookupStamp, lookup_stamp, lookup_unchanged
from mypy_llmtracekit.kinds import (
    INDEX_EXPR,
    INSTANCE,
    MODULE_OR_CLASS,
    MYPY_FILE,
    REF_EXPR,
    TYPE_ALIAS,
    TYPE_INFO,
    proper,
)

CALLABLE_NAMES: Final[frozenset[str]] = frozenset(
    {"typing.Callable", "typing_extensions.Callable", "collections.abc.Callable"}
)
CONCATENATE_NAMES: Final[frozenset[str]] = frozenset(
    {"typing.Concatenate", "typing_extensions.Concatenate"}
)


def resolve_dotted(
    name: str, scopes: list[SymbolTable], modules: dict[str, MypyFile]
) -> SymbolNode | None:
    """Resolve ``name`` (``Callable``, ``t.Callable``) as written in code with ``scopes``.

    ``scopes`` are searched innermost first (a class body, then the module);
    ``modules`` finds submodules (``collections.abc`` after ``import collections.abc``).
    """
    dotted = "." in name
    head = name.partition(".")[0] if dotted else name
    node: SymbolNode | None = None
    for table in scopes:
        symbol = table.get(head)
        if symbol is not None:
            node = symbol.node
            break
    if not dotted:  # most written names (``str``, ``Callable``): no list to build
        return node
    for part in name.split(".")[1:]:
        if not isinstance(node, MODULE_OR_CLASS):
            return None
        symbol = node.names.get(part)
        if symbol is not None:
            node = symbol.node
        elif isinstance(node, MYPY_FILE):
            node = modules.get(f"{node.fullname}.{part}")
        else:
            return None
    return node


def fullname_of(node: SymbolNode | None) -> str | None:
    """Return the full name of a node, or None for nodes without one."""
    if node is None:
        return None
    return node.fullname or None


def is_record_class(info: TypeInfo) -> bool:
    """Enums, dataclasses, attrs classes, NamedTuples, TypedDicts: classes of fields."""
    return (
        info.is_enum
        or info.typeddict_type is not None
        or info.tuple_type is not None
        or "dataclass" in info.metadata
        or "attrs" in info.metadata
    )


def class_called(callee: Expression) -> TypeInfo | None:
    """The class a callee names, so that calling it constructs one: ``Client``,
    ``mod.Client``, an alias of a class (``Conn = sqlite3.Connection``), and
    subscripted ones (``set[str]``, ``asyncio.Queue[int]``, ``Alias[int]``).

    The one resolution of "which class does this call construct" (the blocking
    rule, the summaries' callees and obviousness all use it).
    """
    if isinstance(callee, INDEX_EXPR):
        if isinstance(callee.analyzed, TypeApplication):
            return class_called(callee.analyzed.expr)
        return class_called(callee.base)
    if not isinstance(callee, REF_EXPR):
        return None
    node = callee.node
    if isinstance(node, TYPE_INFO):
        return node
    if isinstance(node, TYPE_ALIAS):
        target = proper(node.target)
        if isinstance(target, INSTANCE):
            return target.type
    return None


class PendingNames:
    """Catalogue names not resolved yet, by top-level package.

    A library's names resolve once mypy has loaded it; a refresh looks only at the
    packages loaded since (both catalogues refresh on every module pass). Given the
    module table, a name that failed is tried again only once what its lookup reads
    changed (``compat.lookup_stamp``): in a cold run every module is in the table
    from the start, parsed, long before mypy analyses it.
    """

    def __init__(self) -> None:
        self._by_package: dict[str, list[tuple[str, str]]] = {}
        self._failed: dict[str, LookupStamp] = {}
        # Given a module table: the ``loaded`` of the last refresh and its size, and
        # the loaded packages that still had names pending then (in queue order).
        self._seen: Collection[str] | None = None
        self._seen_size = -1
        self._waiting: list[str] = []

    def add(self, kind: str, names: Iterable[str]) -> None:
        """Queue ``names``, each with its ``kind`` (what resolving it adds)."""
        self._seen = None
        for name in names:
            self._by_package.setdefault(name.partition(".")[0], []).append((kind, name))

    def resolve_loaded(
        self,
        loaded: Collection[str],
        resolve: Callable[[str, str], bool],
        modules: dict[str, MypyFile] | None = None,
    ) -> None:
        """``resolve(kind, name)`` each name of a package in ``loaded``, in queue order;
        keep those it could not resolve (False) for the next refresh.

        ``modules``: the module table, given when no module's names change in place
        (not under the daemon); a name is then not tried again while its lookup
        would read the same tables.

        (Both catalogues refresh on every module pass, with a hundred packages
        pending: ``loaded`` is a set or mypy's module table, not a function. Given
        the module table, modules are only ever added: while ``loaded`` is the same
        container of the same size, no package was loaded since the last refresh and
        only the loaded packages that had names pending are looked at.)"""
        if modules is not None and loaded is self._seen and len(loaded) == self._seen_size:
            packages = self._waiting
        else:
            packages = [p for p in self._by_package if p in loaded]
        waiting: list[str] = []
        for package in packages:
            still: list[tuple[str, str]] = []
            for kind, name in self._by_package.pop(package):
                if not self._try(kind, name, resolve, modules):
                    still.append((kind, name))
            if still:
                self._by_package[package] = still
                waiting.append(package)
        self._waiting = waiting
        self._seen = loaded if modules is not None else None
        self._seen_size = len(loaded) if modules is not None else -1

    def _try(
        self,
        kind: str,
        name: str,
        resolve: Callable[[str, str], bool],
        modules: dict[str, MypyFile] | None,
    ) -> bool:
        if modules is None:
            return resolve(kind, name)
        stamp = self._failed.get(name)
        if stamp is not None and lookup_unchanged(stamp, modules):
            return False
        if resolve(kind, name):
            self._failed.pop(name, None)
            return True
        self._failed[name] = lookup_stamp(name, modules)
        return False

    def names(self) -> list[str]:
        """Every name still pending."""
        return [name for group in self._by_package.values() for _, name in group]

    def __bool__(self) -> bool:
        return bool(self._by_package)

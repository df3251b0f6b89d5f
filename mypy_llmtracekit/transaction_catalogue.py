"""The external-I/O catalogue of ltk-io-in-transaction, and what opens a transaction.

The data lives in ``data/transaction_io.toml``. Names there and in the settings
(``transaction_io_extra``, ``transaction_io_exempt``) are the names people
import; they resolve through mypy's symbol tables (the first time their library
is part of the build) to the class or function they really are.

:func:`external_io_api` is a pure classifier: given what a call resolves to (the
callee's full name, or the receiver's classes and the method name) it says which
external API the call is, without looking at any expression. The rule uses it on
the calls of a transaction block; a summary of a project function can use it on
that function's calls (``callees.external_io``, for the summaries).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final

from mypy.lookup import lookup_fully_qualified
from mypy.nodes import FUNC_NO_INFO, MypyFile, SymbolNode, TypeInfo

from mypy_llmtracekit import data_files
from mypy_llmtracekit.compat import lookup_lazily
from mypy_llmtracekit.kinds import (
    DECORATOR,
    FUNC_BASE,
    TYPE_INFO,
)
from mypy_llmtracekit.names import PendingNames


class IoClass:
    """Which methods of one class are external I/O."""

    def __init__(
        self,
        name: str,
        methods: frozenset[str] = frozenset(),
        every_method: bool = False,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.methods = methods
        self.every_method = every_method
        self.excluded = excluded

    def performs_io(self, method: str) -> bool:
        """Return True if calling ``method`` on this class is external I/O."""
        if self.every_method:
            public = not method.startswith("_") and not method[:1].isupper()
            return public and method not in self.excluded
        return method in self.methods


class TransactionData:
    """The catalogue as written in the data file (names not yet resolved)."""

    def __init__(
        self,
        *,
        # Transaction openers: class -> methods, and functions.
        opener_classes: Mapping[str, frozenset[str]],
        opener_functions: frozenset[str],
        # External I/O.
        functions: frozenset[str],
        classes: Mapping[str, IoClass],
        packages: frozenset[str],
    ) -> None:
        self.opener_classes = opener_classes
        self.opener_functions = opener_functions
        self.functions = functions
        self.classes = classes
        self.packages = packages
        # Module name -> whether it is in one of ``packages`` (asked for every class
        # of a receiver's MRO at every method call a summary or a rule judges).
        self._in_packages: dict[str, bool] = {}

    def in_packages(self, module: str) -> bool:
        """Whether ``module`` is one of ``packages`` or a submodule of one."""
        known = self._in_packages.get(module)
        if known is None:
            known = self._in_packages[module] = _in_packages(module, self.packages)
        return known


@functools.cache
def builtin_data() -> TransactionData:
    """Load ``data/transaction_io.toml``."""
    data = data_files.load("transaction_io")
    openers = data.pop("transactions")
    functions: set[str] = set()
    classes: dict[str, IoClass] = {}
    packages: list[str] = []
    for family in data.values():
        functions.update(family.get("functions", ()), family.get("constructors", ()))
        packages.extend(family.get("packages", ()))
        for name, spec in family.get("classes", {}).items():
            classes[name] = IoClass(
                name=name,
                methods=frozenset(spec.get("methods", ())),
                every_method=bool(spec.get("all", False)),
                excluded=frozenset(spec.get("except", ())),
            )
    return TransactionData(
        opener_classes={n: frozenset(m) for n, m in openers.get("classes", {}).items()},
        opener_functions=frozenset(openers.get("functions", ())),
        functions=frozenset(functions),
        classes=classes,
        packages=frozenset(packages),
    )


def _module_in_build(name: str, modules: dict[str, MypyFile]) -> bool:
    """Whether a module ``name`` could be in (one of its prefixes) is in the build.

    Not only the top-level package: a run on a warm cache loads
    ``piccolo.query.base`` from it without ``piccolo`` when nothing needs the
    package's own tree, and a ``-n`` worker may hold a submodule alone.
    """
    head = name
    while head not in modules:
        if "." not in head:
            return False
        head = head.rpartition(".")[0]
    return True


def resolve_node(name: str, modules: dict[str, MypyFile]) -> SymbolNode | None:
    """The node ``name`` (as users import it) refers to, if its module is in the build."""
    if not _module_in_build(name, modules):
        return None
    symbol = lookup_fully_qualified(name, modules, raise_on_missing=False)
    node = symbol.node if symbol is not None else None
    return node.func if isinstance(node, DECORATOR) else node


def resolve(name: str, modules: dict[str, MypyFile]) -> str | None:
    """The full name of what ``name`` (as users import it) refers to, if its module
    is in the build; a function mypy has not read from its cache stays unread
    (``compat.lookup_lazily``)."""
    if not _module_in_build(name, modules):
        return None
    found = lookup_lazily(name, modules)
    if isinstance(found, str):
        return found
    return found.fullname or None if found is not None else None


class TransactionApis:
    """The resolved catalogue of one mypy run: built-in, plus extra, minus exempt."""

    def __init__(self, extra: tuple[str, ...] = (), exempt: tuple[str, ...] = ()) -> None:
        self.extra = extra
        self.exempt = exempt
        # Resolved full name -> the name shown in messages.
        self.functions: dict[str, str] = {}
        self.classes: dict[str, IoClass] = {}
        self.exempt_names: set[str] = set()
        self.opener_classes: dict[str, frozenset[str]] = {}
        self.opener_functions: set[str] = set()
        # Names not resolved yet: their library is not (yet) part of the build.
        self.pending = PendingNames()
        data = builtin_data()
        self.pending.add("function", sorted(data.functions))
        self.pending.add("class", data.classes)
        self.pending.add("opener", data.opener_classes)
        self.pending.add("opener-function", sorted(data.opener_functions))
        self.pending.add("extra", self.extra)
        self.pending.add("exempt", self.exempt)

    def refresh(
        self,
        loaded: Collection[str],
        modules: dict[str, MypyFile],
        stable: dict[str, MypyFile] | None = None,
    ) -> None:
        """Resolve the names whose library mypy has loaded since the last call.

        ``loaded``: the top-level packages of the modules in the build (under ``-n``
        a worker may hold ``sqlalchemy.orm`` before ``sqlalchemy``), as for the
        blocking catalogue. ``stable``: the module table when no module's names
        change in place, as for ``BlockingApis.refresh``."""

        def found(kind: str, name: str) -> bool:
            if kind == "extra":  # a setting: what it names decides what it adds
                node = resolve_node(name, modules)
                if node is None or not node.fullname:
                    return False
                self._add_extra(name, node)
                return True
            fullname = resolve(name, modules)
            if fullname is None:
                return False
            self._add(kind, name, fullname)
            return True

        self.pending.resolve_loaded(loaded, found, stable)

    def _add(self, kind: str, name: str, fullname: str) -> None:
        data = builtin_data()
        if kind == "function":
            self.functions.setdefault(fullname, name)
        elif kind == "class":
            self.classes[fullname] = data.classes[name]
        elif kind == "opener":
            self.opener_classes[fullname] = data.opener_classes[name]
        elif kind == "opener-function":
            self.opener_functions.add(fullname)
        else:
            self.exempt_names.add(fullname)

    def _add_extra(self, name: str, node: SymbolNode) -> None:
        if isinstance(node, TYPE_INFO):
            self.classes[node.fullname] = IoClass(name, every_method=True)
            return
        owner = node.info if isinstance(node, FUNC_BASE) and node.info is not FUNC_NO_INFO else None
        if owner is None:
            self.functions[node.fullname] = name
            return
        known = self.classes.get(owner.fullname) or IoClass(name.rpartition(".")[0])
        method = node.fullname.rpartition(".")[2]
        self.classes[owner.fullname] = IoClass(
            known.name,
            known.methods | {method},
            known.every_method,
            known.excluded - {method},
        )

    def method_api(self, info: TypeInfo, method: str) -> str | None:
        """The API name of ``method`` called on an instance of ``info``, if it is external I/O.

        The nearest catalogue class in the MRO decides.
        """
        exempt = self.exempt_names  # from the settings: usually empty
        data = builtin_data()
        for base in info.mro:
            if exempt and (base.fullname in exempt or f"{base.fullname}.{method}" in exempt):
                return None
            spec = self.classes.get(base.fullname)
            if spec is not None:
                if not spec.performs_io(method):
                    return None
                # A generated client (S3Client of botocore's BaseClient): its own name.
                shown = info.name if spec.every_method and base is not info else spec.name
                return f"{shown}.{method}"
            if data.in_packages(base.module_name):
                if method.startswith("_") or method in _NEVER_IO:
                    return None
                return f"{_shown_class(base)}.{method}"
        return None


# Methods every class has that never do I/O.
_NEVER_IO: Final = frozenset({"copy", "with_options", "model_dump", "to_dict", "to_json"})


def _in_packages(module: str, packages: frozenset[str]) -> bool:
    """Whether ``module`` is one of ``packages`` or a submodule of one."""
    dot = module.find(".")
    while dot != -1:
        if module[:dot] in packages:
            return True
        dot = module.find(".", dot + 1)
    return module in packages


def _shown_class(info: TypeInfo) -> str:
    """``openai.resources.chat.completions.completions.AsyncCompletions`` -> package.Class."""
    return f"{info.module_name.partition('.')[0]}.{info.name}"


def external_io_api(
    callee_fullname: str | None,
    receivers: Sequence[TypeInfo],
    method: str | None,
    apis: TransactionApis,
) -> str | None:
    """Which external-I/O API a call is, or None if it is not one.

    ``callee_fullname``: the full name of the function (or class) called, for a
    call of a name; ``receivers``: the classes the receiver may be, and
    ``method`` the method name, for a call of ``receiver.method``. The API name is
    the one users know (``httpx.AsyncClient.post``).
    """
    if callee_fullname is not None and callee_fullname not in apis.exempt_names:
        shown = apis.functions.get(callee_fullname)
        if shown is not None:
            return shown
    if method is None:
        return None
    for info in receivers:
        api = apis.method_api(info, method)
        if api is not None:
            return api
    return None


def opens_transaction(
    callee_fullname: str | None,
    receivers: Sequence[TypeInfo],
    method: str | None,
    apis: TransactionApis,
    sql_classes: Iterable[str],
) -> bool:
    """True if the call, used as a ``with``/``async with`` item, opens a transaction."""
    if callee_fullname is not None and callee_fullname in apis.opener_functions:
        return True
    if method is None:
        return False
    configured = frozenset(sql_classes)
    for info in receivers:
        for base in info.mro:
            methods = apis.opener_classes.get(base.fullname)
            if methods is not None and method in methods:
                return True
            if base.fullname in configured and method in CONFIGURED_OPENERS:
                return True
    return False


CONFIGURED_OPENERS: Final = frozenset({"transaction", "begin", "begin_nested"})


def resolve_all(names: Iterable[str], modules: dict[str, MypyFile]) -> frozenset[str]:
    """The full names of those ``names`` whose library is in the build."""
    found: set[str] = set()
    for name in names:
        cached = _RESOLVED.get(name)
        if cached is None:
            fullname = resolve(name, modules)
            if fullname is None:
                continue
            cached = _RESOLVED[name] = fullname
        found.add(cached)
    return frozenset(found)


_RESOLVED: Final[dict[str, str]] = {}

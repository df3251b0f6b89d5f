"""The blocking-I/O catalogue: built-in data plus the user's additions and exemptions.

The data lives in ``data/blocking_io.toml``. Names there, and in the user's
settings, are the names people import; :class:`BlockingApis` resolves each one
through mypy's symbol tables to the function or class it really is (the first
time the library is part of the build) and answers "does this call block?" with
set lookups.

:func:`blocking_api` is the whole decision, pure with respect to expressions: it
takes what the callee refers to and the receiver's classes, however the caller
found them (mypy's type map in the rules, another evaluation elsewhere), and
returns a :class:`Hit`. A hit may carry a :data:`Condition` on the call's
arguments (``smtplib.SMTP(host)`` connects, ``smtplib.SMTP()`` does not); the
caller decides it from the call as written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Final, Literal, Union

from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    FUNC_NO_INFO,
    CallExpr,
    Expression,
    MypyFile,
    SymbolNode,
    TypeInfo,
)
from mypy.types import Type

from mypy_llmtracekit import data_files
from mypy_llmtracekit.kinds import (
    BYTES_EXPR,
    CALLABLE_TYPE,
    DECORATOR,
    FUNC_BASE,
    FUNC_DEF,
    INSTANCE,
    NAME_EXPR,
    OVERLOADED,
    OVERLOADED_FUNC_DEF,
    STR_EXPR,
    TUPLE_EXPR,
    TYPE_ALIAS,
    TYPE_INFO,
    VAR,
    proper,
)
from mypy_llmtracekit.names import PendingNames

CONFIGURED_INSTEAD = "make it async, or await asyncio.to_thread(...)"

Lookup = Callable[[str], "SymbolNode | None"]
# A node, or the full name of a function not read from mypy's cache yet.
LookupName = Callable[[str], "SymbolNode | str | None"]


class FalseFlag:
    """The call does not block when this argument is literally ``False``.

    Equal when both fields are.
    """

    def __init__(self, keyword: str, position: int) -> None:
        self.keyword = keyword
        self.position = position

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FalseFlag):
            return NotImplemented
        return self.keyword == other.keyword and self.position == other.position

    def __hash__(self) -> int:
        return hash((self.keyword, self.position))


# "args": blocks only when called with arguments (``smtplib.SMTP(host)`` connects).
# "path": blocks only when its first argument is a path (``zipfile.ZipFile("a.zip")``).
# "address": blocks only when its first argument is an address to connect to, a
# tuple or a string (``paramiko.Transport(("host", 22))``), not a socket.
Condition = Union[Literal["args", "path", "address"], FalseFlag]


class Hit:
    """A catalogue hit: the API as users know it, and what to write instead.

    ``condition``, when set, must hold for the call's arguments for it to block.
    """

    def __init__(self, api: str, instead: str, condition: Condition | None = None) -> None:
        self.api = api
        self.instead = instead
        self.condition = condition


# The name rules/blocking_io_indirect.py and older code know a hit by.
Blocking = Hit


class ClassSpec:
    """Which methods of one class block."""

    def __init__(
        self,
        name: str,
        instead: str,
        methods: frozenset[str] = frozenset(),
        every_method: bool = False,
        excluded: frozenset[str] = frozenset(),
        # Show the receiver's own class in the message, not this (base) class.
        show_receiver: bool = False,
        # method -> the argument that makes it non-blocking when False.
        unless_false: Mapping[str, FalseFlag] = MappingProxyType({}),
        # Suffixes of view classes: ``CompletionsWithRawResponse``, in the module of a
        # subclass ``Completions``, wraps its methods (``with_raw_response.create``).
        views: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.instead = instead
        self.methods = methods
        self.every_method = every_method
        self.excluded = excluded
        self.show_receiver = show_receiver
        self.unless_false = unless_false
        self.views = views

    def blocks(self, method: str) -> bool:
        """Return True if calling ``method`` on this class blocks."""
        if self.every_method:
            # Private names do no public I/O; capitalised ones build sub-objects
            # (boto3's ``table = dynamodb.Table("x")``).
            return (
                not method.startswith("_")
                and not method[:1].isupper()
                and method not in self.excluded
            )
        return method in self.methods


class Catalogue:
    """Catalogue entries by the names users write (not yet resolved)."""

    def __init__(
        self,
        functions: dict[str, Hit],
        classes: dict[str, ClassSpec],
        # Classes whose construction blocks, by name.
        constructors: dict[str, Hit],
    ) -> None:
        self.functions = functions
        self.classes = classes
        self.constructors = constructors


def _named_hits(raw: object, instead: str) -> dict[str, Hit]:
    """Entries given as a list of names, or as a table name = condition."""
    found: dict[str, Hit] = {}
    if isinstance(raw, Mapping):
        for name, when in raw.items():
            condition: Condition | None = None
            if when == "args":
                condition = "args"
            elif when == "path":
                condition = "path"
            elif when == "address":
                condition = "address"
            found[str(name)] = Hit(str(name), instead, condition)
    elif isinstance(raw, (list, tuple)):
        for name in raw:
            found[str(name)] = Hit(str(name), instead)
    return found


def _class_spec(name: str, spec: Mapping[str, object], instead: str) -> ClassSpec:
    methods = spec.get("methods", ())
    excluded = spec.get("except", ())
    flags = spec.get("unless_false", {})
    views = spec.get("views", ())
    unless: dict[str, FalseFlag] = {}
    if isinstance(flags, Mapping):
        for method, (keyword, position) in flags.items():
            unless[str(method)] = FalseFlag(str(keyword), int(position))
    return ClassSpec(
        name=name,
        instead=str(spec.get("instead", instead)),
        methods=frozenset(str(m) for m in methods) if isinstance(methods, list) else frozenset(),
        every_method=bool(spec.get("all", False)),
        excluded=frozenset(str(m) for m in excluded) if isinstance(excluded, list) else frozenset(),
        show_receiver=bool(spec.get("show_receiver", False)),
        unless_false=unless,
        views=frozenset(str(v) for v in views) if isinstance(views, list) else frozenset(),
    )


@functools.cache
def builtin_catalogue() -> Catalogue:
    """Load the built-in catalogue shipped in ``data/blocking_io.toml``."""
    data = data_files.load("blocking_io")
    functions: dict[str, Hit] = {}
    classes: dict[str, ClassSpec] = {}
    constructors: dict[str, Hit] = {}
    for family in data.values():
        instead = str(family["instead"])
        functions.update(_named_hits(family.get("functions", ()), instead))
        constructors.update(_named_hits(family.get("constructors", ()), instead))
        for name, spec in family.get("classes", {}).items():
            classes[name] = _class_spec(name, spec, instead)
    return Catalogue(functions, classes, constructors)


def _canonical(node: SymbolNode) -> str | None:
    if isinstance(node, TYPE_ALIAS):
        # threading.Lock = _thread.LockType: the class it stands for.
        target = proper(node.target)
        if isinstance(target, INSTANCE):
            return target.type.fullname
        return node.fullname
    if isinstance(node, (TYPE_INFO, FUNC_BASE, DECORATOR, VAR)):
        return node.fullname
    return None


_ASYNC_PROTOCOLS: Final = ("__await__", "__aiter__", "__anext__", "__aenter__")


def _returns_async(typ: Type | None) -> bool:
    """True for a callable whose result is awaited or used with ``async for``/``async with``."""
    resolved_type = proper(typ)
    if isinstance(resolved_type, OVERLOADED):
        return all(_returns_async(item) for item in resolved_type.items)
    if not isinstance(resolved_type, CALLABLE_TYPE):
        return False
    ret = proper(resolved_type.ret_type)
    if not isinstance(ret, INSTANCE):
        return False
    return any(name in base.names for base in ret.type.mro for name in _ASYNC_PROTOCOLS)


def is_async_method(node: SymbolNode | None) -> bool:
    """True if ``node`` is an ``async def`` method, or one that returns an awaitable.

    aiobotocore's clients derive from botocore's, and their methods are coroutines:
    calling them does not block.
    """
    if isinstance(node, DECORATOR):
        if node.func.is_coroutine:
            return True
        return _returns_async(node.var.type or node.func.type)
    if isinstance(node, OVERLOADED_FUNC_DEF):
        if node.type is not None:
            return _returns_async(node.type)
        return bool(node.items) and all(is_async_method(item) for item in node.items)
    if isinstance(node, FUNC_DEF):
        return node.is_coroutine or _returns_async(node.type)
    if isinstance(node, VAR):
        return _returns_async(node.type)
    return False


def _find_method(info: TypeInfo, name: str) -> SymbolNode | None:
    for base in info.mro:
        symbol = base.names.get(name)
        if symbol is not None:
            return symbol.node
    return None


class BlockingApis:
    """The resolved catalogue of one mypy run (built-in, extra, minus exempt).

    Names resolve lazily: a library's names become known once mypy has loaded it.
    """

    def __init__(
        self,
        lookup: Lookup,
        lookup_name: LookupName,
        extra: tuple[str, ...] = (),
        exempt: tuple[str, ...] = (),
    ) -> None:
        # The settings' names need the node; the built-in ones need only the full
        # name of a function mypy has not read yet (``compat.lookup_lazily``).
        self.lookup = lookup
        self.lookup_name = lookup_name
        self.extra = extra
        self.exempt = exempt
        self._functions: dict[str, Hit] = {}
        self._classes: dict[str, ClassSpec] = {}
        self._constructors: dict[str, Hit] = {}
        self._exempt: set[str] = set()
        self._views: set[str] = set()
        # Unresolved names, grouped by their top-level package.
        self._pending = PendingNames()
        catalogue = builtin_catalogue()
        self._pending.add("function", catalogue.functions)
        self._pending.add("class", catalogue.classes)
        self._pending.add("constructor", catalogue.constructors)
        self._pending.add("extra", self.extra)
        self._pending.add("exempt", self.exempt)

    def refresh(self, loaded: Collection[str], stable: dict[str, MypyFile] | None = None) -> None:
        """Resolve the names of every package mypy has loaded since the last call.

        ``stable``: mypy's module table when no module's names change in place (not
        under the daemon): a name that failed then waits for its lookup's tables to
        change (``PendingNames.resolve_loaded``)."""
        self._pending.resolve_loaded(loaded, self._resolve, stable)

    def _resolve(self, kind: str, name: str) -> bool:
        found = self.lookup(name) if kind == "extra" else self.lookup_name(name)
        if isinstance(found, str):
            self._add(kind, name, found, None)
            return True
        canonical = _canonical(found) if found is not None else None
        if canonical is None:
            return False
        self._add(kind, name, canonical, found)
        return True

    def _add(self, kind: str, name: str, canonical: str, node: SymbolNode | None) -> None:
        catalogue = builtin_catalogue()
        if kind == "function":
            # Two catalogue names for one API (open, io.open): the first one shows.
            self._functions.setdefault(canonical, catalogue.functions[name])
        elif kind == "class":
            self._classes[canonical] = catalogue.classes[name]
            self._views |= catalogue.classes[name].views
        elif kind == "constructor":
            self._constructors[canonical] = catalogue.constructors[name]
        elif kind == "exempt":
            self._exempt.add(canonical)
        else:
            self._add_extra(name, canonical, node)

    def _add_extra(self, name: str, canonical: str, node: SymbolNode | None) -> None:
        if isinstance(node, TYPE_INFO):
            self._classes[canonical] = ClassSpec(name, CONFIGURED_INSTEAD, every_method=True)
            return
        owner = _method_owner(node)
        if owner is None:
            self._functions[canonical] = Hit(name, CONFIGURED_INSTEAD)
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
            show_receiver=known.show_receiver,
            unless_false=known.unless_false,
            views=known.views,
        )

    def function(self, fullname: str) -> Hit | None:
        """Return the hit for a call of the function ``fullname``."""
        if fullname in self._exempt:
            return None
        return self._functions.get(fullname)

    def constructor(self, info: TypeInfo) -> Hit | None:
        """Return the hit for constructing ``info`` (a catalogued class or a subclass)."""
        for base in info.mro:
            if base.fullname in self._exempt:
                return None
            hit = self._constructors.get(base.fullname)
            if hit is not None:
                return hit
        return None

    def method(self, info: TypeInfo, method: str) -> Hit | None:
        """Return the hit for calling ``method`` on an instance of ``info``.

        The nearest catalogue class in the MRO decides; a method that is a
        coroutine (``async def``, or returning an awaitable) never blocks.
        """
        exempt = self._exempt  # from the settings: usually empty
        for base in info.mro:
            if exempt and (base.fullname in exempt or f"{base.fullname}.{method}" in exempt):
                return None
            spec = self._classes.get(base.fullname)
            if spec is None:
                continue
            if not spec.blocks(method) or is_async_method(_find_method(info, method)):
                return None
            owner = info if spec.show_receiver else None
            api = f"{owner.fullname if owner else spec.name}.{method}"
            return Hit(api, spec.instead, spec.unless_false.get(method))
        return self._view_method(info, method)

    def _view_method(self, info: TypeInfo, method: str) -> Hit | None:
        """``method`` of a view class (``CompletionsWithRawResponse``): the hit of the
        class it wraps (``Completions`` in the same module), if that class's entry
        declares the view's suffix."""
        for suffix in self._views:
            if not info.name.endswith(suffix) or info.name == suffix:
                continue
            stem = info.name.removesuffix(suffix)
            wrapped = self.lookup(f"{info.module_name}.{stem}")
            if not isinstance(wrapped, TYPE_INFO) or wrapped is info:
                continue
            spec = next(
                (self._classes[b.fullname] for b in wrapped.mro if b.fullname in self._classes),
                None,
            )
            if spec is None or suffix not in spec.views:
                continue
            if is_async_method(_find_method(info, method)):
                return None
            return self.method(wrapped, method)
        return None


def blocking_api(
    callee_fullname: str | None,
    receiver_classes: Sequence[TypeInfo],
    method: str | None,
    apis: BlockingApis,
    *,
    constructed: TypeInfo | None = None,
) -> Hit | None:
    """Decide whether a call blocks, from what its parts resolve to (no expressions).

    ``callee_fullname``: the full name of the function the callee refers to, if
    any (``time.sleep`` for ``nap(1)`` after ``from time import sleep as nap``).
    ``constructed``: the class, when the call constructs one (subclasses of a
    catalogued class inherit its constructor entry). ``receiver_classes`` and
    ``method``: for ``x.method(...)``, every class ``x`` may be (a union's
    members, a TypeVar's bound or constraints; for ``super().method(...)``, the
    bases of the enclosing class).

    A returned hit may carry a condition on the arguments (see :class:`Hit`).
    """
    if callee_fullname:
        hit = apis.function(callee_fullname)
        if hit is not None:
            return hit
    if constructed is not None:
        return apis.constructor(constructed)
    if method is None:
        return None
    for info in receiver_classes:
        hit = apis.method(info, method)
        if hit is not None:
            return hit
    return None


def _method_owner(node: SymbolNode | None) -> TypeInfo | None:
    if isinstance(node, DECORATOR):
        node = node.func
    if isinstance(node, FUNC_BASE) and node.info is not FUNC_NO_INFO:
        return node.info
    return None


# Writing to these is what print() does: not worth a thread.
CONSOLE_STREAMS: Final = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})
# Keywords naming the file argument of archive constructors (``ZipFile(file=...)``).
PATH_KEYWORDS: Final = ("file", "name", "filename", "path")


def call_argument(call: CallExpr, keywords: Sequence[str], position: int) -> Expression | None:
    """The argument passed by one of ``keywords``, else the ``position``-th positional one."""
    for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names):
        if kind == ARG_NAMED and name in keywords:
            return arg
    positional = [arg for arg, kind in zip(call.args, call.arg_kinds) if kind == ARG_POS]
    return positional[position] if position < len(positional) else None


def arguments_block(call: CallExpr, hit: Hit, is_path: Callable[[Expression], bool]) -> bool:
    """Whether the call's arguments make a conditional hit block.

    ``is_path`` judges a non-literal file argument by its type (the caller knows
    where types come from: mypy's type map, or declarations).
    """
    condition = hit.condition
    if condition is None:
        return True
    if condition == "args":
        return bool(call.args)
    if condition == "address":
        first = call_argument(call, ("sock",), 0)
        if first is None:
            return False
        return isinstance(first, (STR_EXPR, TUPLE_EXPR)) or is_path(first)
    if condition == "path":
        first = call_argument(call, PATH_KEYWORDS, 0)
        if first is None:
            return False
        return isinstance(first, (STR_EXPR, BYTES_EXPR)) or is_path(first)
    assert isinstance(condition, FalseFlag)
    flag = call_argument(call, (condition.keyword,), condition.position)
    return not (isinstance(flag, NAME_EXPR) and flag.fullname == "builtins.False")

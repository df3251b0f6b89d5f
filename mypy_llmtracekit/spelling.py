"""Types written so that they type-check when pasted into the file a message is about.

mypy's own formatting names classes by their full name (``app.models.chat.Chat``)
or by their bare name whether the file can see it or not, writes callables as
``def (x: int) -> str`` and happily shows ``Any``. A suggestion in a message is
only useful if it can be pasted, so this module writes a type the way the file
binds its names:

* a class the file imported (``from app.models import Chat``) is ``Chat``; one it
  reaches through a module (``import app.models as m``) is ``m.Chat``; one it
  cannot see yet is spelled by its name and the import to add is returned
  (``from app.models import Chat``);
* callables are ``Callable[[int], str]``; a signature ``Callable`` cannot write
  (keyword or optional parameters, a generic function, ``...``) is not suggested;
* a type variable is written only where it is in scope (the class's or the
  function's own); otherwise nothing is suggested, and the reason says which;
* ``Any`` is never suggested: :func:`any_origin` says where it comes from;
* names that exist only under ``if TYPE_CHECKING:`` keep the annotation quoted
  where Python evaluates it at run time;
* type aliases are written by their name, so recursive types
  (``JSON = Union[int, list["JSON"]]``) never recurse.

Message shapes built on this (another tool parses them)::

    ...; annotate it: NAME: TYPE = ...        variables (self.NAME for attributes)
    ...; annotate it: -> TYPE                 returns
    ...; annotate it: NAME: TYPE              parameters
    ... (add: from M import N)                appended when the file needs an import
    no "annotate it:" part                    when no type can be suggested; the
                                              message says why instead
"""

from __future__ import annotations

from mypy.nodes import (
    ARG_POS,
    FuncDef,
    Import,
    ImportFrom,
    MypyFile,
    SymbolNode,
    TypeInfo,
)
from mypy.types import (
    CallableType,
    Instance,
    LiteralType,
    TupleType,
    Type,
    TypeAliasType,
    TypeVarType,
    get_proper_type,
)

from mypy_llmtracekit.any_origin import MAX_DEPTH, any_reason
from mypy_llmtracekit.kinds import (
    ANY_TYPE,
    CALLABLE_TYPE,
    INSTANCE,
    LITERAL_TYPE,
    MYPY_FILE,
    NONE_TYPE,
    OVERLOADED,
    TUPLE_TYPE,
    TYPE_ALIAS_TYPE,
    TYPE_TYPE,
    TYPE_VAR_TYPE,
    TYPED_DICT_TYPE,
    UNION_TYPE,
)

ABC_NAMES = frozenset(
    {
        "AsyncGenerator",
        "AsyncIterable",
        "AsyncIterator",
        "Awaitable",
        "Collection",
        "Container",
        "Coroutine",
        "Generator",
        "ItemsView",
        "Iterable",
        "Iterator",
        "KeysView",
        "Mapping",
        "MappingView",
        "MutableMapping",
        "MutableSequence",
        "MutableSet",
        "Reversible",
        "Sequence",
        "Set",
        "Sized",
        "ValuesView",
    }
)
CALLABLE_IMPORT = ("collections.abc", "Callable")
CALLABLE_FULLNAMES = ("collections.abc.Callable", "typing.Callable", "typing_extensions.Callable")


class Unspellable(Exception):
    """A type that cannot be written into the file; the argument says why."""


class Spelled:
    """A type written for one file: the text, the imports it needs, or why not."""

    def __init__(
        self, text: str | None, imports: tuple[str, ...] = (), reason: str | None = None
    ) -> None:
        self.text = text
        self.imports = imports
        self.reason = reason

    @property
    def add(self) -> str:
        """`` (add: from M import N)`` when the file needs imports, else ``""``."""
        if not self.imports:
            return ""
        return f" (add: {'; '.join(self.imports)})"


class Namer:
    """How one module binds names: full name -> the spelling the module uses."""

    def __init__(self, tree: MypyFile, modules: dict[str, MypyFile]) -> None:
        self.tree = tree
        self.modules = modules
        self._names: dict[str, str] = {}
        self._module_names: dict[str, str] = {}
        self._checking_only: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tree: MypyFile, modules: dict[str, MypyFile]) -> Namer:
        """Read the module's own symbol table once."""
        namer = cls(tree, modules)
        for name, symbol in tree.names.items():
            node = symbol.node
            if isinstance(node, MYPY_FILE):
                namer._module_names.setdefault(node.fullname, name)
            elif node is not None and node.fullname:
                namer._names.setdefault(node.fullname, name)
        namer._checking_only = _type_checking_names(tree)
        return namer

    def bound(self, local: str) -> SymbolNode | None:
        """What ``local`` (a name at module level) refers to, if anything."""
        symbol = self.tree.names.get(local)
        return symbol.node if symbol is not None else None

    def checking_only(self, text: str) -> bool:
        """Does ``text`` start with a name bound only under ``if TYPE_CHECKING:``?"""
        return text.split(".")[0].split("[")[0] in self._checking_only

    def spell(self, fullname: str, imports: list[str]) -> str:
        """Spell the class, alias or special form ``fullname`` as the module can."""
        if "@" in fullname:  # mypy's name for a class defined in a function body
            raise Unspellable(
                "its class is defined inside a function, so no annotation can name it"
            )
        for same in _same_names(fullname):
            if same in self._names:
                return self._names[same]
        own = f"{self.tree.fullname}."
        if fullname.startswith(own):
            return fullname[len(own) :]
        module, _, last = fullname.rpartition(".")
        if module == "builtins":
            return last if self.bound(last) is None else f"builtins.{last}"
        through_module = self._through_module(fullname)
        if through_module is not None:
            return through_module
        if "." in module and module.split(".")[0] in self._names:
            # a nested class of a class the module imported: Outer.Inner
            outer, _, inner = fullname.rpartition(".")
            if outer in self._names:
                return f"{self._names[outer]}.{inner}"
        public = self._public_module(fullname)
        if public == "typing" and last in ABC_NAMES:
            public = "collections.abc"  # typing.Mapping & co. are deprecated aliases
        if self.bound(last) is None:
            imports.append(f"from {public} import {last}")
            return last
        imports.append(f"import {public}")
        return f"{public}.{last}"

    def _through_module(self, fullname: str) -> str | None:
        best: str | None = None
        for module, local in self._module_names.items():
            if not fullname.startswith(f"{module}."):
                continue
            tree = self.modules.get(module)
            last = fullname.rpartition(".")[2]
            symbol = tree.names.get(last) if tree is not None else None
            if symbol is not None and symbol.node is not None and symbol.node.fullname == fullname:
                candidate = f"{local}.{last}"
            elif fullname.rpartition(".")[0] == module:
                candidate = f"{local}.{last}"
            else:
                continue
            if best is None or len(candidate) < len(best):
                best = candidate
        return best

    def _public_module(self, fullname: str) -> str:
        """The shortest module that exports ``fullname`` (``asyncio``, not ``asyncio.queues``)."""
        parts = fullname.split(".")
        last = parts[-1]
        candidates = [".".join(parts[:size]) for size in range(1, len(parts) - 1)]
        if parts[0].startswith("_"):
            candidates.insert(0, ".".join([parts[0].lstrip("_"), *parts[1:-1]]))
        for module in candidates:
            tree = self.modules.get(module)
            symbol = tree.names.get(last) if tree is not None else None
            if (
                symbol is not None
                and symbol.module_public
                and symbol.node is not None
                and symbol.node.fullname == fullname
            ):
                return module
        return ".".join(parts[:-1])


def _same_names(fullname: str) -> tuple[str, ...]:
    """``collections.abc.Iterator`` is ``typing.Iterator`` in typeshed, and back."""
    for prefix, other in (("collections.abc.", "typing."), ("typing.", "collections.abc.")):
        if fullname.startswith(prefix):
            return (fullname, other + fullname[len(prefix) :])
    return (fullname,)


def _type_checking_names(tree: MypyFile) -> frozenset[str]:
    names: set[str] = set()
    for imp in tree.imports:
        if not imp.is_mypy_only:
            continue
        if isinstance(imp, ImportFrom):
            names.update(as_name or name for name, as_name in imp.names)
        elif isinstance(imp, Import):
            names.update(as_id or module.split(".")[0] for module, as_id in imp.ids)
    return frozenset(names)


class Site:
    """Where an annotation would be pasted."""

    def __init__(
        self,
        # Full names of the type variables in scope there (the class's, the function's).
        type_vars: frozenset[str] = frozenset(),
        # True where Python evaluates the annotation when the line runs (module and class
        # level, signatures) and the module has no ``from __future__ import annotations``.
        runtime: bool = False,
    ) -> None:
        self.type_vars = type_vars
        self.runtime = runtime


def site_for(tree: MypyFile, info: TypeInfo | None, func: FuncDef | None, *, runtime: bool) -> Site:
    """The site of an annotation in class ``info`` and/or function ``func``."""
    names: set[str] = set()
    if info is not None:
        names.update(tv.fullname for tv in info.defn.type_vars)
    if func is not None and isinstance(func.type, CALLABLE_TYPE):
        names.update(tv.fullname for tv in func.type.variables)
    deferred = tree.is_future_flag_set("annotations")
    return Site(frozenset(names), runtime and not deferred)


def spell_type(typ: Type, namer: Namer, site: Site) -> Spelled:
    """Write ``typ`` for pasting at ``site``, or say why it cannot be written."""
    imports: list[str] = []
    writer = _Writer(namer, site, imports)
    try:
        text = writer.write(typ, 0)
    except Unspellable as why:
        return Spelled(None, (), str(why))
    if site.runtime and writer.checking_only:
        text = f'"{text}"'
    return Spelled(text, tuple(dict.fromkeys(imports)))


def spell_union(types: list[Type], namer: Namer, site: Site) -> Spelled:
    """Write the union of ``types`` (every ``return`` of a function), deduplicated."""
    imports: list[str] = []
    writer = _Writer(namer, site, imports)
    parts: list[str] = []
    try:
        for typ in types:
            for part in writer.union_items(typ, 0):
                if part not in parts:
                    parts.append(part)
    except Unspellable as why:
        return Spelled(None, (), str(why))
    if "None" in parts:
        parts = [p for p in parts if p != "None"] + ["None"]
    text = " | ".join(parts)
    if site.runtime and writer.checking_only:
        text = f'"{text}"'
    return Spelled(text, tuple(dict.fromkeys(imports)))


class _Writer:
    def __init__(self, namer: Namer, site: Site, imports: list[str]) -> None:
        self.namer = namer
        self.site = site
        self.imports = imports
        self.checking_only = False

    def name(self, fullname: str) -> str:
        text = self.namer.spell(fullname, self.imports)
        if self.namer.checking_only(text):
            self.checking_only = True
        return text

    def union_items(self, typ: Type, depth: int) -> list[str]:
        proper = typ if isinstance(typ, TYPE_ALIAS_TYPE) else get_proper_type(typ)
        if isinstance(proper, UNION_TYPE):
            items: list[str] = []
            for item in proper.items:
                for part in self.union_items(item, depth + 1):
                    if part not in items:
                        items.append(part)
            return items
        return [self.write(typ, depth)]

    def write(self, typ: Type, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise Unspellable("its type is nested too deeply to write")
        if isinstance(typ, TYPE_ALIAS_TYPE):
            return self._alias(typ, depth)
        p = get_proper_type(typ)
        if isinstance(p, INSTANCE):
            return self._instance(p, depth)
        if isinstance(p, NONE_TYPE):
            return "None"
        if isinstance(p, UNION_TYPE):
            items = self.union_items(p, depth)
            if "None" in items:
                items = [i for i in items if i != "None"] + ["None"]
            return " | ".join(items)
        if isinstance(p, TUPLE_TYPE):
            return self._tuple(p, depth)
        if isinstance(p, TYPED_DICT_TYPE):
            return self._named_fallback(p.fallback, "an anonymous TypedDict")
        if isinstance(p, TYPE_TYPE):
            return f"{self.name('builtins.type')}[{self.write(p.item, depth + 1)}]"
        if isinstance(p, CALLABLE_TYPE):
            return self._callable(p, depth)
        if isinstance(p, TYPE_VAR_TYPE):
            return self._type_var(p)
        if isinstance(p, LITERAL_TYPE):
            return self._literal(p)
        if isinstance(p, ANY_TYPE):
            raise Unspellable(f"mypy knows it only as Any ({any_reason(p)})")
        if isinstance(p, OVERLOADED):
            raise Unspellable(
                "it is an overloaded function, which Callable cannot write; "
                "declare a Protocol with an overloaded __call__"
            )
        raise Unspellable(f"mypy inferred no type it can write ({type(p).__name__})")

    def _alias(self, typ: TypeAliasType, depth: int) -> str:
        alias = typ.alias
        if alias is None:
            raise Unspellable("it is an unresolved type alias")
        text = self.name(alias.fullname)
        if typ.args:
            text += f"[{', '.join(self.write(a, depth + 1) for a in typ.args)}]"
        return text

    def _instance(self, typ: Instance, depth: int) -> str:
        info = typ.type
        if info.fullname == "builtins.function":
            raise Unspellable(
                "mypy joined functions of different signatures into its internal "
                '"function" type; write the common signature as a Callable or a Protocol'
            )
        if info.fullname == "builtins.tuple":
            item = self.write(typ.args[0], depth + 1) if typ.args else "object"
            return f"{self.name('builtins.tuple')}[{item}, ...]"
        text = self.name(info.fullname)
        if typ.args:
            text += f"[{', '.join(self.write(a, depth + 1) for a in typ.args)}]"
        return text

    def _tuple(self, typ: TupleType, depth: int) -> str:
        fallback = typ.partial_fallback.type
        if fallback.fullname != "builtins.tuple":
            return self._named_fallback(typ.partial_fallback, "an anonymous NamedTuple")
        if not typ.items:
            return f"{self.name('builtins.tuple')}[()]"
        items = ", ".join(self.write(i, depth + 1) for i in typ.items)
        return f"{self.name('builtins.tuple')}[{items}]"

    def _named_fallback(self, fallback: Instance, what: str) -> str:
        if fallback.type.fullname.startswith(("typing.", "typing_extensions.", "builtins.")):
            raise Unspellable(f"it is {what}")
        return self.name(fallback.type.fullname)

    def _callable(self, typ: CallableType, depth: int) -> str:
        if typ.is_type_obj():
            return f"{self.name('builtins.type')}[{self.name(typ.type_object().fullname)}]"
        if typ.variables:
            raise Unspellable(
                "it is a generic function, which Callable cannot write; "
                "declare a Protocol with a generic __call__"
            )
        if typ.is_ellipsis_args:
            raise Unspellable("mypy does not know its parameters (Callable[..., R])")
        if any(kind != ARG_POS for kind in typ.arg_kinds):
            raise Unspellable(
                "its signature has optional, keyword or star parameters, which Callable "
                "cannot write; declare a Protocol with that __call__"
            )
        args = ", ".join(self.write(a, depth + 1) for a in typ.arg_types)
        ret = self.write(typ.ret_type, depth + 1)
        return f"{self._callable_name()}[[{args}], {ret}]"

    def _callable_name(self) -> str:
        for fullname in CALLABLE_FULLNAMES:
            if fullname in self.namer._names:
                return self.namer._names[fullname]
        if self.namer.bound("Callable") is None:
            self.imports.append(f"from {CALLABLE_IMPORT[0]} import Callable")
            return "Callable"
        self.imports.append("import collections.abc")
        return "collections.abc.Callable"

    def _type_var(self, typ: TypeVarType) -> str:
        if typ.fullname in self.site.type_vars:
            return typ.name
        owner = getattr(typ.id, "namespace", "") or "another class or function"
        raise Unspellable(
            f'it uses the type variable "{typ.name}" of "{owner}", which is not in scope here'
        )

    def _literal(self, typ: LiteralType) -> str:
        literal = self.name("typing.Literal")
        if typ.is_enum_literal():
            return f"{literal}[{self.name(typ.fallback.type.fullname)}.{typ.value}]"
        return f"{literal}[{typ.value!r}]"

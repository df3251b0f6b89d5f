"""Every use of mypy internals lives here and in ``compat_errors.py`` (mypy's
error list), and nowhere else.

mypy offers no hook per function or per module *after* type checking with a
way to report errors, so the plugin reads a few attributes that are not part of
the documented plugin API. Each one is wrapped in a function below, covered by
``tests/test_compat.py``, and only the mypy versions named in ``pyproject.toml``
are supported. The internals used, and why:

* ``mypy.checker_state.checker_state.type_checker``: the type checker of the
  module being checked. Our ``get_*_hook`` methods see it whenever mypy asks
  about a call, so we learn each module's checker without returning a hook.
* ``TypeChecker.tree``, ``.path``, ``.options``, ``.msg.errors``,
  ``.can_skip_diagnostics`` and ``.lookup_type_or_none``: which module a
  checker belongs to, where to report, whether mypy silences the module, and the
  inferred type of an expression (mypy's type map).
* ``gc.get_referrers``: for the rare module in which mypy never consulted a
  plugin (it has no call at all), the only way back to its checker.
* ``mypy.messages.format_type_inner``: mypy's type formatting, asked to keep
  module names so the inferred type in a message can be pasted.
* ``gc.get_referrers(options)``, ``BuildManager.find_module_cache.find_module``,
  ``.search_paths``, ``Options.clone_for_module`` and ``mypy.util.is_sub_path_normabs``:
  under the daemon, whether mypy finds and follows the anchor package that our
  findings are filed under (see ``compat_errors.Reporter``), and which modules are installed.
* ``SymbolTableNode.unfixed``/``.cross_ref``/``._node_tag`` and the tags
  ``FUNC_DEF``/``OVERLOADED_FUNC_DEF``/``DECORATOR``: a catalogue name's full name
  without reading a function mypy loaded lazily from its cache (``lookup_lazily``).
* ``MypyFile.names`` (its size) and mypy's module table: whether a catalogue
  name that failed to resolve could resolve now (``lookup_stamp``).
* ``MypyFile.is_cache_skeleton``: set under the daemon so that a change elsewhere
  re-checks a whole module (with the post-check hook) instead of single functions.
* ``MypyFile.defs``: whether a tree was parsed in this process or loaded from the
  cache (no statements).
* ``mypy.server.subexpr.get_subexpressions``: every expression under a node, in
  the order mypy's own (compiled) traverser visits them: the walks find the calls
  of an expression through it instead of reading each node's attributes one by
  one through the Python API (``walker.calls_in``).
* ``mypy.maptype.map_instance_to_supertype``, ``mypy.expandtype.expand_type_by_instance``,
  ``mypy.typevars.fill_typevars``/``fill_typevars_with_any``: declared member types
  of a generic receiver, for summaries computed from declarations alone.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

from mypy.build import BuildManager
from mypy.checker import TypeChecker
from mypy.checker_state import checker_state
from mypy.errorcodes import ErrorCode
from mypy.errors import Errors
from mypy.expandtype import expand_type_by_instance
from mypy.lookup import lookup_fully_qualified
from mypy.maptype import map_instance_to_supertype
from mypy.messages import format_type_inner
from mypy.nodes import (
    DECORATOR,
    FUNC_DEF,
    OVERLOADED_FUNC_DEF,
    Decorator,
    Expression,
    FuncBase,
    MypyFile,
    Node,
    SymbolNode,
    TypeInfo,
    Var,
)
from mypy.options import Options
from mypy.server.subexpr import get_subexpressions
from mypy.types import (
    CallableType,
    Instance,
    TupleType,
    Type,
    TypeAliasType,
    TypeType,
    UnionType,
    get_proper_type,
)
from mypy.typevars import fill_typevars, fill_typevars_with_any
from mypy.util import is_sub_path_normabs


def current_checker() -> TypeChecker | None:
    """Return the type checker that is checking a module right now, if any."""
    chk = checker_state.type_checker
    if isinstance(chk, TypeChecker):
        return chk
    return None


class CheckerWatch:
    """What the plugin answers to ``get_function_hook`` and ``get_method_hook``.

    mypy asks every plugin about every call with a name while it checks a module.
    The plugin never takes a name; it only needs to notice that another type
    checker is at work (or, under dmypy, that the error list was reset since the
    last sync), and then calls ``changed``. The common case is one comparison,
    in compiled code: an interpreted method costs about four times more a call.
    """

    def __init__(self, changed: Callable[[], None], in_sync: Callable[[], bool] | None) -> None:
        # The checker of the last call (set by ``changed``'s owner).
        self.last: TypeChecker | None = None
        self._changed = changed
        self._in_sync = in_sync

    def hook(self, fullname: str) -> None:
        """Answer None (no hook for ``fullname``), noting a change of checker."""
        try:
            if checker_state.type_checker is not self.last or (
                self._in_sync is not None and not self._in_sync()
            ):
                self._changed()
        # A plugin bug must never crash mypy.
        except Exception:  # type: ignore[ltk-broad-except]
            pass
        return None


def checker_module(chk: TypeChecker) -> str:
    """Return the full name of the module a type checker checks."""
    return chk.tree.fullname


def find_checker(tree: MypyFile) -> TypeChecker | None:
    """Find the type checker of ``tree`` by asking the garbage collector.

    Slow (it scans the heap); used only for a module that gave the plugin no
    chance to see its checker during type checking.
    """
    for obj in gc.get_referrers(tree):
        if isinstance(obj, TypeChecker) and obj.tree is tree:
            return obj
    return None


def is_silenced(chk: TypeChecker) -> bool:
    """Return True when mypy reports nothing for this module (third-party, silent)."""
    return bool(chk.can_skip_diagnostics)


def is_silenced_path(errors: Errors, path: str) -> bool:
    """Return True when mypy reports nothing for the file at ``path``."""
    return path in errors.ignored_files


def module_options(chk: TypeChecker) -> Options:
    """Return the per-module options (per-module config sections applied)."""
    return chk.options


def expression_type(chk: TypeChecker, expr: Expression) -> Type | None:
    """Return the type mypy inferred for ``expr``, or None if it was not checked."""
    return chk.lookup_type_or_none(expr)


def is_code_enabled(chk: TypeChecker, code: ErrorCode) -> bool:
    """Return True if ``code`` is enabled for the module ``chk`` checks."""
    return is_enabled_in(chk.options, code)


def options_for_module(options: Options, module: str) -> Options:
    """The options of one module (per-module config sections applied)."""
    return options.clone_for_module(module)


def is_enabled_in(options: Options, code: ErrorCode) -> bool:
    """Return True if ``code`` is enabled under ``options`` (as mypy decides it:
    an umbrella code disabled turns off its sub-codes unless one is enabled)."""
    if code in options.disabled_error_codes:
        return False
    if code in options.enabled_error_codes:
        return True
    if code.sub_code_of is not None and code.sub_code_of in options.disabled_error_codes:
        return False
    return code.default_enabled


def format_type(typ: Type, options: Options, module: str) -> str:
    """Format a type for pasting into ``module``: ``list[int]``, ``app.config.Settings``.

    Like mypy's own messages, but classes from other modules than ``builtins``
    and ``module`` itself keep their module.
    """
    local = ("builtins.", f"{module}.")
    names = {name for name in _class_names(typ) if not name.startswith(local)}
    return format_type_inner(typ, 0, options, names)


def _class_names(typ: Type) -> Iterator[str]:
    """Every class named in ``typ`` (safe on recursive type aliases)."""
    seen: set[int] = set()
    stack: list[Type] = [typ]
    while stack:
        current = stack.pop()
        if isinstance(current, TypeAliasType):
            # A recursive alias (JSON = Union[int, list["JSON"]]) expands forever.
            if id(current.alias) in seen:
                continue
            if current.alias is not None:
                seen.add(id(current.alias))
        p = get_proper_type(current)
        if isinstance(p, Instance):
            yield p.type.fullname
            stack.extend(p.args)
        elif isinstance(p, (UnionType, TupleType)):
            stack.extend(p.items)
        elif isinstance(p, CallableType):
            stack.extend([*p.arg_types, p.ret_type])
        elif isinstance(p, TypeType):
            stack.append(p.item)


def member_type(
    instance: Instance, name: str, after: TypeInfo | None = None
) -> tuple[SymbolNode | None, Type | None]:
    """The node and declared type of ``instance.name``, looked up along the MRO.

    The type is expanded for the instance's type arguments (``dict[str, Conn]``'s
    ``__getitem__`` returns ``Conn``). Only declared types and types inferred with
    the class's interface are read. ``after`` starts the lookup past that class of
    the MRO (``super().name``).
    """
    mro = instance.type.mro
    if after is not None and after in mro:
        mro = mro[mro.index(after) + 1 :]
    for base in mro:
        symbol = base.names.get(name)
        if symbol is None:
            continue
        node = symbol.node
        declared = _declared_type(node)
        if declared is None or not base.type_vars:
            # A class without type variables maps to itself without arguments, and
            # expanding by that changes nothing (the calls into mypy cost ~10k).
            return node, declared
        mapped = map_instance_to_supertype(instance, base)
        return node, expand_type_by_instance(declared, mapped)
    return None, None


def _declared_type(node: SymbolNode | None) -> Type | None:
    if isinstance(node, Decorator):
        return node.var.type
    if isinstance(node, (Var, FuncBase)):
        return node.type
    return None


def self_type(info: TypeInfo) -> Instance:
    """The type of ``self`` in a method of ``info`` (its type variables unbound)."""
    own = fill_typevars(info)
    return own if isinstance(own, Instance) else own.partial_fallback


def any_instance(info: TypeInfo) -> Instance:
    """An instance of ``info`` with ``Any`` for its type arguments (``Client(...)``)."""
    own = fill_typevars_with_any(info)
    return own if isinstance(own, Instance) else own.partial_fallback


def subexpressions(node: Node) -> list[Expression]:
    """Every expression under ``node`` (itself first), in the order of mypy's
    ``TraverserVisitor``: a node before its children, children in source order,
    lambdas' bodies and the ``analyzed`` form of a call (``cast``) included."""
    return get_subexpressions(node)


def has_bodies(tree: MypyFile) -> bool:
    """True when ``tree`` was parsed in this process (a tree loaded from mypy's
    cache has symbol tables but no statements)."""
    return bool(tree.defs)


# What the answer of ``lookup_fully_qualified`` for a name depends on: the size of
# the module table, the module the name is looked up in, the size of its names.
LookupStamp = tuple[int, MypyFile | None, int]


def lookup_stamp(fullname: str, modules: dict[str, MypyFile]) -> LookupStamp:
    """What ``lookup_fully_qualified(fullname, modules)`` reads, as a stamp that
    :func:`lookup_unchanged` compares in constant time.

    The lookup searches the longest proper prefix of ``fullname`` in the table,
    then that module's names (and a class's names under them). A module's table
    is filled once, when mypy analyses it or loads it from its cache; it changes
    in place only under the daemon (which re-analyses targets), where stamps are
    not used. So while the table holds the same modules (its size, the module's
    identity) and that module the same number of names, a lookup that failed
    fails again.
    """
    head = fullname
    while "." in head:
        head = head.rpartition(".")[0]
        tree = modules.get(head)
        if tree is not None:
            return (len(modules), tree, len(tree.names))
    return (len(modules), None, 0)


def lookup_unchanged(stamp: LookupStamp, modules: dict[str, MypyFile]) -> bool:
    """Whether what a lookup read when ``stamp`` was taken is unchanged."""
    size, tree, names = stamp
    if len(modules) != size:
        return False
    return tree is None or (modules.get(tree.fullname) is tree and len(tree.names) == names)


# The tags of what mypy 2.4 reads from its cache only on first use and whose full
# name is enough for the catalogues: functions, overloaded and decorated ones.
_FUNCTION_TAGS = frozenset({FUNC_DEF, OVERLOADED_FUNC_DEF, DECORATOR})
# Cross-references followed before leaving the rest to mypy (a chain is one or two).
_MAX_CROSS_REFS = 8


def lookup_lazily(fullname: str, modules: dict[str, MypyFile]) -> SymbolNode | str | None:
    """``lookup_fully_qualified(fullname, modules).node``, except that a function
    mypy has not read from its cache yet comes back as its full name, unread.

    mypy 2.4 reads a cached module's functions (with their types: every overload
    of ``os.open``) when something first looks at them. Resolving the catalogues'
    names through ``SymbolTableNode.node`` read them all: 14.6M instructions of a
    one-file run on a warm cache. Their full name is all the catalogues need: mypy
    stored a definition without a cross-reference exactly when its full name is
    ``<owner>.<name>`` (``SymbolTableNode.write``); a cross-reference is followed
    by name. Anything else is read as mypy reads it.
    """
    symbol = lookup_fully_qualified(fullname, modules)
    for _ in range(_MAX_CROSS_REFS):
        if symbol is None:
            return None
        if not symbol.unfixed:
            return symbol.node
        target = symbol.cross_ref
        if target is None:
            if symbol._node_tag in _FUNCTION_TAGS:
                defined = _defined_name(fullname, modules)
                if defined is not None:
                    return defined
            return symbol.node
        found = lookup_fully_qualified(target, modules) if target not in modules else None
        if found is None or found is symbol:
            return symbol.node
        symbol, fullname = found, target
    return symbol.node if symbol is not None else None


def _defined_name(fullname: str, modules: dict[str, MypyFile]) -> str | None:
    """The full name of what is defined as ``fullname``'s last part in the table
    ``lookup_fully_qualified`` found it in: its module's, or its class's (a class's
    own full name may differ from the path that reached it)."""
    owner, _, name = fullname.rpartition(".")
    if owner in modules:
        return fullname
    symbol = lookup_fully_qualified(owner, modules)
    info = symbol.node if symbol is not None else None
    return f"{info.fullname}.{name}" if isinstance(info, TypeInfo) else None


def recheck_whole_module_on_change(tree: MypyFile, modules: dict[str, MypyFile]) -> None:
    """Under dmypy: when a change elsewhere triggers any target in ``tree``, have the
    daemon re-check the whole module (as for a module loaded from its cache).

    The daemon re-checks single functions without any post-check hook; the plugin's
    findings for a module can only be recomputed by a whole-module pass. The
    daemon keeps each module it parsed during one update in its AST cache and
    would reuse that (already analysed) tree for a second pass in the same update:
    the entry is dropped so that a second pass parses the file again.
    """
    tree.is_cache_skeleton = True
    manager = _build_manager(modules)
    if manager is not None:
        manager.ast_cache.pop(tree.fullname, None)


_managers: dict[tuple[int, str], BuildManager] = {}


def _build_manager(modules: dict[str, MypyFile]) -> BuildManager | None:
    """The BuildManager whose module table ``modules`` is (one heap scan per build)."""
    return _manager_holding(modules, "modules")


def _manager_of(options: Options) -> BuildManager | None:
    """The BuildManager whose global options are ``options`` (one heap scan per build)."""
    return _manager_holding(options, "options")


def _manager_holding(value: object, attribute: str) -> BuildManager | None:
    found = _managers.get((id(value), attribute))
    if found is not None and getattr(found, attribute) is value:
        return found
    for obj in gc.get_referrers(value):
        if isinstance(obj, BuildManager) and getattr(obj, attribute) is value:
            _managers[(id(value), attribute)] = obj
            return obj
    return None


def is_daemon(options: Options) -> bool:
    """Return True when mypy runs as a daemon in fine-grained mode."""
    return bool(options.fine_grained_incremental)


# Under dmypy our findings are filed under this module's top-level target (see
# compat_errors.Reporter). Its top level, unlike function bodies, is checked even though mypy
# silences installed packages (which it parses without function bodies).
ANCHOR_MODULE = "mypy_llmtracekit_anchor"
ANCHOR_TARGET: str = ANCHOR_MODULE
_anchor_found: dict[int, bool] = {}


def needs_anchor(file: MypyFile, options: Options) -> bool:
    """Under dmypy: whether ``file``, a project module, should depend on the anchor.

    Never for installed or typeshed modules (no cycle through ``builtins``), and
    only when mypy itself finds the anchor (see :func:`anchor_reachable`).
    """
    if not is_daemon(options) or file.fullname == ANCHOR_MODULE:
        return False
    manager = _manager_of(options)
    if manager is None or _installed(manager, file.path):
        return False
    return _anchor_found_by(manager)


def anchor_reachable(options: Options) -> bool:
    """Whether mypy finds the anchor as an installed typed package that it follows
    (``options``: the global options of the build, as given to the plugin).

    A wheel install; an editable install through an import hook is invisible to
    mypy's module finder. So an added dependency on it is never reported missing.
    """
    manager = _manager_of(options)
    return manager is not None and _anchor_found_by(manager)


def _anchor_found_by(manager: BuildManager) -> bool:
    found = _anchor_found.get(id(manager))
    if found is None:
        path = manager.find_module_cache.find_module(ANCHOR_MODULE)
        follow = manager.options.clone_for_module(ANCHOR_MODULE).follow_imports
        found = isinstance(path, str) and _installed(manager, path)
        found = found and follow in ("normal", "silent")
        _anchor_found[id(manager)] = found
    return found


def _installed(manager: BuildManager, path: str) -> bool:
    search = manager.search_paths
    return any(is_sub_path_normabs(path, d) for d in (*search.package_path, *search.typeshed_path))


def errors_of(chk: TypeChecker) -> Errors:
    """Return mypy's error list that ``chk`` reports into."""
    return chk.msg.errors

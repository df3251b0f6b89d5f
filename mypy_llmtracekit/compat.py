"""Every use of mypy internals lives here, and nowhere else.

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
* ``mypy.errors.ErrorInfo`` and ``Errors.add_error_info``/``error_info_map``/
  ``clear_errors_in_targets``/``error_info_map``: the daemon (``dmypy``) resets
  its error list at every module update, so findings carry a target of their own
  and are put back after each reset (a reset replaces ``error_info_map``).
* ``gc.get_referrers(options)``, ``BuildManager.find_module_cache.find_module``,
  ``.search_paths``, ``Options.clone_for_module`` and ``mypy.util.is_sub_path_normabs``:
  under the daemon, whether mypy finds and follows the anchor package that our
  findings are filed under (see :class:`Reporter`), and which modules are installed.
* ``Errors.generate_unused_ignore_errors``: under dmypy, unused ignores are
  computed again after our pass (the daemon computes them before it).
* ``MypyFile.is_cache_skeleton``: set under the daemon so that a change elsewhere
  re-checks a whole module (with the post-check hook) instead of single functions.
* ``MypyFile.defs``: whether a tree was parsed in this process or loaded from the
  cache (no statements).
* ``mypy.maptype.map_instance_to_supertype``, ``mypy.expandtype.expand_type_by_instance``,
  ``mypy.typevars.fill_typevars``/``fill_typevars_with_any``: declared member types
  of a generic receiver, for summaries computed from declarations alone.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from typing import NamedTuple

from mypy.build import BuildManager
from mypy.checker import TypeChecker
from mypy.checker_state import checker_state
from mypy.errorcodes import UNUSED_IGNORE, ErrorCode
from mypy.errors import ErrorInfo, Errors
from mypy.expandtype import expand_type_by_instance
from mypy.lookup import lookup_fully_qualified
from mypy.maptype import map_instance_to_supertype
from mypy.messages import format_type_inner
from mypy.nodes import (
    DECORATOR,
    FUNC_DEF,
    OVERLOADED_FUNC_DEF,
    Context,
    Decorator,
    Expression,
    FuncBase,
    MypyFile,
    SymbolNode,
    TypeInfo,
    Var,
)
from mypy.options import Options
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

# A fine-grained target name that no mypy node can have: the daemon never
# clears or re-triggers it on its own.
_TARGET_PREFIX = "<mypy_llmtracekit>:"


def current_checker() -> TypeChecker | None:
    """Return the type checker that is checking a module right now, if any."""
    chk = checker_state.type_checker
    if isinstance(chk, TypeChecker):
        return chk
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
        if declared is None:
            return node, None
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


def has_bodies(tree: MypyFile) -> bool:
    """True when ``tree`` was parsed in this process (a tree loaded from mypy's
    cache has symbol tables but no statements)."""
    return bool(tree.defs)


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
# Reporter). Its top level, unlike function bodies, is checked even though mypy
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


class Location(NamedTuple):
    """Where a finding points: 1-based line, 0-based column, inclusive span end."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, node: Context) -> Location:
        """Return the location of a mypy node, with a sane span when the end is missing."""
        line = node.line
        column = max(node.column, 0)
        end_line = node.end_line if node.end_line is not None else line
        end_column = node.end_column if node.end_column is not None else column + 1
        if end_line < line or (end_line == line and end_column <= column):
            end_line, end_column = line, column + 1
        return cls(line, column, end_line, end_column)


Finding = tuple[ErrorCode, str, Location]
# Findings of a module that depend on other modules' function bodies: under the
# daemon they are recomputed without re-checking their module, so they travel on
# a channel of their own that can be replaced alone.
CHAIN_CODES = frozenset({"ltk-blocking-io-indirect", "ltk-io-in-transaction"})
MODULE_CHANNEL = "module"
CHAIN_CHANNEL = "chains"


def channel_of(code: ErrorCode) -> str:
    """The channel a finding of ``code`` is reported on."""
    return CHAIN_CHANNEL if code.code in CHAIN_CODES else MODULE_CHANNEL


class Reporter:
    """Sends findings into mypy's error list; under the daemon, keeps them there.

    One instance per plugin instance (so per mypy process and build). The daemon
    empties its whole error list at the start of every module update and rebuilds
    it by re-checking the targets that had errors: :meth:`sync` puts the kept
    findings back after each reset and forgets the modules that left the build.
    Findings are filed under the top-level target of ``mypy_llmtracekit_anchor`` when
    that module is in the build (``anchored``): the daemon then re-checks it after
    every update, which calls the plugin even when nothing else is checked (an
    update that only removes modules). Otherwise under a target no node has
    (``<mypy_llmtracekit>:channel:module``), which the daemon leaves alone. Either
    way the plugin removes its own findings by identity, never by target.
    """

    def __init__(self, daemon: bool) -> None:
        self.daemon = daemon
        self.anchored = False
        # (module id, channel) -> (file path, findings accepted by mypy); dmypy only.
        self._kept: dict[tuple[str, str], tuple[str, list[ErrorInfo]]] = {}
        # The error map the kept findings were last put into (a reset replaces it).
        self._map: object = None

    def report(self, chk: TypeChecker, findings: Iterable[Finding]) -> None:
        """Report every finding for the module ``chk`` checks (both channels)."""
        errors: Errors = chk.msg.errors
        module = checker_module(chk)
        if errors.file != chk.path:
            errors.set_file(chk.path, module, chk.options, scope=None)
        by_channel: dict[str, list[Finding]] = {MODULE_CHANNEL: [], CHAIN_CHANNEL: []}
        for finding in findings:
            by_channel[channel_of(finding[0])].append(finding)
        for channel, group in by_channel.items():
            self._publish(errors, chk.path, module, channel, group, add=errors.add_error_info)

    def republish_chains(
        self,
        errors: Errors,
        path: str,
        module: str,
        findings: list[Finding],
        keep: Callable[[ErrorCode, int], bool],
        ignored: Mapping[int, list[str]],
    ) -> None:
        """Replace a module's chain findings without re-checking it (daemon).

        mypy's own filters need the module's checker, so ``keep`` applies ignore
        comments and disabled codes instead, and a finding on a line whose ignore
        comment names other codes gets mypy's "not covered" note here
        (``ignored``: the module's ignore comments, line -> codes).
        """
        kept = [f for f in findings if keep(f[0], f[2].line)]

        def add(info: ErrorInfo) -> None:
            _put_back(errors, path, [info, *_uncovered_note(info, ignored)])

        self._publish(errors, path, module, CHAIN_CHANNEL, kept, add=add)

    def _publish(
        self,
        errors: Errors,
        path: str,
        module: str,
        channel: str,
        findings: list[Finding],
        add: Callable[[ErrorInfo], None],
    ) -> None:
        if self.daemon:
            self.sync(errors, None)
            self._drop(errors, (module, channel))
        target = ANCHOR_TARGET if self.anchored else f"{_TARGET_PREFIX}{channel}:{module}"
        accepted: list[ErrorInfo] = []
        for code, message, loc in findings:
            info = ErrorInfo(
                import_ctx=errors.import_context(),
                local_ctx=(None, None),
                line=loc.line,
                column=loc.column,
                end_line=loc.end_line,
                end_column=loc.end_column,
                severity="error",
                message=message,
                code=code,
                blocker=False,
                only_once=False,
                module=module,
                target=target,
            )
            before = len(errors.error_info_map.get(path, ()))
            add(info)
            if not self.daemon:
                continue
            # The finding and the notes mypy attached to it (an ignore comment
            # naming other codes), unless an ErrorWatcher took them.
            added = errors.error_info_map.get(path, [])[before:]
            if any(info is seen for seen in added):
                accepted += added
        if self.daemon and accepted:
            self._kept[(module, channel)] = (path, accepted)

    def forget(self, errors: Errors, module: str) -> None:
        """Drop every finding of a module (under dmypy)."""
        for channel in (MODULE_CHANNEL, CHAIN_CHANNEL):
            self._drop(errors, (module, channel))

    def _drop(self, errors: Errors, key: tuple[str, str]) -> None:
        """Forget a module's findings of one channel and take them out of mypy's list."""
        kept = self._kept.pop(key, None)
        if kept is None or errors.error_info_map is not self._map:
            return
        path, infos = kept
        gone = {id(info) for info in infos}
        current = errors.error_info_map.get(path)
        if current is not None and gone:
            errors.error_info_map[path] = [info for info in current if id(info) not in gone]

    def sync(self, errors: Errors | None, live: Container[str] | None) -> None:
        """Under dmypy: if the daemon reset its error list since the kept findings were
        added, forget the modules no longer in ``live`` (when given) and put the
        findings of the others back.

        mypy's daemon removes a module from the build only right after a reset
        (``update_module`` -> ``delete_module``, with no hook between), so checking
        ``live`` once per reset, at the first call after it, sees every removal;
        this runs at every call hook, where a scan of all kept modules is too dear.
        """
        if errors is None or not self.daemon or errors.error_info_map is self._map:
            return
        if live is not None:
            for key in [key for key in self._kept if key[0] not in live]:
                self._kept.pop(key)
        self._map = errors.error_info_map
        for path, infos in self._kept.values():
            _put_back(errors, path, infos)


def _put_back(errors: Errors, path: str, infos: list[ErrorInfo]) -> None:
    """Append findings already accepted once straight to the file's error list.

    Not through ``Errors._add_error_info``: this may run inside a hook called
    while mypy collects errors in an ``ErrorWatcher`` (overload checks), which
    would capture them and re-report them under the file being checked.
    """
    errors.error_info_map.setdefault(path, []).extend(infos)


def _uncovered_note(info: ErrorInfo, ignored: Mapping[int, list[str]]) -> list[ErrorInfo]:
    """mypy's note for an error on a line whose ignore comment names other codes.

    ``Errors.add_error_info`` adds it to every error it accepts; findings put back
    without it need it too (same text, same place)."""
    codes = ignored.get(info.line)
    if not codes or info.code is None:
        return []
    comment = f"type: ignore[{', '.join(codes)}]"
    message = f'Error code "{info.code.code}" not covered by "{comment}" comment'
    note = ErrorInfo(
        import_ctx=info.import_ctx,
        local_ctx=info.local_ctx,
        line=info.line,
        column=info.column,
        end_line=info.end_line,
        end_column=info.end_column,
        severity="note",
        message=message,
        code=None,
        blocker=False,
        only_once=False,
        module=info.module,
        target=info.target,
    )
    return [note]


def recount_unused_ignores(errors: Errors, path: str) -> None:
    """Under dmypy: redo the "unused type: ignore" errors of a file after our pass.

    When the daemon re-checks a changed module it reports unused ignores *before*
    the post-check hook, so an ignore that silences one of our findings looks
    unused. If mypy reported any for this file, they are removed and computed
    again now that our findings have marked the ignores they use.
    """
    infos = errors.error_info_map.get(path, [])
    if not any(info.code == UNUSED_IGNORE for info in infos):
        return
    errors.error_info_map[path] = [info for info in infos if info.code != UNUSED_IGNORE]
    errors.generate_unused_ignore_errors(path)


def errors_of(chk: TypeChecker) -> Errors:
    """Return mypy's error list that ``chk`` reports into."""
    return chk.msg.errors

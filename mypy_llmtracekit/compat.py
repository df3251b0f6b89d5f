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
* ``mypy.errors.ErrorInfo`` and ``Errors.add_error_info``/``_add_error_info``/
  ``clear_errors_in_targets``: the daemon (``dmypy``) re-checks single
  functions and never re-runs the post-check hook, so findings carry a target of
  their own and are replayed after each of the daemon's error resets.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from mypy.checker import TypeChecker
from mypy.checker_state import checker_state
from mypy.errorcodes import ErrorCode
from mypy.errors import ErrorInfo, Errors
from mypy.messages import format_type_inner
from mypy.nodes import Context, Expression, MypyFile
from mypy.options import Options
from mypy.types import (
    CallableType,
    Instance,
    TupleType,
    Type,
    TypeType,
    UnionType,
    get_proper_type,
)

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
    """Return True if ``code`` is enabled under ``options``."""
    if code in options.disabled_error_codes:
        return False
    if code in options.enabled_error_codes:
        return True
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
    p = get_proper_type(typ)
    children: list[Type] = []
    if isinstance(p, Instance):
        yield p.type.fullname
        children = list(p.args)
    elif isinstance(p, (UnionType, TupleType)):
        children = list(p.items)
    elif isinstance(p, CallableType):
        children = [*p.arg_types, p.ret_type]
    elif isinstance(p, TypeType):
        children = [p.item]
    for child in children:
        yield from _class_names(child)


def is_daemon(options: Options) -> bool:
    """Return True when mypy runs as a daemon in fine-grained mode."""
    return bool(options.fine_grained_incremental)


@dataclass(frozen=True)
class Location:
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
# Findings whose inputs can change without mypy re-checking their module (the
# daemon): they are reported under a target of their own, so they can be replaced.
REPUBLISHED_CODES = frozenset({"ltk-blocking-io-indirect"})


def _channel(code: ErrorCode) -> str:
    return "republished" if code.code in REPUBLISHED_CODES else "module"


@dataclass
class Reporter:
    """Sends findings into mypy's error list, and replays them under the daemon.

    One instance per plugin instance (so per mypy process and build).
    """

    daemon: bool
    # (module id, channel) -> (file path, findings accepted by mypy); dmypy only.
    _kept: dict[tuple[str, str], tuple[str, list[ErrorInfo]]] = field(default_factory=dict)

    def report(self, chk: TypeChecker, findings: Iterable[Finding]) -> None:
        """Report every finding for the module ``chk`` checks."""
        errors: Errors = chk.msg.errors
        module = checker_module(chk)
        if errors.file != chk.path:
            errors.set_file(chk.path, module, chk.options, scope=None)
        by_channel: dict[str, list[Finding]] = {"module": [], "republished": []}
        for finding in findings:
            by_channel[_channel(finding[0])].append(finding)
        for channel, group in by_channel.items():
            self._publish(errors, chk.path, module, channel, group, add=errors.add_error_info)

    def republish(
        self,
        errors: Errors,
        path: str,
        module: str,
        findings: list[Finding],
        keep: Callable[[ErrorCode, int], bool],
    ) -> None:
        """Replace a module's republished findings without re-checking it (daemon).

        mypy's own filters need the module's state, so ``keep`` applies ignore
        comments and disabled codes instead.
        """
        kept = [f for f in findings if keep(f[0], f[2].line)]
        self._publish(
            errors,
            path,
            module,
            "republished",
            kept,
            add=lambda info: errors._add_error_info(path, info),
        )

    def _publish(
        self,
        errors: Errors,
        path: str,
        module: str,
        channel: str,
        findings: list[Finding],
        add: Callable[[ErrorInfo], None],
    ) -> None:
        target = f"{_TARGET_PREFIX}{channel}:{module}"
        errors.clear_errors_in_targets(path, {target})
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
            add(info)
            if self.daemon and info in errors.error_info_map.get(path, ()):
                accepted.append(info)
        if self.daemon:
            self._kept[(module, channel)] = (path, accepted)

    def forget(self, errors: Errors, path: str, module: str) -> None:
        """Drop the findings of a module that now has none (under dmypy)."""
        for channel in ("module", "republished"):
            if self._kept.pop((module, channel), None) is not None:
                errors.clear_errors_in_targets(path, {f"{_TARGET_PREFIX}{channel}:{module}"})

    def replay(self, errors: Errors | None) -> None:
        """Put kept findings back after the daemon reset its error list."""
        if errors is None or not self._kept:
            return
        for path, infos in self._kept.values():
            present = errors.error_info_map.get(path, [])
            for info in infos:
                if info not in present:
                    errors._add_error_info(path, info)


def errors_of(chk: TypeChecker) -> Errors:
    """Return mypy's error list that ``chk`` reports into."""
    return chk.msg.errors

"""mypy's error list: how findings enter it, and stay in it under the daemon.

Part of the compatibility layer (``compat.py`` holds the rest): every use of
mypy internals lives in these two modules, covered by ``tests/test_compat.py``.
The internals used here, and why:

* ``mypy.errors.ErrorInfo`` and ``Errors.set_file``/``import_context``/
  ``add_error_info``/``error_info_map``: findings are reported as mypy's own
  errors. The daemon (``dmypy``) resets its error list at every module update,
  so findings carry a target of their own and are put back after each reset (a
  reset replaces ``error_info_map``).
* ``Errors.generate_unused_ignore_errors``: under dmypy, unused ignores are
  computed again after our pass (the daemon computes them before it).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping

from mypy.checker import TypeChecker
from mypy.errorcodes import UNUSED_IGNORE, ErrorCode
from mypy.errors import ErrorInfo, Errors
from mypy.nodes import Context

from mypy_llmtracekit.compat import ANCHOR_TARGET, checker_module

# A fine-grained target name that no mypy node can have: the daemon never
# clears or re-triggers it on its own.
_TARGET_PREFIX = "<mypy_llmtracekit>:"


class Location:
    """Where a finding points: 1-based line, 0-based column, inclusive span end.

    A value (equal and hashed by its four numbers; ``blocking_io`` keys a dict by
    it), as a plain class (ARCHITECTURE.md: records): it is defined at every plugin
    load, warm runs included.
    """

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

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

    def _key(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Location{self._key()}"


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
        # The error map the kept findings were last put into (a reset replaces it),
        # and the error list that holds it.
        self._map: object = None
        self._errors: Errors | None = None

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
        if errors is None or not self.daemon:
            return
        self._errors = errors
        if errors.error_info_map is self._map:
            return
        if live is not None:
            for key in [key for key in self._kept if key[0] not in live]:
                self._kept.pop(key)
        self._map = errors.error_info_map
        for path, infos in self._kept.values():
            _put_back(errors, path, infos)

    def in_sync(self) -> bool:
        """Under dmypy: whether the error list last synced still holds the kept
        findings (no reset since), so that :meth:`sync` would do nothing for it.

        The call hooks ask this at every call, instead of syncing (two more frames):
        every checker of a build reports into the one error list."""
        return self._errors is not None and self._errors.error_info_map is self._map


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

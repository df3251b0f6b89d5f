"""A test-only mypy plugin that exercises every function of the compatibility layer
(mypy_llmtracekit.compat and .compat_errors).

It records what each function returned for the module ``target`` into
``compat.json`` in the working directory; tests/test_compat.py reads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mypy.checker import TypeChecker
from mypy.nodes import AssignmentStmt, MypyFile, NameExpr
from mypy.options import Options
from mypy.plugin import FunctionContext, Plugin
from mypy.types import Type

from mypy_llmtracekit import compat, compat_errors
from mypy_llmtracekit.rule import error_code

PROBE = error_code("ltk-probe", "test probe")


class CompatProbe(Plugin):
    """Records compat results; not part of the package."""

    seen: dict[str, Any] = {}
    inside: TypeChecker | None = None
    watched: list[str] = []

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        # Bound on the instance, as the plugin binds it: mypy must find it there.
        self._watch = compat.CheckerWatch(self._changed, None)
        self.get_method_hook = self._watch.hook  # type: ignore[method-assign]

    def _changed(self) -> None:
        chk = compat.current_checker()
        if chk is not None:
            self._watch.last = chk
            CompatProbe.watched.append(compat.checker_module(chk))

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        chk = compat.current_checker()
        if chk is not None and compat.checker_module(chk) == "target":
            CompatProbe.inside = chk
        return None

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        if file.fullname == "quiet":
            found = compat.find_checker(file)
            self.seen["quiet_silenced"] = found is not None and compat.is_silenced(found)
        if file.fullname != "target":
            return set()
        chk = compat.find_checker(file)
        assert chk is not None
        value = next(
            s.rvalue
            for s in file.defs
            if isinstance(s, AssignmentStmt)
            and isinstance(s.lvalues[0], NameExpr)
            and s.lvalues[0].name == "mapping"
        )
        typ = compat.expression_type(chk, value)
        errors = compat.errors_of(chk)
        self.seen.update(
            current_outside_checking=compat.current_checker() is None,
            observed_during_checking=CompatProbe.inside is chk,
            watch_noted=CompatProbe.watched.count("target"),
            found_module=compat.checker_module(chk),
            silenced=compat.is_silenced(chk),
            silenced_path=compat.is_silenced_path(errors, file.path),
            options_module=compat.module_options(chk).disallow_untyped_defs,
            type_of_value=None if typ is None else compat.format_type(typ, chk.options, "target"),
            probe_enabled=compat.is_code_enabled(chk, PROBE),
            misc_enabled=compat.is_code_enabled(
                chk, error_code("ltk-probe-off", "x", default_enabled=False)
            ),
            daemon=compat.is_daemon(chk.options),
            anchor_reachable=compat.anchor_reachable(self.options),
            needs_anchor=compat.needs_anchor(file, self.options),
            location=_spans(compat_errors.Location.of(value)),
        )
        compat_errors.Reporter(daemon=False).report(
            chk, [(PROBE, "probe finding", compat_errors.Location.of(value))]
        )
        Path("compat.json").write_text(json.dumps(self.seen, sort_keys=True))
        return set()


def plugin(version: str) -> type[Plugin]:
    return CompatProbe


def _spans(loc: compat_errors.Location) -> list[int]:
    return [loc.line, loc.column, loc.end_line, loc.end_column]

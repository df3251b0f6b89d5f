"""The benchmark's pure helpers: where the edit goes, cachegrind's summary, the tables.

Nothing here times anything or runs mypy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import editor  # noqa: E402
import instr  # noqa: E402
import plugin_profile  # noqa: E402
from table import Row, Size, linearity_table, markdown, ratio, results_table  # noqa: E402

SOURCE = '''"""Module."""


def untyped(x):
    return x


async def typed(x: int) -> int:
    """Doc."""
    y = x + 1
    return y
'''


def test_edit_goes_before_the_first_statement_of_the_first_annotated_function() -> None:
    assert editor.edit_point(SOURCE) == (9, 4)
    edited = editor.with_edit(SOURCE, 7).splitlines()
    assert edited[8:11] == ['    """Doc."""', "    _bench_edit = 7", "    y = x + 1"]


def test_edit_falls_back_to_an_unannotated_function() -> None:
    assert editor.edit_point("def f(x):\n    return x\n") == (1, 4)


def test_edit_needs_a_statement_on_its_own_line() -> None:
    with pytest.raises(ValueError):
        editor.edit_point("def f(): return 1\n")


def test_cachegrind_summary() -> None:
    text = "desc: I1 cache: ...\ncmd: python -m mypy\nevents: Ir\nsummary: 12409455319\n"
    assert instr.parse_summary(text) == 12409455319
    with pytest.raises(ValueError):
        instr.parse_summary("events: Ir\n")


def test_ratio_is_none_when_a_side_is_missing() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0.0) is None


def test_results_table_with_and_without_instructions() -> None:
    counted = Row("small (10 lines)", "cold", {"plain": 2e9, "plugin": 2.2e9})
    counted.seconds = {"plain": [1.0, 3.0, 2.0], "plugin": [2.2]}
    counted.cpu_seconds = {"plain": [1.0], "plugin": [1.1]}
    counted.peak_mb = {"plain": [100.0], "plugin": [103.0]}
    timed = Row("small", "warm", seconds={"plain": [0.5], "plugin": [0.6]})
    lines = results_table([counted, timed]).splitlines()
    assert lines[2] == (
        "| small (10 lines) | cold | 2.000 | 2.200 | 1.100 | 2.00 | 2.20 | 1.100 | 1.100 "
        "| 100 | 103 | 1.030 |"
    )
    assert lines[3] == "| small | warm | – | – | – | 0.50 | 0.60 | 1.200 | – | – | – | – |"


def test_linearity_uses_cold_rows_with_both_counts() -> None:
    rows = [
        Row("small (10 lines)", "cold", {"plain": 1e9, "plugin": 1.1e9}),
        Row("full (20 lines)", "cold", {"plain": 2e9}),
    ]
    sizes = [Size("small", 1000, 10000), Size("full", 2000, 20000)]
    lines = linearity_table(sizes, rows).splitlines()
    assert lines[2:] == ["| small | 1,000 | 10,000 | 1.000 | 0.100 | 100,000 | 10,000 |"]


def test_markdown() -> None:
    assert markdown(("a", "b"), [["1", "2"]]) == "| a | b |\n|---|---|\n| 1 | 2 |"


def test_profile_counts_entries_into_the_plugin_once() -> None:
    init = ("/x/mypy_llmtracekit/__init__.py", 1, "<module>")
    rule = ("/x/mypy_llmtracekit/rules/a.py", 1, "<module>")
    hook = ("/x/mypy_llmtracekit/hooks.py", 10, "post_check")
    helper = ("/x/mypy_llmtracekit/walker.py", 5, "_visit")
    builtin = ("~", 0, "<built-in method builtins.isinstance>")
    importer = ("<frozen importlib._bootstrap>", 1, "_call_with_frames_removed")
    mypy = ("~", 0, "<method 'x' of 'mypy' objects>")
    stats = {
        init: (1, 1, 0.1, 0.5, {importer: (1, 1, 0.1, 0.5)}),
        rule: (1, 1, 0.2, 0.2, {importer: (1, 1, 0.2, 0.2)}),
        hook: (3, 3, 0.3, 2.0, {mypy: (3, 3, 0.3, 2.0)}),
        helper: (9, 9, 1.0, 1.5, {hook: (9, 9, 1.0, 1.5)}),
        builtin: (50, 50, 0.4, 0.4, {helper: (30, 30, 0.25, 0.25), mypy: (20, 20, 0.15, 0.15)}),
    }
    assert plugin_profile.plugin_total(stats) == pytest.approx(2.5)
    own = plugin_profile.self_times(stats)
    assert own[builtin] == (30, 0.25)
    assert own[helper] == (9, 1.0)
    assert plugin_profile.name(helper) == "walker._visit:5"
    assert plugin_profile.name(builtin) == "<built-in method builtins.isinstance>"

"""Every mode prints what a cold sequential run prints (see tests/differential.py).

A seeded random sequence of edits runs here, bounded in steps (set
``LTK_DIFFERENTIAL_STEPS`` to run longer; ``python tests/differential.py`` runs the
long sequence on demand). The scripted sequences below replay, one by one, the
failures users reported against the previous design.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from differential import Harness, State, random_states, run_sequence

SEED = 2026


def _steps() -> int:
    return int(os.environ.get("LTK_DIFFERENTIAL_STEPS", "10"))


def test_random_edits_agree_in_every_mode(tmp_path: Path) -> None:
    problems = run_sequence(tmp_path, random_states(_steps(), SEED), SEED)
    assert problems == []


def test_helper_renamed_with_its_callers_in_one_save(tmp_path: Path) -> None:
    start = State()
    states = [start, replace(start, helper="two_steps"), replace(start, helper="two_hops")]
    assert run_sequence(tmp_path, states, seed=1, load_cpus=False) == []


def test_body_edits_across_modules_and_inside_a_cycle(tmp_path: Path) -> None:
    start = State()
    states = [
        start,
        replace(start, db_blocks=False),
        replace(start, db_blocks=False, cycle_blocks=True),
        replace(start, db_blocks=True, cycle_blocks=False),
    ]
    assert run_sequence(tmp_path, states, seed=2, load_cpus=False) == []


def test_interface_edits_reach_the_findings_of_other_modules(tmp_path: Path) -> None:
    start = State()
    states = [
        start,
        replace(start, db_returns="list[str]"),  # config.ROWS's inferred type changes
        replace(start, db_returns="list[str]", conn_class="fakes.FakeConn"),
        replace(start, conn_class="sqlite3.Connection"),
    ]
    assert run_sequence(tmp_path, states, seed=3, load_cpus=False) == []


def test_modules_added_and_deleted(tmp_path: Path) -> None:
    start = State()
    states = [start, replace(start, extra_module=True), start, replace(start, extra_module=True)]
    assert run_sequence(tmp_path, states, seed=4, load_cpus=False) == []


def test_settings_ignore_comments_and_global_codes(tmp_path: Path) -> None:
    start = State()
    states = [
        start,
        replace(start, extra_setting=True),
        replace(start, extra_setting=True, ignore_site="ltk-blocking-io-indirect"),
        replace(start, ignore_site="misc", enable_opt_in=True),
        start,
    ]
    assert run_sequence(tmp_path, states, seed=5, load_cpus=False) == []


def test_notes_mypy_adds_to_kept_findings_stay(tmp_path: Path) -> None:
    """An ignore comment naming another code: mypy notes "not covered" under the finding.

    Under the daemon the note must come back with the finding after updates that
    do not re-check its module (app/fakes.py), and with chain findings recomputed
    without a re-check (app/service.py, after a body edit of app/db.py)."""
    start = State(ignore_site="misc")
    states = [
        start,
        replace(start, touch=1),
        replace(start, touch=1, db_blocks=False),
        replace(start, touch=1, db_blocks=True),
    ]
    assert run_sequence(tmp_path, states, seed=6, load_cpus=False) == []


def test_editor_switching_files(tmp_path: Path) -> None:
    """``dmypy run -- a.py``, then ``-- b.py``, then back: as a cold ``mypy FILE``."""
    harness = Harness(tmp_path, load_cpus=False)
    # ltk-optional-union on: app/db.py then has a finding of its own.
    harness.write(State(enable_opt_in=True))
    try:
        for file in [
            "app/service.py", "app/db.py", "app/cycle_a.py", "app/service.py", "app/config.py",
        ]:
            expected = harness.mypy(harness.fresh("cold"), file)
            seen = harness.dmypy("daemon-file.json", harness.kept("daemon-file"), file)
            assert seen == expected, file
    finally:
        harness.stop_daemons()


def test_examples_agree_under_parallel_workers(tmp_path: Path) -> None:
    """The bundled example: ``mypy -n 2``, three cold runs, prints what a sequential run prints.

    (The CPUs are not loaded here: the suite runs beside other tests, and mypy
    gives a worker only 3 seconds to start; the random sequence loads them.)
    """
    examples = Path(__file__).parent.parent / "examples"
    harness = Harness(examples, load_cpus=False)
    expected = harness.mypy(str(tmp_path / "sequential"), "service", "clean")
    assert len(expected) > 20
    for attempt in range(3):
        cache = str(tmp_path / f"parallel-{attempt}")
        assert harness.mypy(cache, "-n", "2", "service", "clean") == expected

"""The umbrella code ``ltk`` gives the same diagnostics in every mode of a mypy run.

A legacy package turned off with ``disable_error_code = ltk`` (one code switched
back on), and a ``# type: ignore[ltk]`` line, on a cold cache, a warm cache,
with ``-n 2`` workers and under ``dmypy``.
"""

from __future__ import annotations

import textwrap

from conftest import PLUGIN_INI, Project, Result

from mypy_llmtracekit.registry import RULES
from mypy_llmtracekit.rule import INTERNAL, UMBRELLA

FILES = {
    "mypy.ini": PLUGIN_INI
    + "[mypy-legacy.*]\ndisable_error_code = ltk\nenable_error_code = ltk-blocking-io\n",
    "legacy/__init__.py": "",
    "legacy/jobs.py": """
        import sqlite3
        import time
        from typing import Callable

        def query() -> None:
            sqlite3.connect(":memory:").execute("SELECT 1")

        async def job(cb: Callable[..., None]) -> None:
            query()
            time.sleep(1)
    """,
    "app/__init__.py": "",
    "app/api.py": """
        import time
        from legacy.jobs import query

        async def handler() -> None:
            query()  # type: ignore[ltk]
            time.sleep(1)  # type: ignore[ltk]
            time.sleep(2)
    """,
}

EXPECTED = [
    'app/api.py:7: error: Blocking call "time.sleep" in async function "handler" stalls the '
    "event loop; use await asyncio.sleep(...)  [ltk-blocking-io]",
    'legacy/jobs.py:10: error: Blocking call "time.sleep" in async function "job" stalls the '
    "event loop; use await asyncio.sleep(...)  [ltk-blocking-io]",
]


def _sorted(result: Result) -> list[str]:
    return sorted(line for line in result.lines if ": error: " in line or ": note: " in line)


def test_umbrella_in_every_mode(project: Project) -> None:
    project.write(FILES)
    assert _sorted(project.mypy("app", "legacy")) == EXPECTED
    assert _sorted(project.mypy("app", "legacy")) == EXPECTED
    project.wipe_cache()
    assert _sorted(project.mypy("-n", "2", "app", "legacy")) == EXPECTED
    assert _sorted(project.run("mypy.dmypy", "run", "--", "app", "legacy")) == EXPECTED
    assert _sorted(project.run("mypy.dmypy", "run", "--", "app", "legacy")) == EXPECTED


def test_umbrella_ignore_under_daemon_after_helper_edit(project: Project) -> None:
    project.write(FILES)
    assert _sorted(project.run("mypy.dmypy", "run", "--", "app", "legacy")) == EXPECTED
    jobs = textwrap.dedent(FILES["legacy/jobs.py"]).lstrip("\n")
    project.write(
        {"legacy/jobs.py": jobs.replace("-> None:\n", "-> None:\n    time.sleep(3)\n", 1)}
    )
    edited = _sorted(project.run("mypy.dmypy", "run", "--", "app", "legacy"))
    assert edited == [EXPECTED[0], EXPECTED[1].replace("jobs.py:10:", "jobs.py:11:")]


def test_every_code_is_a_sub_code_of_ltk() -> None:
    codes = [rule.code for rule in RULES] + [INTERNAL]
    assert all(code.sub_code_of is UMBRELLA for code in codes)
    assert UMBRELLA.code == "ltk"
    assert UMBRELLA.sub_code_of is None

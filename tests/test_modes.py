"""Every mode of a mypy run reports the same diagnostics.

Cold cache, warm cache, parallel workers (-n 2) and the daemon (dmypy run),
on a small multi-module project that triggers every headline rule, including a
module that contains no call at all (the plugin must still find its checker).
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import PLUGIN_INI, Project, Result

FILES = {
    "mypy.ini": PLUGIN_INI,
    "svc/__init__.py": "",
    "svc/constants.py": """
        DEFAULT_TIMEOUT = 30
        PLACEHOLDER = None
        ALIAS = PLACEHOLDER
    """,
    "svc/db.py": """
        import sqlite3
        from typing import Any, Callable

        Handler = Callable[..., Any]

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(":memory:")

        conn = connect()
    """,
    "svc/handlers.py": """
        import asyncio
        import time
        from svc import constants
        from svc.db import Handler, connect

        timeout = constants.DEFAULT_TIMEOUT

        class Service:
            def __init__(self) -> None:
                self._conn = connect()

            async def handle(self, callback: Handler) -> None:
                self._conn.execute("SELECT 1")
                time.sleep(0.1)
                await asyncio.to_thread(time.sleep, 0.1)
    """,
}

EXPECTED = sorted(
    [
        'svc/constants.py:2: error: Module-level variable "PLACEHOLDER" has no annotation and its '
        'type is not obvious (inferred "None"); annotate it: PLACEHOLDER: None = ...  '
        "[ltk-untyped-module-var]",
        'svc/constants.py:3: error: Module-level variable "ALIAS" has no annotation and its type is '
        'not obvious (inferred "None"); annotate it: ALIAS: None = ...  [ltk-untyped-module-var]',
        'svc/db.py:4: error: Type alias "Handler" is a callable with "..." parameters; define it '
        'with a ParamSpec: Handler = Callable[P, R] with P = ParamSpec("P")  [ltk-callable-ellipsis]',
        'svc/db.py:9: error: Module-level variable "conn" has no annotation and its type is not '
        'obvious (inferred "sqlite3.Connection"); annotate it: conn: sqlite3.Connection = ...  '
        "[ltk-untyped-module-var]",
        'svc/handlers.py:6: error: Module-level variable "timeout" has no annotation and its type '
        'is not obvious (inferred "int"); annotate it: timeout: int = ...  [ltk-untyped-module-var]',
        'svc/handlers.py:10: error: Attribute "_conn" of class "Service" has no annotation and its '
        'type is not obvious (inferred "Connection"); annotate it: self._conn: Connection = ... '
        "(add: from sqlite3 import Connection)  [ltk-untyped-attribute]",
        'svc/handlers.py:13: error: Blocking call "sqlite3.Connection.execute" in async function '
        '"handle" stalls the event loop; use aiosqlite, or await asyncio.to_thread(...)  '
        "[ltk-blocking-io]",
        'svc/handlers.py:14: error: Blocking call "time.sleep" in async function "handle" stalls '
        "the event loop; use await asyncio.sleep(...)  [ltk-blocking-io]",
    ]
)


def _sorted(result: Result) -> list[str]:
    return sorted(line for line in result.lines if ": error: " in line or ": note: " in line)


@pytest.fixture
def svc(project: Project) -> Project:
    project.write(FILES)
    return project


def test_cold_and_warm_cache_agree(svc: Project) -> None:
    cold = svc.mypy("svc")
    assert _sorted(cold) == EXPECTED
    warm = svc.mypy("svc")
    assert warm.lines == cold.lines
    assert warm.status == cold.status == 1


def test_warm_run_after_editing_one_module(svc: Project) -> None:
    svc.mypy("svc")
    # Only constants.py is stale now: a module without any call, so the plugin
    # must find its checker without having been asked about a call.
    constants = textwrap.dedent(FILES["svc/constants.py"]).lstrip("\n")
    svc.write({"svc/constants.py": constants + "\nEXTRA = ALIAS\n"})
    warm = svc.mypy("svc")
    extra = (
        'svc/constants.py:5: error: Module-level variable "EXTRA" has no annotation and its '
        'type is not obvious (inferred "None"); annotate it: EXTRA: None = ...  '
        "[ltk-untyped-module-var]"
    )
    assert _sorted(warm) == sorted([*EXPECTED, extra])
    svc.wipe_cache()
    assert _sorted(svc.mypy("svc")) == sorted([*EXPECTED, extra])


def test_parallel_workers_agree(svc: Project) -> None:
    parallel = svc.mypy("-n", "2", "svc")
    assert _sorted(parallel) == EXPECTED
    assert _sorted(svc.mypy("-n", "2", "svc")) == EXPECTED


def test_daemon_agrees_and_follows_edits(svc: Project) -> None:
    first = svc.run("mypy.dmypy", "run", "--", "svc")
    assert _sorted(first) == EXPECTED
    again = svc.run("mypy.dmypy", "run", "--", "svc")
    assert _sorted(again) == EXPECTED
    # Fix one finding in handlers.py; the findings of other files must survive
    # the daemon's error reset.
    svc.write(
        {"svc/handlers.py": FILES["svc/handlers.py"].replace("time.sleep(0.1)\n", "pass\n", 1)}
    )
    edited = svc.run("mypy.dmypy", "run", "--", "svc")
    assert _sorted(edited) == [line for line in EXPECTED if '"time.sleep"' not in line]
    # Edit a module without calls; its own findings follow the edit.
    svc.write({"svc/constants.py": "DEFAULT_TIMEOUT = 30\nPLACEHOLDER: None = None\nALIAS = 1\n"})
    fixed = svc.run("mypy.dmypy", "run", "--", "svc")
    assert _sorted(fixed) == [
        line for line in EXPECTED if '"time.sleep"' not in line and "svc/constants.py" not in line
    ]


def test_config_change_invalidates_the_cache(svc: Project) -> None:
    assert _sorted(svc.mypy("svc")) == EXPECTED
    svc.write({"mypy.ini": PLUGIN_INI + "[mypy_llmtracekit]\nblocking_io_exempt = time.sleep\n"})
    warm = svc.mypy("svc")
    assert _sorted(warm) == [line for line in EXPECTED if '"time.sleep"' not in line]
    svc.write({"mypy.ini": PLUGIN_INI})
    assert _sorted(svc.mypy("svc")) == EXPECTED


def test_disable_error_code_everywhere(svc: Project) -> None:
    result = svc.mypy("--disable-error-code", "ltk-untyped-module-var", "svc")
    assert _sorted(result) == [line for line in EXPECTED if "ltk-untyped-module-var" not in line]
    svc.write(
        {"mypy.ini": PLUGIN_INI + "[mypy-svc.db]\ndisable_error_code = ltk-callable-ellipsis\n"}
    )
    per_module = svc.mypy("svc")
    assert _sorted(per_module) == [line for line in EXPECTED if "svc/db.py:4:" not in line]

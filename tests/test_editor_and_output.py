"""Where editors and tools meet the plugin: dmypy flows, single-file runs, JSON, columns."""

from __future__ import annotations

import json

import pytest
from conftest import PLUGIN_INI, Project

FILES = {
    "mypy.ini": PLUGIN_INI,
    "app/__init__.py": "",
    "app/db.py": """
        import sqlite3

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(":memory:")
    """,
    "app/api.py": """
        import time
        from typing import Any, Callable
        from app.db import connect

        conn = connect()

        async def handler(x):
            conn.execute("SELECT 1")
            time.sleep(1)
            return x

        def register(cb: list[Callable[..., Any]]) -> None:
            pass

        class Utils:
            X = 1
    """,
}


def _for(path: str, lines: list[str]) -> list[str]:
    return sorted(line for line in lines if line.startswith(path + ":"))


@pytest.fixture
def app(project: Project) -> Project:
    project.write(FILES)
    return project


def test_daemon_editor_flows_match_a_full_run(app: Project) -> None:
    full = _for("app/api.py", app.mypy("app").lines)
    assert len(full) == 7
    assert _for("app/api.py", app.run("mypy.dmypy", "run", "--", "app").lines) == full
    assert _for("app/api.py", app.run("mypy.dmypy", "check", "app/api.py").lines) == full
    app.run("mypy.dmypy", "stop")
    # Editors that send edits file by file run the daemon with explicit sources
    # (dmypy's --update needs follow_imports other than normal/silent).
    app.run("mypy.dmypy", "start", "--", "--follow-imports=skip")
    assert _for("app/api.py", app.run("mypy.dmypy", "check", "app").lines) == full
    app.write({"app/api.py": FILES["app/api.py"].replace("time.sleep(1)", "pass")})
    recheck = _for("app/api.py", app.run("mypy.dmypy", "recheck", "--update", "app/api.py").lines)
    app.run("mypy.dmypy", "stop")
    app.wipe_cache()
    edited_full = _for("app/api.py", app.mypy("app").lines)
    assert recheck == edited_full == [line for line in full if "time.sleep" not in line]


def test_single_file_run_matches_a_full_run(app: Project) -> None:
    full = _for("app/api.py", app.mypy("app").lines)
    app.wipe_cache()
    single = app.mypy("--follow-imports=silent", "app/api.py").lines
    assert sorted(single) == full


def test_json_output_carries_codes_and_spans(app: Project) -> None:
    result = app.mypy("-O", "json", "app/api.py")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    spans = {
        r["code"]: (r["line"], r["column"], r["end_line"], r["end_column"])
        for r in records
        if r["code"].startswith("ltk-")
    }
    assert spans == {
        "ltk-untyped-module-var": (5, 0, 5, 4),  # conn
        "ltk-missing-return-annotation": (7, 0, 7, 17),  # async def handler
        "ltk-missing-param-annotation": (7, 18, 7, 19),  # x
        "ltk-blocking-io": (9, 4, 9, 17),  # time.sleep(1), the last of the two
        "ltk-callable-ellipsis": (12, 22, 12, 40),  # Callable[..., Any]
        "ltk-namespace-class": (15, 0, 15, 11),  # class Utils
    }
    assert {r["code"] for r in records} >= {"ltk-blocking-io"}


def test_columns_and_error_ends_point_at_the_expression(app: Project) -> None:
    result = app.mypy("--show-column-numbers", "--show-error-end", "app/api.py")
    blocking = [line for line in result.lines if "ltk-blocking-io" in line]
    assert [line.split(": error:")[0] for line in blocking] == [
        "app/api.py:8:5:8:28",  # conn.execute("SELECT 1")
        "app/api.py:9:5:9:17",  # time.sleep(1)
    ]

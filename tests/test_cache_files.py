"""The plugin's files beside mypy's cache are checked, never trusted, never fatal.

Each module's summary file is validated against the digest mypy stored with the
module's cache (from the file's header and size): a truncated, wrong-shaped,
foreign or deleted file makes that module stale, mypy re-checks it, and the
findings are those of a cold run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PLUGIN_INI, Project

from mypy_llmtracekit.summary_store import FORMAT, file_content

FILES = {
    "mypy.ini": PLUGIN_INI,
    "svc/__init__.py": "",
    "svc/db.py": """
        import sqlite3

        def query(conn: sqlite3.Connection) -> list[object]:
            return conn.execute("SELECT 1").fetchall()
    """,
    "svc/api.py": """
        import sqlite3
        from svc.db import query

        async def list_items(conn: sqlite3.Connection) -> None:
            query(conn)
    """,
}
FINDING = (
    'svc/api.py:5: error: Async function "list_items" calls "query", which blocks: '
    "list_items -> query -> sqlite3.Connection.execute; make the helper async, "
    "or await asyncio.to_thread(query, ...)  [ltk-blocking-io-indirect]"
)


def _headed(body: str) -> str:
    """A file of ``body`` with the header a summary file has (its digest and length)."""
    return file_content(body.encode())[0].decode()


def _body(text: str) -> str:
    return text.partition("\n")[2]


# Each takes a summary file's text and damages it. Those that keep a consistent
# header check the JSON's validation, the others the header's.
DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "no header": _body,
    "wrong shape": lambda text: _headed(
        f'{{"format": "{FORMAT}", "module": "svc.db", "functions": [1, 2]}}'
    ),
    # An older layout (two lists a function) under the current name.
    "old layout": lambda text: _headed(
        f'{{"format": "{FORMAT}", "module": "svc.db", '
        '"functions": {"svc.db.query": [["sqlite3.Connection.execute"], []]}}'
    ),
    "other module": lambda text: _headed(_body(text).replace('"svc.db"', '"svc.api"')),
    "no blocking": lambda text: _headed(_body(text).replace("sqlite3.Connection.execute", "")),
    "body changed, header kept": lambda text: text.replace("sqlite3.Connection.execute", ""),
    "binary": lambda text: "\udcff\x00garbage",
}


def _summary(project: Project) -> Path:
    found = list((project.root / ".mypy_cache").glob("mypy_llmtracekit/*/svc.db.json"))
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["sequential", "parallel"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_summary_is_recomputed(project: Project, damage: str, workers: list[str]) -> None:
    project.write(FILES)
    assert project.mypy(*workers, "svc").lines == [FINDING]
    path = _summary(project)
    text = path.read_text()
    path.write_bytes(DAMAGE[damage](text).encode("utf-8", "surrogateescape"))
    result = project.mypy(*workers, "svc")
    assert "INTERNAL ERROR" not in result.stdout + result.stderr
    assert result.lines == [FINDING]
    assert path.read_text() == text  # written again by the re-check


def test_deleted_summaries_are_recomputed(project: Project) -> None:
    project.write(FILES)
    assert project.mypy("svc").lines == [FINDING]
    for path in (project.root / ".mypy_cache").glob("mypy_llmtracekit/*/*.json"):
        path.unlink()
    assert project.mypy("svc").lines == [FINDING]
    assert project.mypy("svc").lines == [FINDING]


def test_summaries_leave_out_calls_of_stubs(project: Project) -> None:
    # json.dumps, len and str.join are defined in typeshed's stubs: no chain passes
    # through them, so the summary lists only the project's helper.
    util = """
        import json
        import sqlite3
        from svc.db import query

        def dump(conn: sqlite3.Connection) -> str:
            rows = query(conn)
            return ",".join([json.dumps(len(rows))])
    """
    project.write({**FILES, "svc/util.py": util})
    assert project.mypy("svc").stdout.splitlines() == [FINDING]
    found = list((project.root / ".mypy_cache").glob("mypy_llmtracekit/*/svc.util.json"))
    assert len(found) == 1
    body = json.loads(_body(found[0].read_text()))
    assert body["functions"] == {"svc.util.dump": [[], ["svc.db.query"], [], []]}

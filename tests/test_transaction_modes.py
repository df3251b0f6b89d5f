"""ltk-io-in-transaction and ltk-await-in-loop report the same in every mode.

Cold cache, warm cache, parallel workers (-n 2) and the daemon; a settings change
(``transaction_io_exempt``) invalidates the cache.
"""

from __future__ import annotations

import pytest
from conftest import PLUGIN_INI, Project, Result

CONFIG = PLUGIN_INI + "enable_error_code = ltk-await-in-loop\n"

FILES = {
    "mypy.ini": CONFIG,
    "app/__init__.py": "",
    "app/clients.py": """
        import httpx

        class Api(httpx.AsyncClient):
            pass
    """,
    "app/jobs.py": """
        import asyncpg
        from app.clients import Api

        async def close(conn: asyncpg.Connection, api: Api, job_id: int) -> None:
            async with conn.transaction():
                await conn.execute("UPDATE account_jobs SET done = true WHERE id = $1", job_id)
                await api.post("/closed", json=job_id)

        async def refresh(api: Api, ids: list[int]) -> None:
            for job_id in ids:
                await api.get(f"/jobs/{job_id}")
    """,
}

IO = (
    'app/jobs.py:7: error: "httpx.AsyncClient.post" runs while the transaction opened at line 5 '
    "is open: it holds the transaction and its locks across a network call and is not rolled "
    "back with it; do it before the transaction or after it commits  [ltk-io-in-transaction]"
)
LOOP = (
    'app/jobs.py:11: error: Independent awaits of "api.get" run one after another; run them '
    'concurrently: await asyncio.gather(*(api.get(f"/jobs/{job_id}") for job_id in ids)) or an '
    "asyncio.TaskGroup  [ltk-await-in-loop]"
)
EXPECTED = sorted([IO, LOOP])


def _sorted(result: Result) -> list[str]:
    return sorted(line for line in result.lines if ": error: " in line or ": note: " in line)


@pytest.fixture
def app(project: Project) -> Project:
    project.write(FILES)
    return project


def test_cold_warm_and_parallel_agree(app: Project) -> None:
    cold = app.mypy("app")
    assert _sorted(cold) == EXPECTED
    assert _sorted(app.mypy("app")) == EXPECTED
    assert _sorted(app.mypy("-n", "2", "app")) == EXPECTED


def test_daemon_agrees_and_follows_edits(app: Project) -> None:
    # dmypy (mypy 2.4) crashes on enable_error_code naming a plugin's code
    # (KeyError in Options.apply_changes), so the daemon sees the default codes only.
    app.write({"mypy.ini": PLUGIN_INI})
    assert _sorted(app.run("mypy.dmypy", "run", "--", "app")) == [IO]
    assert _sorted(app.run("mypy.dmypy", "run", "--", "app")) == [IO]
    # The call moves after the transaction block: no finding left.
    jobs = FILES["app/jobs.py"].replace(" " * 16 + "await api.post", " " * 12 + "await api.post")
    app.write({"app/jobs.py": jobs})
    assert _sorted(app.run("mypy.dmypy", "run", "--", "app")) == []


def test_settings_change_invalidates_the_cache(app: Project) -> None:
    assert _sorted(app.mypy("app")) == EXPECTED
    app.write(
        {
            "mypy.ini": CONFIG
            + "[mypy_llmtracekit]\ntransaction_io_exempt = httpx.AsyncClient.post\n"
        }
    )
    assert _sorted(app.mypy("app")) == [LOOP]

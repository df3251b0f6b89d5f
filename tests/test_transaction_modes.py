"""ltk-io-in-transaction and ltk-await-in-loop report the same in every mode.

Cold cache, warm cache, parallel workers (-n 2) and the daemon; a settings change
(``transaction_io_exempt``) invalidates the cache.
"""

from __future__ import annotations

import textwrap

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


# A transaction in app/jobs.py calls app.events.publish, which calls
# app.hooks.post_event: its body alone decides whether there is a finding.
HELPER_IO = """
    import httpx

    async def post_event(client: httpx.AsyncClient, name: str) -> None:
        await client.post("/events", json=name)
"""
HELPER_QUIET = """
    import httpx

    async def post_event(client: httpx.AsyncClient, name: str) -> None:
        print(name)
"""
HELPER_NO_CALLS = """
    import httpx

    async def post_event(client: httpx.AsyncClient, name: str) -> None:
        return None
"""
HELPER_SYNC_IO = """
    import httpx

    async def post_event(client: httpx.AsyncClient, name: str) -> None:
        _send(name)

    def _send(name: str) -> None:
        httpx.post("/events", json=name)
"""
CHAIN_FILES = {
    "mypy.ini": PLUGIN_INI,
    "app/__init__.py": "",
    "app/hooks.py": HELPER_IO,
    "app/events.py": """
        import httpx
        from app.hooks import post_event

        async def publish(client: httpx.AsyncClient, job_id: int) -> None:
            await post_event(client, f"closed:{job_id}")
    """,
    "app/jobs.py": """
        import asyncpg
        import httpx
        from app.events import publish

        async def close(conn: asyncpg.Connection, client: httpx.AsyncClient, job_id: int) -> None:
            async with conn.transaction():
                await conn.execute("UPDATE account_jobs SET done = true WHERE id = $1", job_id)
                await publish(client, job_id)
    """,
}


def _chain_finding(api: str) -> str:
    return (
        f'app/jobs.py:8: error: "publish -> post_event -> {api}" runs while the transaction '
        "opened at line 6 is open: it holds the transaction and its locks across a network call "
        "and is not rolled back with it; do it before the transaction or after it commits  "
        "[ltk-io-in-transaction]"
    )


SEND_BLOCKS = (
    'app/hooks.py:4: error: Async function "post_event" calls "_send", which blocks: '
    "post_event -> _send -> httpx.post; make the helper async, or await "
    "asyncio.to_thread(_send, ...)  [ltk-blocking-io-indirect]"
)
# (body of app/hooks.py, what a cold run reports)
EDITS = [
    (HELPER_IO, [_chain_finding("httpx.AsyncClient.post")]),
    (HELPER_QUIET, []),
    (HELPER_SYNC_IO, sorted([_chain_finding("_send -> httpx.post"), SEND_BLOCKS])),
    (HELPER_NO_CALLS, []),
    (HELPER_IO, [_chain_finding("httpx.AsyncClient.post")]),
]


@pytest.fixture
def chain(project: Project) -> Project:
    project.write(CHAIN_FILES)
    return project


def _errors(result: Result) -> list[str]:
    return sorted(line for line in result.lines if ": error: " in line)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["sequential", "parallel"])
def test_warm_runs_follow_transaction_helper_edits(chain: Project, workers: list[str]) -> None:
    for body, expected in EDITS:
        chain.write({"app/hooks.py": body})
        assert _errors(chain.mypy(*workers, "app")) == expected
        assert _errors(chain.mypy(*workers, "app")) == expected
    chain.wipe_cache()
    assert _errors(chain.mypy(*workers, "app")) == EDITS[-1][1]


def test_daemon_follows_transaction_helper_edits(chain: Project) -> None:
    for body, expected in EDITS:
        chain.write({"app/hooks.py": body})
        assert _errors(chain.run("mypy.dmypy", "run", "--", "app")) == expected
    # An edit elsewhere keeps the finding (replayed after the daemon's reset).
    chain.write({"app/events.py": textwrap.dedent(CHAIN_FILES["app/events.py"]) + "\n# note\n"})
    assert _errors(chain.run("mypy.dmypy", "run", "--", "app")) == EDITS[-1][1]


QUERY_FILES = {
    "mypy.ini": CONFIG,
    # A stand-in with piccolo's layout: the catalogue names piccolo.query.base.Query.
    "piccolo/__init__.py": "",
    "piccolo/query/__init__.py": "",
    "piccolo/query/base.py": """
        from collections.abc import Generator
        from typing import Any

        class Query:
            async def run(self) -> Any: pass
            def __await__(self) -> Generator[None, None, Any]:
                return self.run().__await__()
    """,
    "main.py": """
        from piccolo.query.base import Query

        def query(name: str) -> Query:
            return Query()

        async def dump(names: list[str]) -> None:
            for name in names:
                await query(name).run()
    """,
}


def test_warm_run_of_an_importer_alone_knows_a_subpackages_classes(project: Project) -> None:
    """Only ``main.py`` changed: mypy loads ``piccolo.query.base`` from its cache
    without ``piccolo`` (nothing needs the package's own tree), and the
    catalogue's ``piccolo.query.base.Query`` must still resolve (it did not: the
    awaits were reported as independent)."""
    project.write(QUERY_FILES)
    assert _sorted(project.mypy("main.py")) == []
    project.write({"main.py": textwrap.dedent(QUERY_FILES["main.py"]) + "# edited\n"})
    assert _sorted(project.mypy("main.py")) == []
    assert _sorted(project.mypy("-n", "2", "main.py")) == []

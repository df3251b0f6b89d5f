"""Configured names that resolve to nothing: one note per run, exit status unchanged."""

from __future__ import annotations

import pytest
from conftest import PLUGIN_INI, Project

from mypy_llmtracekit import settings_check
from mypy_llmtracekit.config import Settings

FILES = {
    "common/__init__.py": "",
    "common/tasks.py": """
        from collections.abc import Coroutine
        from typing import Any

        def create_background_task(coro: Coroutine[Any, Any, None]) -> None: ...

        class Client:
            def fetch(self) -> None: ...
    """,
    # On disk, but imported by nothing: a name inside it cannot be judged.
    "common/legacy.py": "class SyncClient: ...\n",
    "app.py": """
        import time
        from common.tasks import Client, create_background_task

        async def work() -> None: ...

        async def handler(client: Client) -> None:
            create_background_task(work())
    """,
}

SETTINGS = """
[mypy_llmtracekit]
background_task_helper = common.tasks.create_bg_task, does.not.exist
blocking_io_extra = common.tasks.Client.fetch, common.tasks.Client.fetchh, common.legacy.SyncClient
    common.task.Client, time.sleeep
obvious_calls = common.tasks.Clint
sql_classes = common.tasks.Client
"""

NOTES = [
    "mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] blocking_io_extra: "
    "'common.tasks.Client.fetchh' names nothing: 'common.tasks.Client' has no 'fetchh'",
    "mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] blocking_io_extra: "
    "'common.task.Client' names nothing: module 'common' has no 'task.Client'",
    "mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] blocking_io_extra: "
    "'time.sleeep' names nothing: module 'time' has no 'sleeep'",
    "mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] obvious_calls: "
    "'common.tasks.Clint' names nothing: module 'common.tasks' has no 'Clint'",
    "mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] background_task_helper: "
    "'common.tasks.create_bg_task' names nothing: module 'common.tasks' has no 'create_bg_task'",
]


@pytest.fixture
def typos(project: Project) -> Project:
    project.write({**FILES, "mypy.ini": PLUGIN_INI + SETTINGS})
    return project


def test_one_note_per_name_per_run(typos: Project) -> None:
    result = typos.mypy("app.py")
    assert result.stdout == ""
    assert result.status == 0
    assert sorted(result.stderr.splitlines()) == sorted(NOTES)


def test_parallel_workers_print_each_note_once(typos: Project) -> None:
    result = typos.mypy("-n", "2", "app.py", "common/tasks.py")
    assert result.status == 0
    assert sorted(result.stderr.splitlines()) == sorted(NOTES)


def test_names_that_resolve_say_nothing(project: Project) -> None:
    fixed = SETTINGS.replace("create_bg_task", "create_background_task")
    fixed = fixed.replace(", common.tasks.Client.fetchh", "").replace("Clint", "Client")
    fixed = fixed.replace("    common.task.Client, time.sleeep\n", "    time.sleep\n")
    project.write({**FILES, "mypy.ini": PLUGIN_INI + fixed})
    result = project.mypy("app.py")
    assert (result.status, result.stdout, result.stderr) == (0, "", "")


def test_settings_without_names_are_not_judged() -> None:
    assert settings_check.unresolved(Settings(), lambda name: False, {}) == []
    # A package absent from the build cannot be judged.
    settings = Settings(background_task_helper=("does.not.exist",))
    assert settings_check.unresolved(settings, lambda name: False, {}) == []

"""The baseline flow of docs/recipes.md with mypy-baseline: only new findings fail.

Runs the documented commands, as written there, with bash in a project:
``mypy src/ | mypy-baseline sync`` records the findings; the check passes when
code only moved, fails on a new finding (printing only that one), and fails when
mypy could not run at all (exit status 2), which would otherwise print nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLUGIN_INI, Project
from test_recipes import block_after

SYNC = "mypy src/ | mypy-baseline sync"

APP = """
import time

async def handler() -> None:
    time.sleep(1)

retries = len("abc")
"""
NEW = (
    'src/app.py:7: error: Blocking call "time.sleep" in async function "handler" stalls the '
    "event loop; use await asyncio.sleep(...)  [ltk-blocking-io]"
)


def bash(project: Project, script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    # mypy and mypy-baseline of this environment, whatever PATH says.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    return subprocess.run(
        ["bash", "-c", script], cwd=project.root, capture_output=True, text=True, env=env
    )


@pytest.fixture
def baselined(project: Project) -> Project:
    project.write({"mypy.ini": PLUGIN_INI, "src/app.py": APP})
    done = bash(project, SYNC)
    assert done.returncode == 0, done.stderr
    baseline = (project.root / "mypy-baseline.txt").read_text().splitlines()
    assert len(baseline) == 2
    assert all(line.startswith("src/app.py:0: error: ") for line in baseline)
    return project


def test_sync_command_is_the_documented_one() -> None:
    assert SYNC in (Path(__file__).resolve().parent.parent / "docs" / "recipes.md").read_text()


def test_moved_code_passes(baselined: Project) -> None:
    baselined.write({"src/app.py": '"""Moved down by two lines."""\n\n' + APP.lstrip("\n")})
    done = bash(baselined, block_after("baseline-check"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_new_finding_fails_alone(baselined: Project) -> None:
    moved = "import time\n" + APP.replace("time.sleep(1)", "time.sleep(1)\n    time.sleep(2)")
    baselined.write({"src/app.py": moved})
    done = bash(baselined, block_after("baseline-check"))
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if ": error: " in line]
    assert errors == [NEW]


def test_a_mypy_that_cannot_run_fails(baselined: Project) -> None:
    baselined.write({"mypy.ini": PLUGIN_INI + "[mypy_llmtracekit]\nblocking_io_extras = a.b\n"})
    done = bash(baselined, block_after("baseline-check"))
    assert done.returncode == 2
    assert "unknown key 'blocking_io_extras'" in done.stderr

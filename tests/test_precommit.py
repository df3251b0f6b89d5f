"""This repository as a pre-commit hook repository, tried the way a user would.

``pre-commit try-repo`` installs the hook from this checkout (a local git
repository: nothing of ours comes from PyPI) and runs it in a throw-away user
repository where only a helper module is staged: the hook checks the whole
project, so the async caller of the now-blocking helper fails the commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PLUGIN_INI

ROOT = Path(__file__).resolve().parent.parent

APP = """\
from helpers import load


async def handler() -> None:
    load()
"""
HELPERS_BEFORE = "def load() -> None:\n    pass\n"
HELPERS_AFTER = "import time\n\n\ndef load() -> None:\n    time.sleep(1)\n"
CHAIN = (
    'app.py:5: error: Async function "handler" calls "load", which blocks: handler -> load -> '
    "time.sleep; make the helper async, or await asyncio.to_thread(load, ...)  "
    "[ltk-blocking-io-indirect]"
)


def test_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["mypy-llmtracekit"]
    hook = hooks[0]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True
    assert hook["entry"] == "mypy"


@pytest.mark.slow_install
def test_try_repo_checks_the_whole_project(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYPY", "GIT_"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    (repo / "mypy.ini").write_text(PLUGIN_INI)
    (repo / "app.py").write_text(APP)
    (repo / "helpers.py").write_text(HELPERS_BEFORE)
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    (repo / "helpers.py").write_text(HELPERS_AFTER)
    git("add", "helpers.py")  # only the helper is staged; app.py is unchanged
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mypy-llmtracekit"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "mypy (with mypy-llmtracekit)" in done.stdout
    assert "Failed" in done.stdout
    assert CHAIN in done.stdout


LOCAL_HOOK = f"""
repos:
  - repo: local
    hooks:
      - id: mypy
        name: mypy (with mypy-llmtracekit)
        entry: {sys.executable} -m mypy .
        language: system
        pass_filenames: false
        types_or: [python, pyi]
        require_serial: true
"""


def test_local_hook_recipe(tmp_path: Path) -> None:
    """The docs' local hook (the plugin installed in the project's own virtualenv)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(LOCAL_HOOK)
    (repo / "mypy.ini").write_text(PLUGIN_INI)
    (repo / "app.py").write_text(APP)
    (repo / "helpers.py").write_text(HELPERS_AFTER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYPY", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "helpers.py", ".pre-commit-config.yaml"], cwd=repo, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert CHAIN in done.stdout

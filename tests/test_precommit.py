"""The documented pre-commit hook (docs/recipes.md) runs the plugin and fails the commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import PLUGIN_INI

HOOK = f"""
repos:
  - repo: local
    hooks:
      - id: mypy
        name: mypy (with mypy-llmtracekit)
        entry: {sys.executable} -m mypy
        language: system
        types: [python]
        require_serial: true
"""


def test_local_precommit_hook(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(HOOK)
    (repo / "mypy.ini").write_text(PLUGIN_INI)
    (repo / "app.py").write_text("import time\n\nasync def handler() -> None:\n    time.sleep(1)\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", ".")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert "mypy (with mypy-llmtracekit)" in done.stdout
    assert (
        'app.py:4: error: Blocking call "time.sleep" in async function "handler" stalls the '
        "event loop; use await asyncio.sleep(...)  [ltk-blocking-io]"
    ) in done.stdout

"""The configuration examples we ship are valid for the tools they configure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import Project

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_ini_example_is_accepted(project: Project) -> None:
    shutil.copy(ROOT / "mypy.ini.example", project.root / "mypy.ini")
    project.write({"main.py": "def double(x: int) -> int:\n    return 2 * x\n"})
    result = project.mypy("main.py")
    assert (result.status, result.stdout, result.stderr) == (0, "", "")


def test_ruff_toml_example_is_accepted() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--config",
            str(ROOT / "ruff.toml.example"),
            "--exit-zero",
            "--quiet",
            str(ROOT / "examples" / "clean"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "error" not in done.stderr.lower()

"""Run mypy (with the plugin, as the user's config says) and read its JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from mypy_llmtracekit.fixing.model import Diagnostic


class MypyFailed(Exception):
    """mypy stopped with status 2 (bad configuration, syntax error, crash)."""


@dataclass
class Runner:
    """Runs mypy on the user's paths; files being edited are read from shadow copies."""

    mypy_args: list[str]
    workdir: str
    runs: int = 0
    shadows: dict[str, str] = field(default_factory=dict)

    def shadow(self, texts: dict[str, str], originals: dict[str, str]) -> dict[str, str]:
        """Write shadow copies of the files whose text differs from the disk's."""
        self.shadows = {}
        for path, text in sorted(texts.items()):
            if text == originals.get(path):
                continue
            shadow = os.path.join(self.workdir, f"shadow{len(self.shadows)}.py")
            with open(shadow, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            self.shadows[path] = shadow
        return self.shadows

    def run(self, texts: dict[str, str], originals: dict[str, str]) -> list[Diagnostic]:
        """mypy's diagnostics with ``texts`` in place of the files on disk."""
        self.runs += 1
        args = [sys.executable, "-m", "mypy", "-O", "json", "--no-pretty"]
        args += ["--cache-dir", os.path.join(self.workdir, "cache")]
        for path, shadow in self.shadow(texts, originals).items():
            args += ["--shadow-file", path, shadow]
        done = subprocess.run([*args, *self.mypy_args], capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            raise MypyFailed((done.stderr or done.stdout).strip())
        return parse(done.stdout)


def parse(output: str) -> list[Diagnostic]:
    """Diagnostics from mypy's ``-O json`` lines (other lines are ignored)."""
    out: list[Diagnostic] = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        raw = json.loads(line)
        out.append(
            Diagnostic(
                path=os.path.abspath(raw["file"]),
                line=int(raw["line"]),
                column=int(raw["column"]),
                end_line=int(raw.get("end_line") or raw["line"]),
                end_column=int(raw.get("end_column") or raw["column"]),
                message=str(raw["message"]),
                code=str(raw.get("code") or ""),
                severity=str(raw.get("severity") or "error"),
            )
        )
    return out


def config_args(config_file: str | None, paths: Sequence[str]) -> list[str]:
    """The user's mypy command line: the config file (if named) and the paths."""
    return ([f"--config-file={config_file}"] if config_file else []) + list(paths)

"""Instruction counts: run a command under cachegrind and read how many instructions it ran.

``valgrind --tool=cachegrind --cache-sim=no`` counts every instruction the
process executes (mypy's compiled code, the interpreter running the plugin,
the C libraries), with no cache simulation: about 25x slower than a plain run,
but the count repeats to a few parts per billion when ``PYTHONHASHSEED`` is fixed,
whatever else the machine is doing. mypy ends with ``os._exit`` (its "fast exit");
valgrind still writes its output file on that exit, and the count then leaves
out the freeing of objects that users never wait for either.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SUMMARY = re.compile(r"^summary:\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Job:
    """One command to count: where it runs and where cachegrind writes its counts."""

    command: tuple[str, ...]
    cwd: Path
    out_file: Path
    env: dict[str, str]


def available() -> bool:
    """Whether valgrind is on the PATH."""
    return shutil.which("valgrind") is not None


def prefix(out_file: Path) -> list[str]:
    """The valgrind command line that counts instructions into ``out_file``."""
    return [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--branch-sim=no",
        "--quiet",
        f"--cachegrind-out-file={out_file}",
    ]


def parse_summary(text: str) -> int:
    """The total instruction count (``summary:`` line) of a cachegrind output file."""
    match = SUMMARY.search(text)
    if match is None:
        raise ValueError("no 'summary:' line in cachegrind output")
    return int(match.group(1))


def count(job: Job) -> int:
    """Run one job under cachegrind; its output goes to ``out_file`` + ``.log``."""
    job.out_file.unlink(missing_ok=True)
    log = job.out_file.with_suffix(".log")
    with log.open("w") as out:
        subprocess.run(
            [*prefix(job.out_file), *job.command],
            cwd=job.cwd,
            env=job.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return parse_summary(job.out_file.read_text())


def count_all(jobs: Sequence[Job], workers: int = 2) -> list[int]:
    """Count several independent jobs, ``workers`` at a time (counts ignore the load)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(count, jobs))

"""Editor latencies: a one-line body edit, then ``dmypy check`` or a single-file mypy run.

The edit inserts ``_bench_edit = N`` before the first statement of the first
function of ``EDITED`` (a module of the llm-tracekit packages, in every corpus):
a body edit, so the module's interface does not change. Each measured check
follows a new ``N``; one unmeasured edit comes first, so that every measured
edit only changes a number.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import bench_env

EDITED = "llm_tracekit/openai/patch.py"


@dataclass(frozen=True)
class Check:
    """One ``dmypy check``: client wall time, daemon CPU time, exit status."""

    seconds: float
    daemon_cpu_seconds: float
    status: int


def edit_point(source: str) -> tuple[int, int]:
    """(0-based line, column) of the first statement, not a docstring, of the first function.

    Functions with annotations come first: mypy checks their bodies by default."""
    functions = sorted(
        (
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        key=lambda node: (not _annotated(node), node.lineno),
    )
    for function in functions:
        body = function.body
        if _is_docstring(body[0]):
            body = body[1:]
        if body and body[0].lineno > function.lineno:
            return body[0].lineno - 1, body[0].col_offset
    raise ValueError("no function with a statement on a line of its own")


def _annotated(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return function.returns is not None or any(a.annotation is not None for a in every)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def with_edit(source: str, number: int) -> str:
    """``source`` with ``_bench_edit = number`` inserted at its edit point."""
    line, column = edit_point(source)
    lines = source.splitlines(keepends=True)
    lines.insert(line, f"{' ' * column}_bench_edit = {number}\n")
    return "".join(lines)


def write_edit(src: Path, original: str, number: int) -> None:
    """Write edit ``number`` of the edited module, with a modification time of its own.

    mypy (cache validation) and dmypy (its file watcher) compare a file's size and
    its modification time in whole seconds before they look at its contents: an
    edit of the same size within the same second as the previous one would go
    unseen, and the run would measure a check with nothing to do. Each edit's
    time is therefore one whole second past the previous edit's (or now, if later).
    """
    path = src / EDITED
    previous = int(path.stat().st_mtime)
    path.write_text(with_edit(original, number))
    stamp = max(int(time.time()), previous + 1)
    os.utime(path, (stamp, stamp))


def copy_tree(src: Path, dest: Path) -> Path:
    """A private copy of a corpus (runs that edit it at the same time need one each)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest)
    return dest


def dmypy(status: Path) -> list[str]:
    """The dmypy client command line for one daemon."""
    return [sys.executable, "-m", "mypy.dmypy", "--status-file", str(status)]


def start_daemon(
    src: Path, config: Path, status: Path, prefix: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    """Start a daemon in the foreground of a child process (under ``prefix``, e.g. valgrind)."""
    status.unlink(missing_ok=True)
    log = status.with_suffix(".log").open("w")
    command = [*prefix, *dmypy(status), "daemon", "--", "--config-file", str(config)]
    proc = subprocess.Popen(
        command + ["--no-error-summary"],
        cwd=src,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=bench_env(),
    )
    while not status.exists() or not status.read_text().endswith("\n"):
        if proc.poll() is not None:
            raise RuntimeError(f"daemon exited with {proc.returncode}: see {log.name}")
        time.sleep(0.05)
    return proc


def daemon_cpu_seconds(pid: int) -> float:
    """CPU time of all the daemon's threads so far, from /proc (nanoseconds, not ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def daemon_peak_mb(pid: int) -> float:
    """Peak resident memory of the daemon so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def check(src: Path, status: Path, targets: Sequence[str], pid: int) -> Check:
    """``dmypy check`` of the targets; the daemon's CPU time is read before and after."""
    before = daemon_cpu_seconds(pid)
    start = time.perf_counter()
    proc = subprocess.run(
        [*dmypy(status), "check", *targets], cwd=src, capture_output=True, env=bench_env()
    )
    seconds = time.perf_counter() - start
    return Check(seconds, daemon_cpu_seconds(pid) - before, proc.returncode)


def stop_daemon(src: Path, status: Path, proc: subprocess.Popen[bytes]) -> None:
    """Stop the daemon and wait for its process (valgrind writes its counts then)."""
    subprocess.run([*dmypy(status), "stop"], cwd=src, capture_output=True, env=bench_env())
    proc.wait()


def counted_session(
    src: Path, config: Path, status: Path, targets: Sequence[str], edits: int, prefix: list[str]
) -> None:
    """A daemon under ``prefix``: initial check, one unmeasured edit, ``edits`` more, stop.

    Two sessions that differ only in ``edits`` tell the instructions of one edit
    and check: the difference of their counts, divided by the difference of edits.
    """
    original = (src / EDITED).read_text()
    proc = start_daemon(src, config, status, prefix)
    try:
        check(src, status, targets, proc.pid)
        for number in range(edits + 1):
            write_edit(src, original, number)
            check(src, status, targets, proc.pid)
    finally:
        stop_daemon(src, status, proc)
        (src / EDITED).write_text(original)


def environment_note() -> str:
    """What the editor rows measure, for the table's footnote."""
    return (
        f"one-line body edit of `{EDITED}`; dmypy: `dmypy check` of the corpus' packages; "
        "single file: `mypy --follow-imports=silent` of that file on a warm cache"
    )


def dump(path: Path, data: object) -> None:
    """Write raw measurements as JSON beside the table."""
    path.write_text(json.dumps(data, indent=1, default=lambda o: o.__dict__) + "\n")

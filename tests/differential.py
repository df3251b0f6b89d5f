"""Differential harness: every mode must print what a cold sequential run prints.

A small async project (a package with helpers across modules, an import cycle,
classes whose attributes decide receivers, a module that comes and goes) is
rewritten by a sequence of edits. After each edit every mode runs and its
diagnostics are compared with a cold sequential ``mypy`` run on the same files:

* ``warm``: sequential, one cache directory kept across the whole sequence;
* ``parallel-cold`` / ``parallel-warm``: ``mypy -n 2``, fresh / kept cache, with
  both CPUs kept busy by other processes while it runs (races hide on a quiet
  machine);
* ``daemon``: one ``dmypy run -- app`` daemon kept across the sequence;
* ``daemon-file``: another daemon, run the way editors do (``dmypy run --
  FILE``), with FILE changing from step to step; compared with a cold
  ``mypy FILE``.

Edits: helper bodies that start or stop blocking (also inside an import cycle),
interface edits (a return annotation, an attribute's declared class), a helper
renamed together with its callers in one save, a module added and deleted,
ignore comments (also one naming another code, which adds mypy's "not covered"
note to the finding), plugin settings, and the global ``enable_error_code``.

Run on demand: ``python tests/differential.py --steps 200 --seed 2026``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

CRASH_MARKERS = ("INTERNAL ERROR", "Traceback", "ltk-internal")
# mypy's own daemon crashes in some editor flows without any plugin (e.g.
# ``KeyError: 'app'`` in find_reachable_changed_modules after ``dmypy run --
# app/repo.py``, ``-- app/db.py``, an edit of repo.py, ``-- app/db.py``); such a
# run is counted apart, not compared, unless the plugin is in the traceback.
DAEMON_CRASH = "Traceback (most recent call last):"
# mypy gives a parallel worker 3 seconds to start (defaults.WORKER_START_TIMEOUT);
# on an overloaded machine mypy -n fails before any plugin code runs.
WORKER_START_FAILURE = "Failed to establish connection with worker"


@dataclass(frozen=True)
class State:
    """The project's variable parts; ``files()`` renders them."""

    db_blocks: bool = True  # body of db._query: a blocking call or not
    db_returns: str = "list[object]"  # interface: db.load_rows's return annotation
    helper: str = "two_hops"  # helpers.<name>, renamed with its callers in one save
    conn_class: str = "sqlite3.Connection"  # interface: Repo._conn's declared class
    cycle_blocks: bool = False  # body of cycle_b.inner: blocking or not
    extra_module: bool = False  # app/extra.py exists (nobody imports it)
    # The handler's indirect call: no ignore comment, one naming its code, or one
    # naming another code (mypy adds a note "not covered by ..." to the finding).
    ignore_site: str = ""
    extra_setting: bool = False  # [mypy_llmtracekit] blocking_io_extra = app.db.slow
    enable_opt_in: bool = False  # [mypy] enable_error_code = ltk-optional-union
    touch: int = 0  # a body edit that changes nothing the plugin sees


def files(state: State) -> dict[str, str]:
    """The project's files for one state."""
    config = "[mypy]\nplugins = mypy_llmtracekit\n"
    if state.enable_opt_in:
        config += "enable_error_code = ltk-optional-union\n"
    if state.extra_setting:
        config += "\n[mypy_llmtracekit]\nblocking_io_extra = app.db.slow\n"
    query = 'conn.execute("SELECT 1").fetchall()' if state.db_blocks else "[]"
    ignore = f"  # type: ignore[{state.ignore_site}]" if state.ignore_site else ""
    inner = "return int(time.sleep(0.1) is None)" if state.cycle_blocks else "return 1"
    out = {
        "mypy.ini": config,
        "app/__init__.py": "",
        "app/db.py": f"""
            import sqlite3
            from typing import Optional

            def _query(conn: sqlite3.Connection) -> list[object]:
                rows = {query}
                return list(rows)

            def load_rows() -> {state.db_returns}:
                return []

            def slow() -> int:
                return {state.touch}

            def maybe(x: Optional[int]) -> int:
                return x or 0
        """,
        "app/helpers.py": f"""
            import sqlite3
            from app.db import _query

            def {state.helper}(conn: sqlite3.Connection) -> list[object]:
                return _query(conn)
        """,
        "app/config.py": """
            from app import db

            ROWS = db.load_rows()
        """,
        "app/fakes.py": """
            LIMITS = {"rows": 10}  # type: ignore[misc]

            class FakeConn:
                def execute(self, sql: str) -> list[object]:
                    return []
        """,
        "app/repo.py": f"""
            import sqlite3
            from app import fakes

            class Repo:
                def __init__(self, conn: {state.conn_class}) -> None:
                    self._conn = conn

                def count(self) -> int:
                    return len(self._conn.execute("SELECT count(*) FROM t"))
        """,
        "app/cycle_a.py": """
            from app import cycle_b

            def outer() -> int:
                return cycle_b.inner()

            async def run_cycle() -> int:
                return outer()
        """,
        "app/cycle_b.py": f"""
            import time
            from app import cycle_a

            def inner() -> int:
                {inner}

            async def back() -> int:
                return cycle_a.outer()
        """,
        "app/service.py": f"""
            import sqlite3
            from app import db
            from app.helpers import {state.helper}
            from app.repo import Repo

            async def handler(conn: sqlite3.Connection) -> list[object]:
                return {state.helper}(conn){ignore}

            async def counter(repo: Repo) -> int:
                return repo.count()

            async def slowly() -> int:
                return db.slow()
        """,
    }
    if state.extra_module:
        out["app/extra.py"] = """
            import sqlite3
            from app.helpers import *
            from app.db import _query

            async def extra(conn: sqlite3.Connection) -> None:
                _query(conn)
        """
    return out


MODULE_FILES = ("app/service.py", "app/repo.py", "app/cycle_a.py", "app/config.py", "app/db.py")


def mutate(state: State, rng: random.Random) -> State:
    """One random edit."""
    choice = rng.randrange(10)
    if choice == 0:
        return replace(state, db_blocks=not state.db_blocks)
    if choice == 1:
        options = ["list[object]", "list[str]", "tuple[int, ...]"]
        return replace(state, db_returns=rng.choice([o for o in options if o != state.db_returns]))
    if choice == 2:
        return replace(state, helper="two_steps" if state.helper == "two_hops" else "two_hops")
    if choice == 3:
        real = "sqlite3.Connection"
        return replace(state, conn_class="fakes.FakeConn" if state.conn_class == real else real)
    if choice == 4:
        return replace(state, cycle_blocks=not state.cycle_blocks)
    if choice == 5:
        return replace(state, extra_module=not state.extra_module)
    if choice == 6:
        sites = ["", "ltk-blocking-io-indirect", "misc"]
        return replace(state, ignore_site=rng.choice([s for s in sites if s != state.ignore_site]))
    if choice == 7:
        return replace(state, extra_setting=not state.extra_setting)
    if choice == 8:
        return replace(state, enable_opt_in=not state.enable_opt_in)
    return replace(state, touch=state.touch + 1)


@dataclass
class Harness:
    """A project directory, its daemons and caches."""

    root: Path
    load_cpus: bool = True
    log: list[str] = field(default_factory=list)
    # (mode, first lines) of each crash of mypy's own daemon code.
    mypy_crashes: list[tuple[str, str]] = field(default_factory=list)

    def write(self, state: State) -> None:
        """Bring the files on disk to ``state`` (deleting what it does not have)."""
        wanted = {name: textwrap.dedent(text).lstrip("\n") for name, text in files(state).items()}
        for path in sorted((self.root / "app").rglob("*.py")):
            rel = path.relative_to(self.root).as_posix()
            if rel not in wanted:
                path.unlink()
        for name, text in wanted.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
        # mtime granularity: make every change visible to mypy's and dmypy's stat checks.
        time.sleep(0.01)

    def mypy(self, cache: str, *args: str) -> list[str]:
        return self._run([sys.executable, "-m", "mypy", f"--cache-dir={cache}", *args])

    def dmypy(self, status: str, cache: str, target: str) -> list[str]:
        command = [sys.executable, "-m", "mypy.dmypy", "--status-file", status, "run"]
        return self._run([*command, "--", f"--cache-dir={cache}", target])

    def stop_daemons(self) -> None:
        for status in ("daemon.json", "daemon-file.json"):
            if (self.root / status).exists():
                self._run([sys.executable, "-m", "mypy.dmypy", "--status-file", status, "stop"])

    def _run(self, command: list[str]) -> list[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, env=env, timeout=300
        )
        output = done.stdout + done.stderr
        return sorted(
            line
            for line in output.splitlines()
            if line
            and not line.startswith(("Found ", "Success:", "Daemon ", "Restarting", "Stopping"))
        )

    def fresh(self, name: str, stdlib: bool = False) -> str:
        """An empty cache directory; with ``stdlib``, one that holds only the stdlib.

        The stdlib-only cache makes a run cold for every module of the project
        (the plugin keeps nothing for stubs) at a fraction of the time.
        """
        path = self.root / ".caches" / name
        shutil.rmtree(path, ignore_errors=True)
        if stdlib:
            shutil.copytree(self._stdlib_template(), path)
        return str(path)

    def _stdlib_template(self) -> Path:
        template = self.root / ".caches" / "stdlib-template"
        if not template.exists():
            probe = self.root / "stdlib_probe.py"
            probe.write_text("import asyncio, sqlite3, time, typing\n")
            self.mypy(str(template), "stdlib_probe.py")
            probe.unlink()
            for path in template.rglob("stdlib_probe*"):
                path.unlink()
        return template

    def kept(self, name: str) -> str:
        return str(self.root / ".caches" / name)

    def check(self, state: State, file: str) -> list[str]:
        """Run every mode on the files as they are; return the divergences found."""
        reference = self.mypy(self.fresh("cold"), "app")
        reference_file = self.mypy(self.fresh("cold-file", stdlib=True), file)
        results = {"warm": self.mypy(self.kept("warm"), "app")}
        with busy_cpus(self.load_cpus):
            cold = self.fresh("n-cold", stdlib=True)
            results["parallel-cold"] = self.mypy(cold, "-n", "2", "app")
            results["parallel-warm"] = self.mypy(self.kept("n-warm"), "-n", "2", "app")
        results["daemon"] = self.dmypy("daemon.json", self.kept("daemon"), "app")
        daemon_file = self.dmypy("daemon-file.json", self.kept("daemon-file"), file)
        problems: list[str] = []
        for name, lines in [("reference", reference), ("reference-file", reference_file)]:
            problems += [f"{name} crashed: {line}" for line in lines if _crash(line)]
        results[f"daemon-file({file})"] = daemon_file
        for mode in [m for m, lines in results.items() if self._mypy_crash(m, lines)]:
            del results[mode]
        for mode, lines in results.items():
            expected = reference_file if mode.startswith("daemon-file") else reference
            problems += _diff(mode, expected, lines)
        return problems

    def _mypy_crash(self, mode: str, lines: list[str]) -> bool:
        """A failure of mypy itself, with no plugin frame: noted, not compared.

        A crash inside mypy's daemon, or parallel workers that did not start in
        mypy's 3 seconds.
        """
        daemon_crash = mode.startswith("daemon") and DAEMON_CRASH in lines
        worker_start = mode.startswith("parallel") and any(WORKER_START_FAILURE in x for x in lines)
        if not (daemon_crash or worker_start):
            return False
        if any("mypy_llmtracekit" in line for line in lines):
            return False
        self.mypy_crashes.append((mode, " | ".join(line for line in lines if "Error" in line)))
        return True


def _crash(line: str) -> bool:
    return any(marker in line for marker in CRASH_MARKERS)


def _diff(mode: str, expected: list[str], actual: list[str]) -> list[str]:
    if actual == expected:
        return []
    missing = [f"  - {line}" for line in expected if line not in actual]
    extra = [f"  + {line}" for line in actual if line not in expected]
    return [f"{mode} differs from the cold sequential run:", *missing, *extra]


@contextmanager
def busy_cpus(enabled: bool) -> Iterator[None]:
    """Keep both CPUs busy (two spinning processes) while the block runs."""
    if not enabled:
        yield
        return
    # Niced, so that mypy's own processes still start in time (mypy gives a
    # parallel worker 3 seconds to start): the load perturbs scheduling only.
    spin = "import os\nos.nice(19)\nwhile True: pass"
    spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(2)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def run_sequence(
    root: Path, states: list[State], seed: int, load_cpus: bool = True, verbose: bool = False
) -> list[str]:
    """Apply ``states`` in order; return every divergence (empty: all modes agree)."""
    rng = random.Random(seed)
    harness = Harness(root, load_cpus)
    problems: list[str] = []
    try:
        for step, state in enumerate(states):
            file = rng.choice(MODULE_FILES)
            harness.write(state)
            found = harness.check(state, file)
            if found:
                problems += [f"step {step}: {state}", *found]
            if verbose:
                print(f"step {step}: {len(found)} problem lines", *found, sep="\n", flush=True)
    finally:
        harness.stop_daemons()
    if verbose and harness.mypy_crashes:
        print(f"mypy itself failed {len(harness.mypy_crashes)} times (not compared):")
        print(*(f"  {mode}: {text[:300]}" for mode, text in harness.mypy_crashes), sep="\n")
    return problems


def random_states(steps: int, seed: int) -> list[State]:
    """A seeded random walk of ``steps`` edits from the initial state."""
    rng = random.Random(seed)
    states = [State()]
    while len(states) < steps:
        states.append(mutate(states[-1], rng))
    return states


def main(argv: list[str] | None = None) -> int:
    """Command line: run a seeded random sequence and print the divergences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-load", action="store_true", help="do not load the CPUs")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        states = random_states(args.steps, args.seed)
        problems = run_sequence(Path(tmp), states, args.seed, not args.no_load, verbose=True)
    seconds = time.monotonic() - started
    print(
        f"{args.steps} states (seed {args.seed}), 6 modes each: "
        f"{sum(1 for p in problems if p.endswith('cold sequential run:'))} divergences, "
        f"{seconds:.0f} s"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

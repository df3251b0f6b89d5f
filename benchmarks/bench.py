"""How much the plugin costs: plain mypy beside mypy with the plugin, on the same real code.

For each corpus (``small``, then ``full``; ``--scale`` adds a cold run of 369k
lines), with every default code on:

* wall time, CPU time and peak memory (RSS) of plain and plugin runs alternating
  in ABBA order, ``--repeats`` pairs, cold cache (empty) then warm (unchanged tree);
* instruction counts of the same runs under cachegrind (one run each: they repeat),
  and of a warm run with every ``ltk`` code disabled (the plugin's own warm cost,
  without mypy printing its findings);
* editor latencies on the small corpus: ``dmypy check`` after a
  one-line body edit, and ``mypy --follow-imports=silent FILE`` on a warm cache
  after the same edit (instructions, wall, CPU, peak memory).

Plain and plugin runs differ only in the config file's ``plugins`` line and in
their cache directories; every run has ``PYTHONHASHSEED=0``. Prints a markdown
table (the README takes it verbatim) and writes it with the raw figures to
``--out``. ``--quick`` measures the small corpus only, in under ten minutes.

The plugin measured is a wheel of this checkout, installed in the benchmark's own
venv (``--out``/venv, beside the same mypy): what users run. ``--here`` measures
whatever this interpreter imports instead (an editable install hashes the plugin's
sources on every run, which a wheel does not). ``--compiled`` measures the wheel
compiled with mypyc (``MYPY_LLMTRACEKIT_COMPILE=1``), in a venv of its own.

    python benchmarks/bench.py            # small + full, 15-20 minutes on a quiet machine
    python benchmarks/bench.py --quick    # small only
    python benchmarks/bench.py --scale    # also 369k lines, cold
    python benchmarks/bench.py --compiled # the mypyc-compiled wheel (about a minute to build)
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import editor
import instr
import mypy.version
from corpus import CORPORA, Corpus, ast_nodes, bench_env, count_lines, fetch, mypy_command, run_mypy
from table import KINDS, Row, Size, linearity_table, machine, plugin_revision, results_table

DMYPY_EDITS = 3


def label(corpus: Corpus, size: Size) -> str:
    """The corpus' name in the table."""
    return f"{corpus.name} ({size.lines:,} lines)"


def wall_runs(
    corpus: Corpus, src: Path, work: Path, repeats: int, caches: tuple[str, ...]
) -> list[Row]:
    """ABBA wall/CPU/memory runs: for each pair, a cold run then a warm one per kind."""
    rows = {cache: Row(corpus.name, cache) for cache in caches}
    for repeat in range(repeats):
        order = KINDS if repeat % 2 == 0 else KINDS[::-1]
        for kind in order:
            config = work / f"{kind}.ini"
            cache_dir = work / f"cache-{corpus.name}-{kind}"
            for cache in caches:
                run = run_mypy(src, corpus, config, cache_dir, cold=cache == "cold")
                row = rows[cache]
                row.seconds.setdefault(kind, []).append(run.seconds)
                row.cpu_seconds.setdefault(kind, []).append(run.cpu_seconds)
                row.peak_mb.setdefault(kind, []).append(run.peak_mb)
    return list(rows.values())


def count_runs(corpus: Corpus, src: Path, work: Path, rows: list[Row]) -> None:
    """Instructions of a cold run, then of a warm one, for both kinds side by side."""
    for row in rows:
        jobs = []
        for kind in KINDS:
            cache_dir = work / f"icache-{corpus.name}-{kind}"
            if row.run == "cold":
                shutil.rmtree(cache_dir, ignore_errors=True)
            command = mypy_command(corpus, work / f"{kind}.ini", cache_dir)
            out = work / f"cg-{corpus.name}-{row.run}-{kind}.out"
            jobs.append(instr.Job(tuple(command), src, out, bench_env()))
        for kind, count in zip(KINDS, instr.count_all(jobs)):
            row.instructions[kind] = count


def quiet_warm_count(corpus: Corpus, src: Path, work: Path, plain_warm: Row) -> Row:
    """Instructions of a warm run with every ``ltk`` code disabled, beside plain's warm run.

    The plugin does all that a warm run asks of it (starting, checking each module's
    cache entry and summary file), but mypy has none of its findings to print: the
    difference from the warm row is mypy printing them (27k instructions a line)."""
    config = work / "quiet.ini"
    cache_dir = work / f"icache-{corpus.name}-quiet"
    shutil.rmtree(cache_dir, ignore_errors=True)
    run_mypy(src, corpus, config, cache_dir, cold=True)  # fills the cache
    out = work / f"cg-{corpus.name}-warm-quiet.out"
    job = instr.Job(tuple(mypy_command(corpus, config, cache_dir)), src, out, bench_env())
    row = Row(corpus.name, "warm, every `ltk` code disabled (no finding to print)")
    row.instructions = {"plain": plain_warm.instructions["plain"], "plugin": instr.count(job)}
    return row


def single_file(corpus: Corpus, src: Path, work: Path, repeats: int, counted: bool) -> Row:
    """``mypy --follow-imports=silent FILE`` after a body edit of FILE, on a warm cache."""
    row = Row(corpus.name, "single file, warm cache")
    original = (src / editor.EDITED).read_text()
    targets = ("--follow-imports=silent", editor.EDITED)

    def once(kind: str, number: int) -> None:
        editor.write_edit(src, original, number)
        cache_dir = work / f"single-{kind}"
        run = run_mypy(src, corpus, work / f"{kind}.ini", cache_dir, cold=False, targets=targets)
        if number >= 2:
            row.seconds.setdefault(kind, []).append(run.seconds)
            row.cpu_seconds.setdefault(kind, []).append(run.cpu_seconds)
            row.peak_mb.setdefault(kind, []).append(run.peak_mb)

    try:
        for kind in KINDS:
            shutil.rmtree(work / f"single-{kind}", ignore_errors=True)
            once(kind, 0)  # fills the cache
            once(kind, 1)  # first warm run
        for repeat in range(repeats):
            for kind in KINDS if repeat % 2 == 0 else KINDS[::-1]:
                once(kind, repeat + 2)
        if counted:
            editor.write_edit(src, original, 1000)
            jobs = [
                instr.Job(
                    tuple(
                        mypy_command(corpus, work / f"{kind}.ini", work / f"single-{kind}", targets)
                    ),
                    src,
                    work / f"cg-single-{kind}.out",
                    bench_env(),
                )
                for kind in KINDS
            ]
            for kind, count in zip(KINDS, instr.count_all(jobs)):
                row.instructions[kind] = count
    finally:
        (src / editor.EDITED).write_text(original)
    return row


def dmypy_wall(corpus: Corpus, src: Path, work: Path, repeats: int) -> Row:
    """Both daemons up; after each edit, ``dmypy check`` on each in ABBA order."""
    row = Row(corpus.name, "`dmypy check` after an edit")
    original = (src / editor.EDITED).read_text()
    targets = list(corpus.packages)
    procs = {
        kind: editor.start_daemon(src, work / f"{kind}.ini", work / f"dmypy-{kind}.json")
        for kind in KINDS
    }
    try:
        for kind in KINDS:
            editor.check(src, work / f"dmypy-{kind}.json", targets, procs[kind].pid)
        for number in range(repeats + 1):
            editor.write_edit(src, original, number)
            for kind in KINDS if number % 2 == 0 else KINDS[::-1]:
                result = editor.check(src, work / f"dmypy-{kind}.json", targets, procs[kind].pid)
                if number > 0:  # the first edit is a warm-up
                    row.seconds.setdefault(kind, []).append(result.seconds)
                    row.cpu_seconds.setdefault(kind, []).append(result.daemon_cpu_seconds)
        for kind in KINDS:
            row.peak_mb[kind] = [editor.daemon_peak_mb(procs[kind].pid)]
    finally:
        for kind in KINDS:
            editor.stop_daemon(src, work / f"dmypy-{kind}.json", procs[kind])
        (src / editor.EDITED).write_text(original)
    return row


def dmypy_count(corpus: Corpus, src: Path, work: Path, row: Row) -> None:
    """Instructions of one edit and check: daemons with and without ``DMYPY_EDITS`` edits.

    Each session has its own copy of the corpus (they edit it at the same time)."""
    sessions = [(kind, edits) for kind in KINDS for edits in (0, DMYPY_EDITS)]

    def session(kind: str, edits: int) -> int:
        copy = editor.copy_tree(src, work / f"dm-src-{kind}-{edits}")
        out = work / f"cg-dm-{kind}-{edits}.out"
        out.unlink(missing_ok=True)
        try:
            editor.counted_session(
                copy,
                work / f"{kind}.ini",
                work / f"dm-{kind}-{edits}.json",
                corpus.packages,
                edits,
                instr.prefix(out),
            )
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        return instr.parse_summary(out.read_text())

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {s: pool.submit(session, *s) for s in sessions}
        counts = {s: future.result() for s, future in futures.items()}
    for kind in KINDS:
        row.instructions[kind] = (counts[kind, DMYPY_EDITS] - counts[kind, 0]) / DMYPY_EDITS


ROOT: Path = Path(__file__).resolve().parent.parent
# Set in the environment of the re-run inside the benchmark's own venv.
IN_VENV = "MYPY_LLMTRACEKIT_BENCH_VENV"
# The build backend compiles the wheel with mypyc when this is "1" (setup.py).
COMPILE = "MYPY_LLMTRACEKIT_COMPILE"


def run_as_installed(out: Path, compiled: bool) -> None:
    """Re-run this script in a venv holding the plugin as users install it.

    A wheel built from this checkout, beside the mypy in use: a wheel install has
    its ``.pyc`` files, the start-up hook and the RECORD file the plugin's code
    fingerprint is read from (an editable install hashes the sources instead, 16M
    instructions a run). The venv is kept in ``out`` and the plugin reinstalled
    each time; the compiled wheel has a venv of its own.
    """
    venv = out / ("venv-compiled" if compiled else "venv")
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q"]
    build_env = {**os.environ, COMPILE: "1" if compiled else ""}
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [*pip, f"mypy=={mypy.version.__version__}", str(ROOT)], check=True, env=build_env
        )
    subprocess.run([*pip, "--force-reinstall", "--no-deps", str(ROOT)], check=True, env=build_env)
    env = {**os.environ, IN_VENV: str(venv)}
    print(f"re-running in {venv} (the plugin installed from a wheel)", file=sys.stderr)
    os.execve(python, [str(python), __file__, *sys.argv[1:]], env)


def save(target: Path, head: str, rows: list[Row], sizes: list[Size]) -> str:
    """Write the tables and raw figures so far (a long run can be read before it ends)
    to ``target`` + ``.md`` and ``.json``."""
    linearity = linearity_table(sizes, rows)
    text = f"{head}\n\n{results_table(rows)}\n\nLinearity (cold runs):\n\n{linearity}\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_suffix(".md").write_text(text)
    figures = {"rows": [asdict(r) for r in rows], "sizes": [asdict(s) for s in sizes]}
    target.with_suffix(".json").write_text(json.dumps(figures, indent=1) + "\n")
    return text


def main() -> int:
    """Measure, print the tables, write them and the raw figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus only (< 10 minutes)")
    parser.add_argument("--scale", action="store_true", help="also the 369k-line corpus, cold")
    parser.add_argument("--repeats", type=int, help="ABBA pairs per run (default 5, quick 3)")
    parser.add_argument("--no-instructions", action="store_true", help="skip cachegrind")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / ".work")
    parser.add_argument(
        "--here",
        action="store_true",
        help="measure the plugin this interpreter imports (e.g. an editable install) "
        "instead of a wheel of this checkout in the benchmark's own venv",
    )
    parser.add_argument(
        "--compiled", action="store_true", help="the wheel compiled with mypyc (a venv of its own)"
    )
    args = parser.parse_args()
    if not args.here and IN_VENV not in os.environ:
        run_as_installed(args.out.resolve(), args.compiled)
    repeats = args.repeats or (3 if args.quick else 5)
    counted = not args.no_instructions
    if counted and not instr.available():
        parser.error("valgrind is not installed (apt-get install valgrind), or --no-instructions")
    work = args.workdir.resolve()
    names = ["small"] if args.quick else ["small", "full"]
    if args.scale:
        names.append("scale")

    spec = importlib.util.find_spec("mypy_llmtracekit")
    assert spec is not None and spec.origin is not None, "install the plugin: pip install -e ."
    package_dir = Path(spec.origin).parent
    compileall.compile_dir(str(package_dir), quiet=1)  # as a wheel install does
    installed = "a wheel of" if IN_VENV in os.environ else "imported from"
    walker = importlib.util.find_spec("mypy_llmtracekit.walker")
    compiled = walker is not None and str(walker.origin).endswith(
        tuple(importlib.machinery.EXTENSION_SUFFIXES)
    )
    if compiled:
        installed = f"compiled with mypyc, {installed}"
    # bench.md and bench.json, or bench-compiled.* for the compiled wheel.
    target = args.out / ("bench-compiled" if compiled else "bench")
    head = (
        f"Machine: {machine(mypy.version.__version__)}; plugin {installed} "
        f"{plugin_revision(ROOT)} (`{package_dir}`); {datetime.date.today()}; "
        "every default code on; "
        f"`PYTHONHASHSEED=0`. Instructions: `valgrind --tool=cachegrind --cache-sim=no`, one "
        f"run each (dmypy: per edit, from sessions of 0 and {DMYPY_EDITS} edits). Wall and CPU: "
        f"medians of {repeats} ABBA pairs ({repeats * 2} for the editor rows; dmypy CPU is the "
        f"daemon's); peak MB: RSS (dmypy: the daemon's, whole session). Editor rows: "
        f"{editor.environment_note()}."
    )
    rows: list[Row] = []
    sizes: list[Size] = []
    for name in names:
        corpus = CORPORA[name]
        src = fetch(corpus, work)
        size = Size(name, count_lines(src, corpus), ast_nodes(src, corpus))
        sizes.append(size)
        print(f"{name}: {size.lines:,} lines, {size.nodes:,} AST nodes", file=sys.stderr)
        caches = ("cold",) if name == "scale" else ("cold", "warm")
        corpus_rows = wall_runs(corpus, src, work, repeats, caches)
        corpus_rows[0].corpus = label(corpus, size)
        rows += corpus_rows
        save(target, head, rows, sizes)
        if counted:
            count_runs(corpus, src, work, corpus_rows)
            if "warm" in caches:
                rows.append(quiet_warm_count(corpus, src, work, corpus_rows[1]))
            save(target, head, rows, sizes)

    # The editor rows stay on the small corpus: a daemon counted under cachegrind
    # checks the whole corpus first, which the full one would make too slow.
    edited = CORPORA["small"]
    src = fetch(edited, work)
    print(f"editor latencies on {edited.name}", file=sys.stderr)
    rows.append(single_file(edited, src, work, repeats * 2, counted))
    save(target, head, rows, sizes)
    dmypy_row = dmypy_wall(edited, src, work, repeats * 2)
    rows.append(dmypy_row)
    save(target, head, rows, sizes)
    if counted and not args.quick:  # four daemons under cachegrind: minutes
        dmypy_count(edited, src, work, dmypy_row)
    print(save(target, head, rows, sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run mypy with and without the plugin on real code from PyPI that no one here wrote.

Downloads pinned wheels (the twelve llm-tracekit packages, redis, httpx,
starlette; ``--corpus scale`` adds anyio, fastapi and SQLAlchemy), unpacks them
and runs mypy over their sources, alternating plain mypy and mypy with the
plugin on a cold cache. Prints the plugin's findings per error code, every crash
(a mypy INTERNAL ERROR, a traceback, an ``ltk-internal`` error) and the time
ratio. Exit status 1 if anything crashed.

    python benchmarks/realcode.py
    python benchmarks/realcode.py --corpus scale --show ltk-blocking-io
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from corpus import CORPORA, count_lines, crashes, fetch, findings, run_mypy


def main() -> int:
    """Fetch, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="realcode")
    parser.add_argument("--repeats", type=int, default=1, help="alternating runs of each kind")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--show", action="append", default=[], help="print findings of CODE")
    parser.add_argument(
        "--cost-of", metavar="CODE", help="also time the plugin with CODE disabled (a rule's cost)"
    )
    args = parser.parse_args()
    corpus = CORPORA[args.corpus]
    src = fetch(corpus, args.workdir)
    lines = count_lines(src, corpus)
    print(f"corpus {corpus.name}: {len(corpus.wheels)} packages, {lines:,} lines of Python")

    without = args.workdir / "plugin-without.ini"
    if args.cost_of:
        without.write_text(
            f"{(args.workdir / 'plugin.ini').read_text()}disable_error_code = {args.cost_of}\n"
        )
    plain, plugin, reduced = [], [], []
    for _ in range(args.repeats):
        if args.cost_of:
            reduced.append(
                run_mypy(src, corpus, without, args.workdir / "cache-without", cold=True)
            )
        plain.append(
            run_mypy(
                src, corpus, args.workdir / "plain.ini", args.workdir / "cache-plain", cold=True
            )
        )
        plugin.append(
            run_mypy(
                src, corpus, args.workdir / "plugin.ini", args.workdir / "cache-plugin", cold=True
            )
        )

    last = plugin[-1]
    for code, count in sorted(findings(last.output).items()):
        print(f"{code:30} {count:6}")
    for code in args.show:
        for line in last.output.splitlines():
            if line.endswith(f"[{code}]"):
                print("   ", line)
    broken = [line for run in plugin for line in crashes(run)]
    print(f"crashes: {len(broken)}")
    for line in broken[:20]:
        print("   ", line)
    plain_s = statistics.median(r.seconds for r in plain)
    plugin_s = statistics.median(r.seconds for r in plugin)
    print(
        f"cold-cache wall time (median of {args.repeats}): plain {plain_s:.2f} s, "
        f"with plugin {plugin_s:.2f} s, ratio {plugin_s / plain_s:.3f}"
    )
    if reduced:
        reduced_s = statistics.median(r.seconds for r in reduced)
        print(
            f"{args.cost_of}: plugin without it {reduced_s:.2f} s, with it {plugin_s:.2f} s, "
            f"ratio {plugin_s / reduced_s:.3f}"
        )
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())

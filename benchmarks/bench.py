"""How much the plugin costs: mypy with and without it, on the same real code, in one run.

For each corpus size (``small``, then ``full``: at least 100k lines from PyPI),
runs plain mypy and mypy with the plugin alternately, ``--repeats`` times each,
on a cold cache and then on a warm one (a second run over an unchanged tree).
Prints median wall time, peak memory (RSS), the plugin/plain ratios and lines
per second, and the machine it ran on. No assertion: the figures are for people.

    python benchmarks/bench.py --repeats 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

import mypy.version
from corpus import CORPORA, Corpus, Run, count_lines, fetch, run_mypy


def machine() -> str:
    """CPU, cores, Python and mypy versions."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"mypy {mypy.version.__version__}"
    )


def measure(corpus: Corpus, workdir: Path, repeats: int) -> dict[str, list[Run]]:
    """Alternate plain and plugin runs: cold (empty cache), then warm (same cache)."""
    src = fetch(corpus, workdir)
    runs: dict[str, list[Run]] = {
        key: [] for key in ("plain-cold", "plugin-cold", "plain-warm", "plugin-warm")
    }
    for _ in range(repeats):
        for kind in ("plain", "plugin"):
            config = workdir / f"{kind}.ini"
            cache = workdir / f"cache-{corpus.name}-{kind}"
            runs[f"{kind}-cold"].append(run_mypy(src, corpus, config, cache, cold=True))
            runs[f"{kind}-warm"].append(run_mypy(src, corpus, config, cache, cold=False))
    return runs


def report(corpus: Corpus, lines: int, runs: dict[str, list[Run]]) -> None:
    """Print one corpus' table."""
    print(f"\n{corpus.name}: {lines:,} lines ({', '.join(corpus.packages)})")
    print(
        f"{'':6} {'plain s':>9} {'plugin s':>9} {'ratio':>7} {'plain MB':>9} "
        f"{'plugin MB':>10} {'ratio':>7} {'lines/s':>9}"
    )
    for cache in ("cold", "warm"):
        plain, plugin = runs[f"plain-{cache}"], runs[f"plugin-{cache}"]
        p_s = statistics.median(r.seconds for r in plain)
        g_s = statistics.median(r.seconds for r in plugin)
        p_mb = statistics.median(r.peak_mb for r in plain)
        g_mb = statistics.median(r.peak_mb for r in plugin)
        print(
            f"{cache:6} {p_s:9.2f} {g_s:9.2f} {g_s / p_s:7.3f} {p_mb:9.0f} {g_mb:10.0f} "
            f"{g_mb / p_mb:7.3f} {lines / g_s:9,.0f}"
        )


def main() -> int:
    """Measure every requested corpus size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--corpus",
        action="append",
        choices=sorted(CORPORA),
        help="corpus sizes to measure (default: small and full)",
    )
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / ".corpus")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"repeats: {args.repeats} of each kind, alternating; medians shown")
    for name in args.corpus or ["small", "full"]:
        corpus = CORPORA[name]
        runs = measure(corpus, args.workdir, args.repeats)
        report(corpus, count_lines(args.workdir / f"src-{corpus.name}", corpus), runs)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

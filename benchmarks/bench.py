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
    for repeat in range(repeats):
        # ABBA order: neither kind always runs first (caches, CPU clock).
        order = ("plain", "plugin") if repeat % 2 == 0 else ("plugin", "plain")
        for kind in order:
            config = workdir / f"{kind}.ini"
            cache = workdir / f"cache-{corpus.name}-{kind}"
            runs[f"{kind}-cold"].append(run_mypy(src, corpus, config, cache, cold=True))
            runs[f"{kind}-warm"].append(run_mypy(src, corpus, config, cache, cold=False))
    return runs


def report(corpus: Corpus, lines: int, runs: dict[str, list[Run]]) -> None:
    """Print one corpus' table."""
    print(f"\n{corpus.name}: {lines:,} lines ({', '.join(corpus.packages)})")
    print(
        f"{'':6} {'plain s':>8} {'plugin s':>9} {'ratio':>6} {'plain cpu':>10} "
        f"{'plugin cpu':>11} {'ratio':>6} {'plain MB':>9} {'plugin MB':>10} {'ratio':>6} "
        f"{'lines/s':>8}"
    )
    for cache in ("cold", "warm"):
        plain, plugin = runs[f"plain-{cache}"], runs[f"plugin-{cache}"]
        p_s, g_s = _median(plain, "seconds"), _median(plugin, "seconds")
        p_c, g_c = _median(plain, "cpu_seconds"), _median(plugin, "cpu_seconds")
        p_mb, g_mb = _median(plain, "peak_mb"), _median(plugin, "peak_mb")
        print(
            f"{cache:6} {p_s:8.2f} {g_s:9.2f} {g_s / p_s:6.3f} {p_c:10.2f} {g_c:11.2f} "
            f"{g_c / p_c:6.3f} {p_mb:9.0f} {g_mb:10.0f} {g_mb / p_mb:6.3f} {lines / g_s:8,.0f}"
        )


def _median(runs: list[Run], field: str) -> float:
    return statistics.median(float(getattr(run, field)) for run in runs)


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

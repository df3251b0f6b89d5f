"""Run mypy with and without the plugin on real code from PyPI that no one here wrote.

Downloads pinned wheels (the llm-tracekit instrumentation packages, llm-tracekit-core,
redis, httpx, starlette), unpacks them, and runs mypy over their sources twice per
repeat, alternating plain mypy and mypy with the plugin, each on a cold cache. It
prints the plugin's findings per error code, any crash (a mypy INTERNAL ERROR, a
traceback, or an ``ltk-internal`` error), and the wall time of both runs with their
ratio. Exit status 1 if anything crashed.

    python benchmarks/realcode.py            # one repeat
    python benchmarks/realcode.py --repeats 3 --show ltk-blocking-io
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

PACKAGES: tuple[str, ...] = (
    "llm-tracekit-core==1.2.1",
    "llm-tracekit-openai==1.3.3",
    "llm-tracekit-anthropic==1.0.0",
    "llm-tracekit-bedrock==1.3.0",
    "llm-tracekit-gemini==1.3.0",
    "llm-tracekit-google-adk==1.3.0",
    "llm-tracekit-langchain==1.4.0",
    "llm-tracekit-langgraph==1.3.0",
    "llm-tracekit-litellm==1.3.1",
    "llm-tracekit-microsoft-foundry==1.0.0",
    "llm-tracekit-openai-agents==1.3.0",
    "llm-tracekit-strands==1.1.1",
    "redis==8.1.0",
    "httpx==0.28.1",
    "starlette==1.10.0",
)
TARGETS: tuple[str, ...] = ("llm_tracekit", "redis", "httpx", "starlette")
BASE_CONFIG = "[mypy]\nignore_missing_imports = True\nexplicit_package_bases = True\n"
PLUGIN_CONFIG = BASE_CONFIG + "plugins = mypy_llmtracekit\n"
CODE = re.compile(r"\[(ltk-[a-z-]+)\]$")
CRASH_MARKERS = ("INTERNAL ERROR", "Traceback (most recent call last)", "[ltk-internal]")


@dataclass
class Run:
    """One mypy run: its wall time, exit status and output."""

    seconds: float
    status: int
    output: str


def fetch(workdir: Path) -> Path:
    """Download and unpack the pinned wheels; return the source root."""
    wheels = workdir / "wheels"
    src = workdir / "src"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    subprocess.run([*pip, "--only-binary=:all:", "--dest", str(wheels), *PACKAGES], check=True)
    shutil.rmtree(src, ignore_errors=True)
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(src)
    return src


def count_lines(src: Path) -> int:
    """Lines of Python in the checked packages."""
    return sum(
        len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        for target in TARGETS
        for path in (src / target).rglob("*.py")
    )


def run_mypy(src: Path, config: Path, cache: Path) -> Run:
    """Run mypy over the targets on a cold cache."""
    shutil.rmtree(cache, ignore_errors=True)
    packages = [arg for target in TARGETS for arg in ("-p", target)]
    command = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    command += ["--cache-dir", str(cache), "--no-error-summary", *packages]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=src, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return Run(seconds, done.returncode, done.stdout + done.stderr)


def findings(output: str) -> collections.Counter[str]:
    """Count the plugin's findings per error code."""
    counts: collections.Counter[str] = collections.Counter()
    for line in output.splitlines():
        match = CODE.search(line)
        if match:
            counts[match.group(1)] += 1
    return counts


def crashes(run: Run) -> list[str]:
    """Lines that show a crash; exit status 2 counts as one too."""
    lines = [line for line in run.output.splitlines() if any(m in line for m in CRASH_MARKERS)]
    if run.status not in (0, 1):
        lines.append(f"mypy exited with status {run.status}")
    return lines


def main() -> int:
    """Fetch, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="alternating runs of each kind")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--show", action="append", default=[], help="print findings of CODE")
    args = parser.parse_args()

    src = fetch(args.workdir)
    (args.workdir / "plain.ini").write_text(BASE_CONFIG)
    (args.workdir / "plugin.ini").write_text(PLUGIN_CONFIG)
    print(f"corpus: {len(PACKAGES)} packages, {count_lines(src):,} lines of Python")

    plain: list[Run] = []
    plugin: list[Run] = []
    for _ in range(args.repeats):
        plain.append(run_mypy(src, args.workdir / "plain.ini", args.workdir / "cache-plain"))
        plugin.append(run_mypy(src, args.workdir / "plugin.ini", args.workdir / "cache-plugin"))

    last = plugin[-1]
    for code, count in sorted(findings(last.output).items()):
        print(f"{code:28} {count:5}")
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
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())

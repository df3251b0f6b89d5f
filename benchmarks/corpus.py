"""Real code from PyPI for the benchmark and the real-code run: fetch it, run mypy on it.

Wheels are pinned, downloaded with pip (no dependencies: missing imports are
ignored) and unpacked; mypy then checks their sources as if they were a project.
"""

from __future__ import annotations

import ast
import collections
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LLM_TRACEKIT: tuple[str, ...] = (
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
)


@dataclass(frozen=True)
class Corpus:
    """A named set of pinned wheels and the top-level packages mypy checks."""

    name: str
    wheels: tuple[str, ...]
    packages: tuple[str, ...]


SMALL = Corpus(
    "small",
    (*LLM_TRACEKIT, "httpx==0.28.1", "starlette==1.10.0"),
    ("llm_tracekit", "httpx", "starlette"),
)
REALCODE = Corpus("realcode", (*SMALL.wheels, "redis==8.1.0"), (*SMALL.packages, "redis"))
FULL = Corpus(
    "full",
    (*REALCODE.wheels, "anyio==4.11.0", "fastapi==0.118.0"),
    (*REALCODE.packages, "anyio", "fastapi"),
)
SCALE = Corpus("scale", (*FULL.wheels, "sqlalchemy==2.0.44"), (*FULL.packages, "sqlalchemy"))
CORPORA: dict[str, Corpus] = {c.name: c for c in (SMALL, REALCODE, FULL, SCALE)}

# ``no_site_packages``: the corpus is checked against itself and typeshed only, so
# the figures do not depend on what else the venv holds (``pip install -e '.[test]'``
# adds typed packages the corpus imports, opentelemetry, openai, anthropic...:
# with them mypy checks 10,147 modules instead of 303, all but the corpus silenced).
BASE_CONFIG = (
    "[mypy]\nignore_missing_imports = True\nexplicit_package_bases = True\n"
    "no_site_packages = True\n"
)
PLUGIN_CONFIG: str = BASE_CONFIG + "plugins = mypy_llmtracekit\n"
# The plugin with every code off: all of its work, no finding for mypy to print.
QUIET_CONFIG: str = PLUGIN_CONFIG + "disable_error_code = ltk\n"
CODE = re.compile(r"\[(ltk-[a-z-]+)\]$")
CRASH_MARKERS = ("INTERNAL ERROR", "Traceback (most recent call last)", "[ltk-internal]")


@dataclass
class Run:
    """One mypy run: wall time, peak memory, exit status and output."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    status: int
    output: str


def fetch(corpus: Corpus, workdir: Path) -> Path:
    """Download and unpack the corpus' wheels; return the source root."""
    wheels = workdir / "wheels"
    src = workdir / f"src-{corpus.name}"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(wheels),
            *corpus.wheels,
        ],
        check=True,
    )
    shutil.rmtree(src, ignore_errors=True)
    for wheel in sorted(wheels.glob("*.whl")):
        if _wheel_project(wheel.name) in {_project(spec) for spec in corpus.wheels}:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(src)
    (workdir / "plain.ini").write_text(BASE_CONFIG)
    (workdir / "plugin.ini").write_text(PLUGIN_CONFIG)
    (workdir / "quiet.ini").write_text(QUIET_CONFIG)
    return src


def _project(spec: str) -> str:
    return spec.split("==")[0].replace("-", "_").lower()


def _wheel_project(filename: str) -> str:
    return filename.split("-")[0].lower()


def count_lines(src: Path, corpus: Corpus) -> int:
    """Lines of Python in the checked packages."""
    return sum(
        len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        for package in corpus.packages
        for path in (src / package).rglob("*.py")
    )


def bench_env() -> dict[str, str]:
    """The environment of every measured run: fixed hash seed, bytecode caching allowed.

    With ``PYTHONDONTWRITEBYTECODE`` set and the plugin installed editable (no
    ``.pyc``), every run would compile the plugin's sources again: 137M
    instructions, as much as the rest of its import. A wheel install has its
    ``.pyc``; ``bench.py`` compiles the package before measuring.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONHASHSEED": "0"}


def mypy_command(
    corpus: Corpus, config: Path, cache: Path, targets: Sequence[str] = ()
) -> list[str]:
    """The mypy command line for a corpus (all its packages unless ``targets`` given)."""
    if not targets:
        targets = [arg for package in corpus.packages for arg in ("-p", package)]
    command = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    return [*command, "--cache-dir", str(cache), "--no-error-summary", *targets]


def run_mypy(
    src: Path,
    corpus: Corpus,
    config: Path,
    cache: Path,
    *,
    cold: bool,
    targets: Sequence[str] = (),
) -> Run:
    """Run mypy over the corpus; a cold run starts from an empty cache."""
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    command = mypy_command(corpus, config, cache, targets)
    out_path = cache.with_suffix(".out")
    with out_path.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=src, stdout=out, stderr=subprocess.STDOUT, env=bench_env()
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return Run(
        seconds,
        cpu,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        out_path.read_text(),
    )


def ast_nodes(src: Path, corpus: Corpus) -> int:
    """AST nodes in the checked packages (what a walk over them visits)."""
    total = 0
    for package in corpus.packages:
        for path in (src / package).rglob("*.py"):
            try:
                tree = ast.parse(path.read_bytes())
            except SyntaxError:
                continue
            total += sum(1 for _ in ast.walk(tree))
    return total


def findings(output: str) -> collections.Counter[str]:
    """Count the plugin's findings per error code."""
    counts: collections.Counter[str] = collections.Counter()
    for line in output.splitlines():
        match = CODE.search(line)
        if match:
            counts[match.group(1)] += 1
    return counts


def crashes(run: Run) -> list[str]:
    """Lines that show a crash; an exit status other than 0 or 1 counts as one too."""
    lines = [line for line in run.output.splitlines() if any(m in line for m in CRASH_MARKERS)]
    if run.status not in (0, 1):
        lines.append(f"mypy exited with status {run.status}")
    return lines

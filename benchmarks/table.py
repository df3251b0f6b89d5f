"""The benchmark's results as markdown: the table the README takes verbatim, and the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("plain", "plugin")


@dataclass
class Row:
    """One measured situation, plain mypy beside mypy with the plugin (keys of ``KINDS``)."""

    corpus: str
    run: str
    instructions: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu_seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_mb: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Size:
    """What a corpus holds: lines and AST nodes of the checked packages."""

    name: str
    lines: int
    nodes: int


def machine(mypy_version: str) -> str:
    """CPU model, cores, Python and mypy versions."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, mypy {mypy_version}"


def plugin_revision(package_dir: Path) -> str:
    """The git commit the plugin was imported from, ``+changes`` if its tree is not clean."""

    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=package_dir, capture_output=True, text=True, check=False
        )
        return proc.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", ".")
    return f"{commit}{' +changes' if dirty else ''}"


def ratio(plugin: float | None, plain: float | None) -> float | None:
    """plugin / plain, or None when either is missing or plain is zero."""
    if plugin is None or plain is None or plain == 0:
        return None
    return plugin / plain


def median(values: Sequence[float] | None) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(plugin: float | None, plain: float | None) -> str:
    return _num(ratio(plugin, plain), 3)


def row_cells(row: Row) -> list[str]:
    """The cells of one table line."""
    instr = {kind: row.instructions.get(kind) for kind in KINDS}
    secs = {kind: median(row.seconds.get(kind)) for kind in KINDS}
    cpus = {kind: median(row.cpu_seconds.get(kind)) for kind in KINDS}
    mbs = {kind: median(row.peak_mb.get(kind)) for kind in KINDS}
    giga = {kind: None if value is None else value / 1e9 for kind, value in instr.items()}
    return [
        row.corpus,
        row.run,
        _num(giga["plain"], 3),
        _num(giga["plugin"], 3),
        _ratio(instr["plugin"], instr["plain"]),
        _num(secs["plain"], 2),
        _num(secs["plugin"], 2),
        _ratio(secs["plugin"], secs["plain"]),
        _ratio(cpus["plugin"], cpus["plain"]),
        _num(mbs["plain"], 0),
        _num(mbs["plugin"], 0),
        _ratio(mbs["plugin"], mbs["plain"]),
    ]


HEADER = (
    "corpus",
    "run",
    "G instr plain",
    "G instr plugin",
    "instr ratio",
    "wall plain s",
    "wall plugin s",
    "wall ratio",
    "CPU ratio",
    "peak MB plain",
    "peak MB plugin",
    "MB ratio",
)


def markdown(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return "\n".join(out)


def results_table(rows: Sequence[Row]) -> str:
    """The main table: one line per corpus and run."""
    return markdown(HEADER, [row_cells(row) for row in rows])


def linearity_table(sizes: Sequence[Size], rows: Sequence[Row]) -> str:
    """Cold-run instructions per line and per AST node, plain and the plugin's extra."""
    cold = {row.corpus.split(" ")[0]: row for row in rows if row.run == "cold"}
    lines = []
    for size in sizes:
        row = cold.get(size.name)
        if row is None or not set(KINDS) <= row.instructions.keys():
            continue
        plain, plugin = row.instructions["plain"], row.instructions["plugin"]
        extra = plugin - plain
        lines.append(
            [
                size.name,
                f"{size.lines:,}",
                f"{size.nodes:,}",
                _num(plain / 1e9, 3),
                _num(extra / 1e9, 3),
                _num(extra / size.lines, 0),
                _num(extra / size.nodes, 0),
            ]
        )
    header = (
        "corpus",
        "lines",
        "AST nodes",
        "G instr plain (cold)",
        "G instr added by plugin",
        "added per line",
        "added per node",
    )
    return markdown(header, lines)

"""Where the plugin's time goes: mypy with the plugin under cProfile, cold and warm.

Runs mypy in-process with its fast exit off (``clean_exit=True``: mypy otherwise
leaves through ``os._exit`` and no profile is written), in a fresh process per
run, CPU-time clock, ``PYTHONHASHSEED=0``. mypy itself is compiled (mypyc) and
invisible to cProfile, except through the time it spends in the plugin's
callbacks; the plugin is pure Python, and cProfile slows it more than mypy, so
the share printed here is an upper bound: the benchmark's instruction counts
give the true cost, this gives its breakdown.

    python benchmarks/plugin_profile.py                 # full corpus, cold then warm
    python benchmarks/plugin_profile.py --corpus small --top 30
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from corpus import CORPORA, bench_env, fetch, mypy_command
from table import markdown

PACKAGE = "mypy_llmtracekit"
Key = tuple[str, int, str]


def profile_run(src: Path, args: list[str], out: Path) -> None:
    """Profile one mypy run in this process; write the stats to ``out``."""
    import mypy.main

    os.chdir(src)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        mypy.main.main(args=args, clean_exit=True)
    except SystemExit:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(str(out))


def in_plugin(key: Key) -> bool:
    """Whether a profile entry is code of the plugin's package."""
    return f"/{PACKAGE}/" in key[0].replace(os.sep, "/")


def module(key: Key) -> str:
    """The plugin module a profile entry belongs to (``rules.blocking_io``)."""
    normal = key[0].replace(os.sep, "/")
    return normal.split(f"/{PACKAGE}/", 1)[1].removesuffix(".py").replace("/", ".")


def name(key: Key) -> str:
    """``module.function`` for the plugin's code, cProfile's own label for the rest."""
    path, line, function = key
    normal = path.replace(os.sep, "/")
    if f"/{PACKAGE}/" not in normal:
        return function if path == "~" else f"{Path(path).name}:{function}"
    return f"{module(key)}.{function}:{line}"


def plugin_total(stats: dict[Key, tuple]) -> float:  # type: ignore[type-arg]
    """Time inside the plugin: its import, plus every call into it from outside.

    Entries into the plugin are calls of its functions by code that is not its
    own (mypy's hooks, importlib); a module body (``<module>``) other than the
    package's ``__init__`` is left out: it runs inside an import already counted.
    """
    total = 0.0
    for key, (_cc, _nc, _tt, ct, callers) in stats.items():
        if not in_plugin(key):
            continue
        if key[2] == "<module>":
            if key[0].replace(os.sep, "/").endswith(f"/{PACKAGE}/__init__.py"):
                total += ct
            continue
        total += sum(entry[3] for caller, entry in callers.items() if not in_plugin(caller))
    return total


def self_times(stats: dict[Key, tuple]) -> dict[Key, tuple[int, float]]:  # type: ignore[type-arg]
    """Calls and self time spent in each function on behalf of the plugin.

    The plugin's functions count whole; any other function (``isinstance``,
    ``dict.get``, the standard library) counts the calls made directly from the
    plugin's code.
    """
    out: dict[Key, tuple[int, float]] = {}
    for key, (_cc, nc, tt, _ct, callers) in stats.items():
        if in_plugin(key):
            out[key] = (nc, tt)
            continue
        from_plugin = [entry for caller, entry in callers.items() if in_plugin(caller)]
        if from_plugin:
            out[key] = (sum(e[1] for e in from_plugin), sum(e[2] for e in from_plugin))
    return out


def by_module(stats: dict[Key, tuple]) -> dict[str, float]:  # type: ignore[type-arg]
    """Self time per plugin module, with the builtins and library calls it makes directly."""
    out: dict[str, float] = {}
    for key, (_cc, _nc, tt, _ct, callers) in stats.items():
        if in_plugin(key):
            out[module(key)] = out.get(module(key), 0.0) + tt
            continue
        for caller, entry in callers.items():
            if in_plugin(caller):
                out[module(caller)] = out.get(module(caller), 0.0) + entry[2]
    return out


def report(label: str, path: Path, top: int) -> str:
    """Markdown: the plugin's share, then its top functions inclusive and by self time."""
    loaded = pstats.Stats(str(path))
    stats: dict[Key, tuple] = loaded.stats  # type: ignore[attr-defined, type-arg]
    total: float = loaded.total_tt  # type: ignore[attr-defined]
    plugin = plugin_total(stats)
    lines = [
        f"### {label}",
        "",
        f"Profiled CPU time {total:.2f} s; inside the plugin {plugin:.2f} s "
        f"({plugin / total:.1%}).",
        "",
    ]
    inclusive = sorted(
        ((key, value[3], value[1]) for key, value in stats.items() if in_plugin(key)),
        key=lambda item: -item[1],
    )
    lines += [
        "Plugin functions by inclusive time (share of the plugin's time):",
        "",
        _table(inclusive[:top], plugin),
        "",
        "By self time, the plugin's own and what it calls directly (builtins, stdlib):",
        "",
    ]
    own = sorted(
        ((key, tt, calls) for key, (calls, tt) in self_times(stats).items()),
        key=lambda item: -item[1],
    )
    lines += [_table(own[:top], plugin), ""]
    modules = sorted(by_module(stats).items(), key=lambda item: -item[1])
    rest = plugin - sum(seconds for _, seconds in modules)
    cells = [[f"`{m}`", f"{seconds:.3f}", f"{seconds / plugin:.1%}"] for m, seconds in modules]
    cells.append(
        [
            "mypy code called by the plugin, deeper library calls",
            f"{rest:.3f}",
            f"{rest / plugin:.1%}",
        ]
    )
    lines += [
        "By module (self time, with the builtins and library calls it makes directly):",
        "",
        markdown(("module", "s", "share"), cells),
        "",
    ]
    return "\n".join(lines)


def _table(entries: Iterable[tuple[Key, float, int]], plugin: float) -> str:
    return markdown(
        ("function", "calls", "s", "share"),
        [
            [f"`{name(key)}`", f"{calls:,}", f"{seconds:.3f}", f"{seconds / plugin:.1%}"]
            for key, seconds, calls in entries
        ],
    )


def main() -> int:
    """Profile cold then warm (each in a fresh process), print both reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="full")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / ".work")
    parser.add_argument("--run", nargs=3, metavar=("SRC", "OUT", "ARGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        src, out, mypy_args = args.run
        profile_run(Path(src), json.loads(mypy_args), Path(out))
        return 0
    corpus = CORPORA[args.corpus]
    work = args.workdir.resolve()
    src = fetch(corpus, work)
    cache = work / f"prof-cache-{corpus.name}"
    shutil.rmtree(cache, ignore_errors=True)
    mypy_args = mypy_command(corpus, work / "plugin.ini", cache)[3:]
    args.out.mkdir(parents=True, exist_ok=True)
    sections = []
    for phase in ("cold", "warm"):
        out = (args.out / f"profile-{corpus.name}-{phase}.prof").resolve()
        env = bench_env()
        command = [sys.executable, __file__, "--run", str(src), str(out), json.dumps(mypy_args)]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        sections.append(report(f"{corpus.name}, {phase} cache", out, args.top))
    text = "\n".join(sections)
    print(text)
    (args.out / f"profile-{corpus.name}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

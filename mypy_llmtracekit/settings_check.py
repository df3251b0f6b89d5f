"""Settings that name nothing: one note per run for each configured name that resolves to nothing.

``background_task_helper = common.tasks.create_bg_task`` (the helper is called
``create_background_task``) or ``blocking_io_extra = mylib.Clinet`` pass the
config check (they are dotted names) and would silently do nothing. Once mypy
has loaded a module that the name points into, the name can be judged:

* **unresolved**: the deepest module of the name that is part of the build
  (``common.tasks``), once mypy has analysed it, does not define the rest
  (``create_bg_task``). One note. When that module is a package, the rest may
  be a submodule this run does not import: only when no such file exists beside
  its ``__init__`` (``common.task.Client`` without ``common/task.py``) is it noted.
* **cannot be judged**: no module of the name is part of the build (a library
  this run does not import, a package only other services use, a one-file run
  that does not reach it). Nothing is said: the name may be right, and it
  changes nothing in this run. ``does.not.exist`` is such a name.

The plugin calls :func:`note_once` on each module pass with mypy's symbol lookup
and the build's module names; it prints each note once per mypy process, to
stderr, as ``mypy-llmtracekit: note: mypy.ini: [mypy_llmtracekit] ...``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from mypy.nodes import MypyFile

from mypy_llmtracekit.config import Settings

# The settings whose values are names of Python objects.
NAME_SETTINGS: tuple[str, ...] = (
    "blocking_io_extra",
    "blocking_io_exempt",
    "obvious_calls",
    "background_task_helper",
    "sql_classes",
)


def unresolved(
    settings: Settings, lookup: Callable[[str], bool], modules: Mapping[str, MypyFile]
) -> list[str]:
    """The notes for every configured name that resolves to nothing in the build.

    ``lookup(fullname)`` says whether mypy's symbol tables define ``fullname``;
    ``modules`` is the build (mypy's modules by full name).
    """
    found: list[str] = []
    for key in NAME_SETTINGS:
        values: tuple[str, ...] = getattr(settings, key)
        for name in values:
            why = _why_unresolved(name, lookup, modules)
            if why is not None:
                found.append(f"[mypy_llmtracekit] {key}: {name!r} names nothing: {why}")
    return found


def _why_unresolved(
    name: str, lookup: Callable[[str], bool], modules: Mapping[str, MypyFile]
) -> str | None:
    """Why ``name`` resolves to nothing, or None if it resolves or cannot be judged (yet)."""
    parts = name.split(".")
    # The deepest module of the name that is part of the build.
    depth = next((n for n in range(len(parts) - 1, 0, -1) if ".".join(parts[:n]) in modules), 0)
    if depth == 0:
        return None
    module = ".".join(parts[:depth])
    tree = modules[module]
    if not tree.names:
        return None  # parsed, not analysed yet: judged on a later module pass
    if lookup(name):
        return None
    if _may_be_unimported_submodule(tree, parts[depth]):
        return None
    known = module
    for part in parts[depth:-1]:
        if not lookup(f"{known}.{part}"):
            break
        known = f"{known}.{part}"
    missing = name[len(known) + 1 :]
    what = f"module {known!r}" if known == module else repr(known)
    return f"{what} has no {missing!r}"


def _may_be_unimported_submodule(package: MypyFile, name: str) -> bool:
    """A package's submodule that this run does not import is not in the build."""
    path = Path(package.path)
    if path.stem != "__init__":
        return False
    return any(
        candidate.exists()
        for candidate in (
            path.parent / f"{name}.py",
            path.parent / f"{name}.pyi",
            path.parent / name,
        )
    )


class Noted:
    """What one mypy process has noted already, and the names known to resolve."""

    def __init__(self) -> None:
        self.said: set[str] = set()
        self.resolved: set[str] = set()


_NOTED = Noted()


def note_once(
    settings: Settings,
    config_file: str | None,
    lookup: Callable[[str], bool],
    modules: Mapping[str, MypyFile],
    cache_dir: str,
    noted: Noted = _NOTED,
    stream: TextIO | None = None,
) -> list[str]:
    """Print (to stderr) the notes this run has not printed yet; return them.

    Called on every module pass: a name is judged once the module it points into
    has been analysed, and each note is printed once per run (under ``-n N``,
    the workers agree through a marker file in mypy's cache directory).
    """

    def cached(fullname: str) -> bool:
        if fullname in noted.resolved:
            return True
        if lookup(fullname):
            noted.resolved.add(fullname)
            return True
        return False

    new = [n for n in unresolved(settings, cached, modules) if n not in noted.said]
    where = f"{config_file}: " if config_file else ""
    printed: list[str] = []
    for note in new:
        noted.said.add(note)
        if _first_in_run(note, cache_dir):
            _say(f"mypy-llmtracekit: note: {where}{note}\n", stream)
            printed.append(note)
    return printed


def _say(line: str, stream: TextIO | None) -> None:
    """Write one whole line: ``-n`` workers share stderr, and one ``write`` of a short
    line to it is not interleaved with another process's (``print`` writes the text
    and the newline apart)."""
    if stream is not None:
        stream.write(line)
        return
    sys.stderr.flush()
    os.write(sys.stderr.fileno(), line.encode())


def _first_in_run(note: str, cache_dir: str) -> bool:
    """In a ``-n`` worker: True for the first worker of this run to print ``note``."""
    if "mypy.build_worker" not in sys.modules:
        return True  # one process: the in-memory set is enough
    run = os.getppid()
    folder = Path(cache_dir) / "mypy_llmtracekit" / "notes"
    digest = hashlib.sha256(note.encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _forget_finished_runs(folder, run)
        os.close(os.open(folder / f"{run}-{digest}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    except OSError:
        return True  # no usable cache directory: better twice than never
    return True


def _forget_finished_runs(folder: Path, run: int) -> None:
    """Remove the markers of runs whose coordinating mypy process has exited."""
    for marker in folder.iterdir():
        pid = marker.name.partition("-")[0]
        if not pid.isdigit() or int(pid) == run:
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            marker.unlink(missing_ok=True)
        except OSError:
            continue

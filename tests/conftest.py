"""Shared helpers: run the real mypy (and dmypy) on small projects in a temp dir."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PLUGIN_INI = "[mypy]\nplugins = mypy_llmtracekit\n"
STARTUP_PTH = "mypy_llmtracekit_startup.pth"
ANCHOR = "mypy_llmtracekit_anchor"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The YAML cases: one mypy cache per case configuration and mypy release.

    pytest-mypy-plugins keeps one cache per worker, and a case's ``mypy_config``
    (``enable_error_code``, the plugin's settings...) makes all of it stale: each
    case after one with another configuration re-checked the standard library and
    httpx from scratch. A directory per configuration under the worker's keeps
    cases that share one warm (``.ci/run`` runs several suites, and two mypy
    releases, on one testing base). A case's own files are always checked afresh:
    each runs in a new directory, and their cache entries are removed after it.
    (Here, not in test-data/: a second ``conftest`` module would shadow this one,
    which the tests import.)
    """
    import mypy.version
    from pytest_mypy_plugins.item import YamlTestItem

    for item in items:
        if not isinstance(item, YamlTestItem):
            continue
        identity = f"{mypy.version.__version__}\n{item.additional_mypy_config}"
        key = hashlib.sha256(identity.encode()).hexdigest()[:12]
        item.incremental_cache_dir = os.path.join(item.incremental_cache_dir, key)
        _point_removal_at_mypys_directory(item.incremental_cache_dir, _target_version(item))


def _target_version(item: pytest.Item) -> str:
    """The ``python_version`` a YAML case checks for: its own, else test-data/mypy.ini's."""
    for text in (getattr(item, "additional_mypy_config", ""), _base_ini(item)):
        match = re.search(r"^python_version\s*=\s*(\S+)", text, re.M)
        if match:
            return match.group(1)
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _base_ini(item: pytest.Item) -> str:
    path = getattr(item, "base_ini_fpath", None)
    return Path(path).read_text() if path else ""


def _point_removal_at_mypys_directory(cache_dir: str, version: str) -> None:
    """mypy caches under ``<cache>/<python_version>``; pytest-mypy-plugins removes a
    case's files from ``<cache>/<this interpreter's version>``. When the two differ
    (the 3.10, 3.12 and 3.13 suites: the cases check for 3.11), a link makes the
    removal find them: otherwise a later case with a file of the same name and
    content would find it in the cache, and the cases would depend on their order."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if here == version:
        return
    os.makedirs(os.path.join(cache_dir, version), exist_ok=True)
    link = os.path.join(cache_dir, here)
    if not os.path.lexists(link):
        os.symlink(version, link)


@pytest.fixture(scope="session", autouse=True)
def startup_pth() -> None:
    """Give an editable install the files a wheel install puts in site-packages.

    The wheel puts ``mypy_llmtracekit_startup.pth`` in site-packages (see setup.py),
    and the typed package ``mypy_llmtracekit_anchor``, which mypy must find there
    (an editable install's import hook is invisible to mypy's module finder);
    editable installs do neither, so the suite adds the same files.
    """
    purelib = Path(sysconfig.get_paths()["purelib"])
    root = Path(__file__).parent.parent
    _install_copy(root / STARTUP_PTH, purelib / STARTUP_PTH)
    for name in ("__init__.py", "py.typed"):
        _install_copy(root / ANCHOR / name, purelib / ANCHOR / name)


def _install_copy(source: Path, target: Path) -> None:
    """Copy unless already there, atomically: a Python starting meanwhile (another
    xdist worker) never reads half a file."""
    if not source.exists() or target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(exist_ok=True)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


@dataclass
class Result:
    """What a mypy command printed and its exit status."""

    status: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """The diagnostic lines, without the summary line."""
        return [
            line
            for line in self.stdout.splitlines()
            if line and not line.startswith(("Found ", "Success:"))
        ]


@dataclass
class Project:
    """A throw-away project directory with helpers to run mypy in it."""

    root: Path

    def write(self, files: dict[str, str]) -> None:
        """Write ``files`` (path -> source, dedented) below the project root."""
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))

    def run(self, tool: str, *args: str) -> Result:
        """Run ``python -m <tool> args`` in the project directory."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
        done = subprocess.run(
            [sys.executable, "-m", tool, *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def mypy(self, *args: str) -> Result:
        """Run mypy with the project's own configuration."""
        return self.run("mypy", "--no-error-summary", *args)

    def wipe_cache(self) -> None:
        """Remove mypy's cache, as on a fresh checkout."""
        shutil.rmtree(self.root / ".mypy_cache", ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh project directory; stops a daemon left running in it."""
    proj = Project(tmp_path)
    yield proj
    if (tmp_path / ".dmypy.json").exists():
        proj.run("mypy.dmypy", "stop")

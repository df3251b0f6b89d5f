"""On a mypy the plugin cannot serve, the run stops with one line and exit status 2.

The older releases are real: each is installed from PyPI once per test session
into a directory of its own (``pip install --target``) that shadows the mypy of
this environment, next to the plugin from this checkout, as a lockfile or a
``--no-deps`` install would leave them. Without PyPI these tests skip, except
under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mypy_llmtracekit import __version__, supported

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "import time\n\nasync def handler() -> None:\n    time.sleep(1)\n"


def _line(version: str) -> str:
    return (
        f"mypy: error: mypy-llmtracekit {__version__} supports mypy >=2.4.0,<2.5, not mypy "
        f"{version}; install a supported mypy: pip install 'mypy>=2.4.0,<2.5' (or a "
        f"mypy-llmtracekit release made for mypy {version})\n"
    )


def test_supported_range_is_the_declared_requirement() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    mypy = [d for d in project["dependencies"] if re.match(r"mypy\b", d)]
    assert mypy == [f"mypy{supported.SUPPORTED}"]
    floor = ".".join(map(str, supported.FLOOR))
    ceiling = ".".join(map(str, supported.CEILING))
    assert supported.SUPPORTED == f">={floor},<{ceiling}"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.4.0", True),
        ("2.4.1", True),
        ("2.4.7", True),
        ("2.4.1+dev.0123abc", True),
        ("2.3.1", False),
        ("2.5.0", False),
        ("2.5.0+dev.0123abc", False),
        ("3.0.0", False),
        ("1.20.2", False),
        ("nonsense", False),
    ],
)
def test_range(version: str, expected: bool) -> None:
    assert supported.in_range(version) is expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.4.1", (2, 4, 1)),
        ("2.4", (2, 4, 0)),
        ("2.4.1+dev.0123abc", (2, 4, 1)),
        ("2.5.0rc1", (2, 5, 0)),
        ("2.4rc1", (2, 4, 0)),
        ("2.4.x", (2, 4, 0)),
        ("2.4.1.5", (2, 4, 1)),
        ("10.20.30", (10, 20, 30)),
        ("2", None),
        ("2.", None),
        ("2x.4", None),
        (".4.1", None),
        ("nonsense", None),
    ],
)
def test_parse(version: str, expected: tuple[int, int, int] | None) -> None:
    """What the pattern (\\d+)\\.(\\d+)(?:\\.(\\d+))? matched at the start of the text."""
    assert supported.parse(version) == expected


def test_this_mypy_is_served() -> None:
    import mypy.version

    assert supported.problem(mypy.version.__version__) is None


def test_a_missing_internal_is_one_line() -> None:
    internals = (*supported.INTERNALS, ("mypy.errors", "Errors.gone_in_2_4_9"))
    line = supported.problem("2.4.9", internals)
    assert line == (
        f"mypy-llmtracekit {__version__} cannot run on mypy 2.4.9: it lacks "
        "mypy.errors.Errors.gone_in_2_4_9; supported: mypy >=2.4.0,<2.5; install a supported "
        "mypy: pip install 'mypy>=2.4.0,<2.5'"
    )
    assert supported.missing_internals((("mypy.nope", "x"),)) == ["mypy.nope.x"]


def _run_mypy(
    cwd: Path, prelude: str = "", pythonpath: str = ""
) -> subprocess.CompletedProcess[str]:
    (cwd / "mypy.ini").write_text("[mypy]\nplugins = mypy_llmtracekit\n")
    (cwd / "app.py").write_text(SOURCE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, str(ROOT)) if p)
    code = f"{prelude}\nimport sys\nfrom mypy.__main__ import console_entry\nconsole_entry()\n"
    return subprocess.run(
        [sys.executable, "-c", code, "app.py"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_release_day_mypy_stops_with_one_line(tmp_path: Path) -> None:
    """A mypy newer than the range (here: this mypy calling itself 2.5.0)."""
    done = _run_mypy(tmp_path, "import mypy.version\nmypy.version.__version__ = '2.5.0'")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", _line("2.5.0"))


@pytest.fixture(scope="session")
def old_mypy(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Install a mypy release from PyPI once per session; return its directory."""
    installed: dict[str, Path] = {}

    def install(version: str) -> Path:
        if version in installed:
            return installed[version]
        target = tmp_path_factory.mktemp(f"mypy-{version}")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
                str(target),
                f"mypy=={version}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            why = f"cannot install mypy=={version} from PyPI: {done.stderr.strip()[-300:]}"
            if os.environ.get("CI"):
                pytest.fail(why)
            pytest.skip(why)
        installed[version] = target
        return target

    return install


@pytest.mark.slow_install
@pytest.mark.parametrize("version", ["2.3.1", "2.0.0", "1.20.2"])
def test_older_mypy_stops_with_one_line(
    version: str, old_mypy: Callable[[str], Path], tmp_path: Path
) -> None:
    target = old_mypy(version)
    probe = subprocess.run(
        [sys.executable, "-c", "import mypy.version; print(mypy.version.__version__)"],
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == version
    done = _run_mypy(tmp_path, pythonpath=str(target))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", _line(version))

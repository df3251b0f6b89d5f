"""What we claim is what CI tests: Pythons, mypy releases, package data.

The build itself (sdist, wheel, twine check, the README example run from the
wheel in a clean virtualenv) is ``.ci/package.py``, run by ``.ci/run``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mypy_llmtracekit import supported

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def ci_pythons() -> list[str]:
    match = re.search(r'^PYTHONS="([^"]+)"$', (ROOT / ".ci" / "run").read_text(), re.M)
    assert match is not None
    return match.group(1).split()


def test_classifiers_claim_exactly_the_pythons_ci_runs() -> None:
    claimed = [
        c.rpartition(" :: ")[2]
        for c in PROJECT["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert claimed == ci_pythons()
    assert PROJECT["project"]["requires-python"] == f">={claimed[0]}"


def test_nox_matrix_matches() -> None:
    text = (ROOT / "noxfile.py").read_text()
    pythons = re.search(r"^PYTHONS = (\[.*\])$", text, re.M)
    mypys = re.search(r"^MYPY_VERSIONS = (\[.*\])$", text, re.M)
    assert pythons is not None and mypys is not None
    assert eval(pythons.group(1)) == ci_pythons()
    versions = eval(mypys.group(1))
    assert versions[0] == ".".join(map(str, supported.FLOOR))
    assert all(supported.in_range(v) for v in versions)


def test_data_files_are_package_data() -> None:
    data = PROJECT["tool"]["setuptools"]["package-data"]["mypy_llmtracekit"]
    assert "py.typed" in data
    assert "data/*.toml" in data
    assert (ROOT / "mypy_llmtracekit" / "data" / "blocking_io.toml").exists()


def test_ci_fails_loudly_on_a_missing_python() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert "is claimed (pyproject.toml classifiers) but not installed here" in script

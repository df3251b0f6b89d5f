"""Local runs of the CI matrix: ``nox -s tests`` (every Python x supported mypy).

``.ci/run`` is what CI runs; these sessions cover the same ground one job at a time.
"""

from __future__ import annotations

import nox

# The Pythons of pyproject.toml's classifiers and .ci/run (tests/test_packaging.py).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# Every mypy release in the supported range (mypy_llmtracekit/supported.py).
MYPY_VERSIONS = ["2.4.0", "2.4.1"]


@nox.session(python=PYTHONS)
@nox.parametrize("mypy", MYPY_VERSIONS)
def tests(session: nox.Session, mypy: str) -> None:
    """The whole suite on one Python and one mypy release."""
    session.install("-e", ".[test]")
    session.install(f"mypy=={mypy}")
    session.run("pytest", "-q", "-n", "2", *session.posargs)
    session.run("mypy")

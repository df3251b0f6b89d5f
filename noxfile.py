"""Run the suite against each supported mypy release: ``nox -s tests``."""

from __future__ import annotations

import nox

MYPY_VERSIONS = ["2.4.0", "2.4.1"]


@nox.session
@nox.parametrize("mypy", MYPY_VERSIONS)
def tests(session: nox.Session, mypy: str) -> None:
    """The whole suite on one mypy release."""
    session.install("-e", ".[test]")
    session.install(f"mypy=={mypy}")
    session.run("pytest", "-q")
    session.run("mypy")

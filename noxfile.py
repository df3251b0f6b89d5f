"""Local runs of the CI matrix: ``nox -s tests`` (every Python x supported mypy), and
``nox -s compiled`` (the mypyc-compiled wheel on every Python).

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


@nox.session(python=PYTHONS)
def compiled(session: nox.Session) -> None:
    """The whole suite on the wheel compiled with mypyc, installed (not editable).

    The venv's ``pytest`` does not put the checkout on ``sys.path``:
    ``tests/test_compiled.py`` checks that the compiled modules are the ones imported.
    """
    session.install(".[test]", env={"MYPY_LLMTRACEKIT_COMPILE": "1"})
    session.run(
        "pytest", "-q", "-n", "2", *session.posargs, env={"MYPY_LLMTRACEKIT_EXPECT_COMPILED": "1"}
    )

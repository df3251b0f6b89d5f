"""The project's build backend: setuptools', and mypy when a compiled wheel is asked for.

``MYPY_LLMTRACEKIT_COMPILE=1 python -m build --wheel`` compiles the modules a
type-checking run executes with mypyc (see ``setup.py``); mypyc comes with mypy,
so such a build asks for the package's own requirements. Without the variable the
build is setuptools' own and the wheel is pure Python. An editable install is
never compiled (it is refused with the variable set).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403 (the PEP 517 hooks)

COMPILE_VARIABLE = "MYPY_LLMTRACEKIT_COMPILE"


def compile_requested() -> bool:
    """Whether this build compiles the plugin with mypyc."""
    return os.environ.get(COMPILE_VARIABLE, "") == "1"


def runtime_requirements() -> list[str]:
    """The package's own requirements (``pyproject.toml``): mypyc, which comes with
    mypy, type-checks the modules against what they import."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    with open("pyproject.toml", "rb") as f:
        dependencies: list[str] = tomllib.load(f)["project"]["dependencies"]
    return dependencies


@contextmanager
def _without_compiling() -> Iterator[None]:
    """Run a hook that only reads ``setup.py``'s declarations (requirements, metadata)
    as for a pure-Python build: with the variable set, ``setup.py`` would run mypyc
    over every module (before mypyc is installed, when finding the requirements)."""
    compiled = os.environ.pop(COMPILE_VARIABLE, None)
    try:
        yield
    finally:
        if compiled is not None:
            os.environ[COMPILE_VARIABLE] = compiled


def _requires(
    discover: Callable[[dict[str, str | list[str]] | None], list[str]],
    config_settings: dict[str, str | list[str]] | None,
) -> list[str]:
    """setuptools' requirements, and the package's (mypy brings mypyc) when it is compiled."""
    with _without_compiling():
        requires = list(discover(config_settings))
    return [*requires, *runtime_requirements()] if compile_requested() else requires


def get_requires_for_build_wheel(
    config_settings: dict[str, str | list[str]] | None = None,
) -> list[str]:
    """The requirements to build a wheel (see ``_requires``)."""
    return _requires(build_meta.get_requires_for_build_wheel, config_settings)


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: dict[str, str | list[str]] | None = None
) -> str:
    """The wheel's metadata, which compiling does not change (pip asks for it before
    it builds the wheel: without this, mypyc ran twice per ``pip install``)."""
    with _without_compiling():
        path: str = build_meta.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
    return path


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, str | list[str]] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """setuptools' editable install; refused when asked to compile: the compiled
    modules would be imported instead of the sources being edited."""
    if compile_requested():
        raise RuntimeError(
            f"{COMPILE_VARIABLE}=1 with an editable install: the compiled modules would "
            "shadow the sources you edit. Install a wheel (pip install .) to compile."
        )
    path: str = build_meta.build_editable(wheel_directory, config_settings, metadata_directory)
    return path

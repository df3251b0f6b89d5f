"""Build glue: ship ``mypy_llmtracekit_startup.pth`` at the root of the wheel.

Everything else is declared in pyproject.toml. The .pth file registers the
plugin's error codes in a mypy daemon before it reads its options (see
``_mypy_llmtracekit_startup.py``).
"""

from __future__ import annotations

import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "mypy_llmtracekit_startup.pth"


class BuildPyWithPth(build_py):
    """``build_py`` that also copies the start-up .pth into the wheel's root."""

    def run(self) -> None:
        super().run()
        self.copy_file(PTH, os.path.join(self.build_lib, PTH), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), os.path.join(self.build_lib, PTH)]


setup(cmdclass={"build_py": BuildPyWithPth})

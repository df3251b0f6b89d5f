"""Build glue: ship ``mypy_llmtracekit_startup.pth`` at the root of the wheel, a
JSON twin of each catalogue data file, and, when ``MYPY_LLMTRACEKIT_COMPILE=1``,
the modules a type-checking run executes compiled with mypyc.

Everything else is declared in pyproject.toml. The .pth file registers the
plugin's error codes in a mypy daemon before it reads its options (see
``_mypy_llmtracekit_startup.py``). The twins spare every run the parsing of TOML
in pure Python (see ``mypy_llmtracekit/data_files.py``). Compiling cuts the
plugin's instructions by about a third (README, "Cost"); the compiled wheel also
ships every module's source, which the pure-Python fallback and the rule pages
(``cli.rule_doc``) read.
"""

from __future__ import annotations

import glob
import importlib.machinery
import importlib.util
import os
from types import ModuleType

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

PTH = "mypy_llmtracekit_startup.pth"


DATA: str = os.path.join("mypy_llmtracekit", "data")

# Not compiled: the plugin class (a subclass of mypy's compiled ``Plugin``, which
# mypyc cannot subclass from another compilation unit), the package's entry point,
# and the command line and ``fix`` (run once, not per module; their tests patch them).
INTERPRETED = {"__init__.py", "__main__.py", "hooks.py", "cli.py", "fix.py"}


def compiled_modules() -> list[str]:
    """The modules a compiled wheel compiles: every module of the package and of
    ``rules/`` but the interpreted ones (``fixing/`` is the fix command's)."""
    found = sorted(glob.glob(os.path.join("mypy_llmtracekit", "*.py")))
    found += sorted(glob.glob(os.path.join("mypy_llmtracekit", "rules", "*.py")))
    return [path for path in found if os.path.basename(path) not in INTERPRETED]


# What the plugin imports when mypy loads it, and all a warm run needs: compiled as
# a library of their own, so that a run with nothing to check does not load the
# rules' library (tests/test_compiled.py checks that it is not loaded). With
# ``summaries.py``: the store's signatures name its ModuleSummary, a native class,
# and a library loads the library of every native class its modules name (a warm
# run does not import ``summaries`` itself).
START_GROUP = {
    "supported.py",
    "compat.py",
    "compat_errors.py",
    "config.py",
    "summary_store.py",
    "summaries.py",
}


def ext_modules() -> list[Extension]:
    """mypyc's extensions when ``MYPY_LLMTRACEKIT_COMPILE=1``, none otherwise: two
    libraries, ``ltk_start`` (``START_GROUP``) and ``ltk_check`` (the rest).

    mypy runs on the modules without any configuration file: ``pyproject.toml``'s
    turns on this plugin, which a build does not need.
    """
    if os.environ.get("MYPY_LLMTRACEKIT_COMPILE", "") != "1":
        return []
    from mypyc.build import mypycify

    modules = compiled_modules()
    start = [path for path in modules if os.path.basename(path) in START_GROUP]
    check = [path for path in modules if path not in start]
    groups = [(start, "ltk_start"), (check, "ltk_check")]
    return mypycify(["--config-file=", *modules], opt_level="3", separate=groups)


def _data_files_module() -> ModuleType:
    """``mypy_llmtracekit/data_files.py`` alone (it imports only the standard library)."""
    spec = importlib.util.spec_from_file_location(
        "_ltk_data_files", os.path.join("mypy_llmtracekit", "data_files.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_and_twins(build_lib: str) -> list[tuple[str, str]]:
    """Each catalogue data file, with the path of its JSON twin in the build directory."""
    return [
        (toml, os.path.join(build_lib, DATA, os.path.basename(toml)[: -len(".toml")] + ".json"))
        for toml in sorted(glob.glob(os.path.join(DATA, "*.toml")))
    ]


def _remove_extensions(build_lib: str) -> None:
    """Delete the compiled modules an earlier build left in ``build_lib``: setuptools
    reuses that directory, and a wheel would ship them (an extension module of a
    module that is now interpreted, or built without ``MYPY_LLMTRACEKIT_COMPILE``,
    would be imported instead of its source)."""
    for folder, _, files in os.walk(build_lib):
        for name in files:
            if name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                os.remove(os.path.join(folder, name))


class BuildPyWithPth(build_py):
    """``build_py`` that also copies the start-up .pth into the wheel's root and writes
    the data files' JSON twins; it runs before ``build_ext`` and clears the
    extensions of earlier builds."""

    def run(self) -> None:
        _remove_extensions(self.build_lib)
        super().run()
        self.copy_file(PTH, os.path.join(self.build_lib, PTH), preserve_mode=False)
        data_files = _data_files_module()
        for toml, twin in _data_and_twins(self.build_lib):
            with open(toml, "rb") as source, open(twin, "w", encoding="utf-8") as out:
                out.write(data_files.twin_of(source.read()))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = [*super().get_outputs(include_bytecode), os.path.join(self.build_lib, PTH)]
        return [*outputs, *(twin for _, twin in _data_and_twins(self.build_lib))]


setup(cmdclass={"build_py": BuildPyWithPth}, ext_modules=ext_modules())

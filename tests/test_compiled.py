"""The plugin a run imports is the build it expects: compiled with mypyc, or pure Python.

CI's compiled job installs the wheel ``MYPY_LLMTRACEKIT_COMPILE=1`` builds and
sets ``MYPY_LLMTRACEKIT_EXPECT_COMPILED=1``: there every module ``setup.py``
compiles must be an extension module, in the test process and in a mypy started
elsewhere. Every other run expects sources: an extension module left in a
checkout (``setup.py build_ext --inplace``) is imported before the ``.py`` file
beside it, and every edit of that module would go unseen.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECT_COMPILED = os.environ.get("MYPY_LLMTRACEKIT_EXPECT_COMPILED", "") == "1"


def interpreted() -> set[str]:
    """``setup.py``'s ``INTERPRETED``: the files a compiled wheel leaves as Python."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "INTERPRETED":
            names: set[str] = ast.literal_eval(node.value)
            return names
    raise AssertionError("setup.py has no INTERPRETED")


def compiled_modules() -> list[str]:
    """The dotted names of the modules a compiled wheel compiles."""
    package = ROOT / "mypy_llmtracekit"
    files = sorted(package.glob("*.py")) + sorted((package / "rules").glob("*.py"))
    skip = interpreted()
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in files
        if path.name not in skip
    ]


def is_extension(path: str) -> bool:
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def test_the_checking_modules_are_compiled_only_when_expected() -> None:
    modules = compiled_modules()
    assert "mypy_llmtracekit.walker" in modules
    assert "mypy_llmtracekit.hooks" not in modules
    wrong = [
        (name, origin)
        for name in modules
        if is_extension(origin := importlib.import_module(name).__file__ or "") != EXPECT_COMPILED
    ]
    assert wrong == [], f"expected compiled={EXPECT_COMPILED}"
    # And never the interpreted ones (a stale extension in a build directory once
    # could have been shipped beside them).
    for name in ("mypy_llmtracekit", "mypy_llmtracekit.hooks", "mypy_llmtracekit.cli"):
        assert not is_extension(importlib.import_module(name).__file__ or ""), name


def test_a_mypy_run_elsewhere_imports_the_same_build(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import mypy_llmtracekit.walker as w; print(w.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert is_extension(done.stdout.strip()) == EXPECT_COMPILED, done.stdout


@pytest.mark.parametrize("compile_it", ["", "1"])
def test_the_build_backend_asks_for_the_packages_requirements_to_compile(
    compile_it: str,
) -> None:
    """A compiled wheel needs mypy (mypyc) and what the modules import in the build
    environment; finding that out must not import mypyc."""
    probe = (
        "import sys; sys.path.insert(0, 'build_backend'); import mypy_llmtracekit_build as b;"
        "print('\\n'.join(b.get_requires_for_build_wheel())); print('mypyc' in sys.modules)"
    )
    env = {**os.environ, "MYPY_LLMTRACEKIT_COMPILE": compile_it}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    *requires, mypyc_imported = done.stdout.splitlines()
    assert mypyc_imported == "False"
    wanted = [r for r in requires if r.startswith(("mypy>", "sqlglot"))]
    assert len(wanted) == (2 if compile_it else 0), requires


def test_the_wheels_metadata_is_prepared_without_running_mypyc(tmp_path: Path) -> None:
    """pip asks for the metadata before the wheel: with the variable set, ``setup.py``
    would compile every module for it, and again for the wheel."""
    probe = (
        "import sys; sys.path.insert(0, 'build_backend'); import mypy_llmtracekit_build as b;"
        f"print(b.prepare_metadata_for_build_wheel({str(tmp_path)!r}));"
        "print('mypyc.build' in sys.modules)"
    )
    env = {**os.environ, "MYPY_LLMTRACEKIT_COMPILE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    *_, dist_info, mypyc_imported = done.stdout.splitlines()
    assert dist_info.endswith(".dist-info") and (tmp_path / dist_info / "METADATA").is_file()
    assert mypyc_imported == "False"


def test_the_build_backend_refuses_a_compiled_editable_install(tmp_path: Path) -> None:
    probe = (
        "import sys; sys.path.insert(0, 'build_backend'); import mypy_llmtracekit_build as b;"
        f"b.build_editable({str(tmp_path)!r})"
    )
    env = {**os.environ, "MYPY_LLMTRACEKIT_COMPILE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "would shadow the sources you edit" in done.stderr


WARM_PROBE = """
import sys
from mypy import api
out, err, status = api.run(["--cache-dir", ".cache", "--no-error-summary", "app.py"])
assert status == 1 and "ltk-untyped-module-var" in out, out + err
print("ltk_check__mypyc" in sys.modules)
"""


def test_a_warm_run_does_not_load_the_rules_library(tmp_path: Path) -> None:
    """A compiled wheel is two libraries (setup.py's ``START_GROUP``): a run that
    finds every module in mypy's cache loads only the small one; a cold run loads
    the rules' too (which shows the probe names the right library)."""
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = mypy_llmtracekit\n")
    (tmp_path / "app.py").write_text("import os\n\nHOME = os.environ.get('HOME')\n")
    loaded = [
        subprocess.run(
            [sys.executable, "-c", WARM_PROBE],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in ("cold", "warm")
    ]
    assert loaded == [str(EXPECT_COMPILED), "False"]

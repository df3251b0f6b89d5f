"""``python -m mypy_llmtracekit fix`` on small projects: every fix kind, imports, safety."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mypy_llmtracekit import fix

INI = "[mypy]\nplugins = mypy_llmtracekit\nenable_error_code = ltk-optional-union\n"


def write(root: Path, files: dict[str, str]) -> None:
    (root / "mypy.ini").write_text(INI)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def run_fix(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(root)
    status = fix.main(list(args))
    out = capsys.readouterr().out
    return status, out


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


KINDS = {
    "app/__init__.py": "",
    "app/helpers.py": """
        def make(n: int) -> list[int]:
            return [n]
        """,
    "app/main.py": """
        from typing import Optional

        from app.helpers import make


        class Box:
            def __init__(self, n: int) -> None:
                self.items = make(n)

            def copy(self):
                return Box(1)


        def add(x, y=1):
            return x + y


        def use() -> None:
            add(1, 2)


        @staticmethod
        def decorated(
            a: int,  # the first
            b: str,
        ):  # trailing comment
            return a


        settings = make(3)


        def opt(x: Optional[int]) -> None:
            print(x)
        """,
}

KINDS_FIXED = """\
from typing import Optional

from app.helpers import make


class Box:
    def __init__(self, n: int) -> None:
        self.items: list[int] = make(n)

    def copy(self) -> "Box":
        return Box(1)


def add(x: int, y: int = 1) -> int:
    return x + y


def use() -> None:
    add(1, 2)


@staticmethod
def decorated(
    a: int,  # the first
    b: str,
) -> int:  # trailing comment
    return a


settings: list[int] = make(3)


def opt(x: int | None) -> None:
    print(x)
"""


def test_every_fix_kind_then_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, KINDS)
    status, out = run_fix(tmp_path, capsys, monkeypatch, "app")
    assert status == 0
    assert (tmp_path / "app/main.py").read_text() == KINDS_FIXED
    assert last_line(out) == "mypy_llmtracekit fix: fixed 8 findings in 1 file; left 0"
    status, out = run_fix(tmp_path, capsys, monkeypatch, "app")
    assert (tmp_path / "app/main.py").read_text() == KINDS_FIXED
    assert out == "mypy_llmtracekit fix: fixed 0 findings in 0 files; left 0\n"


def test_a_fix_that_needs_another_fix_is_made_in_the_same_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # g's finding reads the same before and after f is annotated, but only after it
    # does mypy infer g's return type: one run must reach the fixed point.
    write(
        tmp_path,
        {"m.py": "def f():\n    return 1\n\n\ndef g():\n    return f()\n"},
    )
    status, out = run_fix(tmp_path, capsys, monkeypatch, "m.py")
    assert status == 0
    assert (tmp_path / "m.py").read_text() == (
        "def f() -> int:\n    return 1\n\n\ndef g() -> int:\n    return f()\n"
    )
    assert last_line(out) == "mypy_llmtracekit fix: fixed 2 findings in 1 file; left 0"
    status, out = run_fix(tmp_path, capsys, monkeypatch, "m.py")
    assert out == "mypy_llmtracekit fix: fixed 0 findings in 0 files; left 0\n"


def test_diff_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, KINDS)
    before = (tmp_path / "app/main.py").read_text()
    status, out = run_fix(tmp_path, capsys, monkeypatch, "--diff", "app/main.py")
    assert status == 0
    assert (tmp_path / "app/main.py").read_text() == before
    assert out.startswith("--- a/app/main.py\n+++ b/app/main.py\n")
    assert "-settings = make(3)\n+settings: list[int] = make(3)\n" in out
    assert last_line(out) == "mypy_llmtracekit fix: would fix 8 findings in 1 file; left 0"


IMPORTS = {
    "pkg/__init__.py": "",
    "pkg/models.py": """
        import decimal


        class Thing:
            pass


        def thing() -> Thing:
            return Thing()


        def price() -> decimal.Decimal:
            return decimal.Decimal(1)
        """,
    "pkg/use.py": """
        \"\"\"Uses things.\"\"\"
        from pkg.models import price, thing

        current = thing()
        cost = price()


        class Holder:
            def __init__(self) -> None:
                self.thing = thing()
        """,
}

IMPORTS_FIXED = '''\
"""Uses things."""
from pkg.models import price, thing
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkg.models import Thing

current: "Thing" = thing()
cost: Decimal = price()


class Holder:
    def __init__(self) -> None:
        self.thing: Thing = thing()
'''


def test_imports_added_internal_under_type_checking_and_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, IMPORTS)
    run_fix(tmp_path, capsys, monkeypatch, "pkg")
    assert (tmp_path / "pkg/use.py").read_text() == IMPORTS_FIXED
    done = subprocess.run(
        [sys.executable, "-c", "import pkg.use"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_future_annotations_and_existing_type_checking_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = dict(IMPORTS)
    files["pkg/use.py"] = """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from pkg.models import thing

        if TYPE_CHECKING:
            import os

        current = thing()
        """
    write(tmp_path, files)
    run_fix(tmp_path, capsys, monkeypatch, "pkg")
    assert (tmp_path / "pkg/use.py").read_text() == textwrap.dedent("""\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from pkg.models import thing

        if TYPE_CHECKING:
            import os
            from pkg.models import Thing

        current: Thing = thing()
        """)


def test_never_any_and_never_a_type_that_does_not_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
        import json


        def untyped_body():
            x: int = "checked only once the function is annotated"
            return 1


        data = json.loads("{}")
        """
    write(tmp_path, {"mod.py": source})
    status, out = run_fix(tmp_path, capsys, monkeypatch, "mod.py")
    assert status == 0
    assert (tmp_path / "mod.py").read_text() == textwrap.dedent(source).lstrip("\n")
    assert last_line(out) == (
        "mypy_llmtracekit fix: fixed 0 findings in 0 files; "
        "left 2: 1 mypy infers Any, 1 would add a mypy error"
    )


def test_select_and_other_codes_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
        import time
        from typing import Optional


        async def handler(x: Optional[int]) -> None:
            time.sleep(1)


        def f(a: int):
            return a
        """
    write(tmp_path, {"mod.py": source})
    _, out = run_fix(tmp_path, capsys, monkeypatch, "--select", "ltk-optional-union", ".")
    assert "async def handler(x: int | None) -> None:" in (tmp_path / "mod.py").read_text()
    assert last_line(out) == (
        "mypy_llmtracekit fix: fixed 1 findings in 1 file; "
        "left 2: 1 no automatic fix for ltk-blocking-io, 1 not selected"
    )


def test_unknown_select_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"mod.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    assert fix.main(["--select", "ltk-blocking-io", "mod.py"]) == 2
    assert "no automatic fix for ltk-blocking-io" in capsys.readouterr().err


def test_command_line_entry(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": "def f(a: int):\n    return a\n"})
    done = subprocess.run(
        [sys.executable, "-m", "mypy_llmtracekit", "fix", "mod.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mod.py").read_text() == "def f(a: int) -> int:\n    return a\n"
    assert done.stdout == "mypy_llmtracekit fix: fixed 1 findings in 1 file; left 0\n"


def test_dataclass_body_untouched_plain_class_attribute_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "mod.py": """
                from dataclasses import dataclass


                def make() -> list[int]:
                    return [1]


                @dataclass
                class Config:
                    name: str
                    defaults = make()


                class Plain:
                    defaults = make()
                """
        },
    )
    run_fix(tmp_path, capsys, monkeypatch, "mod.py")
    text = (tmp_path / "mod.py").read_text()
    assert text.startswith("from dataclasses import dataclass\n\n\ndef make")
    assert "    name: str\n    defaults = make()\n" in text
    assert "    defaults: list[int] = make()\n" in text


def test_config_file_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"mod.py": "from typing import Optional\n\nx: Optional[int] = None\n"})
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = mypy_llmtracekit\n")
    (tmp_path / "custom.ini").write_text(INI)
    _, out = run_fix(tmp_path, capsys, monkeypatch, "mod.py")
    assert out == "mypy_llmtracekit fix: fixed 0 findings in 0 files; left 0\n"
    _, out = run_fix(tmp_path, capsys, monkeypatch, "--config-file", "custom.ini", "mod.py")
    fixed = (tmp_path / "mod.py").read_text()
    assert fixed == "from typing import Optional\n\nx: int | None = None\n"


def test_quoted_forward_reference_kept_where_evaluated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
        from typing import Optional


        def f(x: Optional["Later"]) -> "Optional[int]":
            return 1


        class Later:
            pass
        """
    write(tmp_path, {"mod.py": source})
    _, out = run_fix(tmp_path, capsys, monkeypatch, "mod.py")
    text = (tmp_path / "mod.py").read_text()
    assert 'def f(x: Optional["Later"]) -> "int | None":' in text
    assert last_line(out) == (
        "mypy_llmtracekit fix: fixed 1 findings in 1 file; left 1: 1 a quoted forward "
        "reference inside Optional/Union is evaluated at run time"
    )


@pytest.mark.parametrize(
    ("entry", "ours"),
    [
        ("mypy_llmtracekit", True),
        (" mypy_llmtracekit ", True),
        ("mypy_llmtracekit:plugin", True),
        ("mypy_llmtracekit.hooks", True),
        ("mypy_llmtracekit_other", False),
        ("pydantic.mypy", False),
        (str(Path(fix.__file__).parent / "__init__.py"), True),
        (str(Path(fix.__file__).parent / "__init__.py") + ":plugin", True),
        ("plugins/local.py", False),
    ],
)
def test_plugins_entry_naming_this_plugin(entry: str, ours: bool) -> None:
    from mypy_llmtracekit.fixing.plan import _is_this_plugin

    assert _is_this_plugin(entry, None) is ours


def test_the_planners_build_leaves_this_plugin_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every target with an error is re-checked on each guess of the suggestion
    # engine: with the plugin's findings in the planner's build, chainlit took hours.
    from mypy_llmtracekit.fixing.plan import start

    write(tmp_path, {"mod.py": "def f(a: int):\n    return a\n"})
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = mypy_llmtracekit, local_plugin.py\n")
    (tmp_path / "local_plugin.py").write_text(
        "from mypy.plugin import Plugin\n\ndef plugin(version: str) -> type[Plugin]:\n"
        "    return Plugin\n"
    )
    monkeypatch.chdir(tmp_path)
    planner = start(["--config-file", "mypy.ini", "mod.py"], {})
    assert planner.fgm.manager.options.plugins == ["local_plugin.py"]

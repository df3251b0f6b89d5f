"""A bug in a rule becomes one ltk-internal error, never a mypy INTERNAL ERROR."""

from __future__ import annotations

from pathlib import Path

from conftest import Project


def test_rule_exception_is_contained(project: Project) -> None:
    project.write(
        {
            "mypy.ini": f"[mypy]\nplugins = {Path(__file__).with_name('crashing_plugin.py')}\n",
            "nocalls.py": "X = None\n",
            "main.py": """
                import time
                import nocalls
                x: int = "not an int"
                async def handler() -> None:
                    time.sleep(1)
            """,
        }
    )
    result = project.mypy("main.py", "nocalls.py")
    assert "INTERNAL ERROR" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert sorted(result.lines) == [
        "main.py:1: error: mypy-llmtracekit failed on this module (RuntimeError: boom); other "
        "diagnostics are unaffected. Please report this bug  [ltk-internal]",
        'main.py:3: error: Incompatible types in assignment (expression has type "str", '
        'variable has type "int")  [assignment]',
        "nocalls.py:1: error: mypy-llmtracekit failed on this module (RuntimeError: boom); "
        "other diagnostics are unaffected. Please report this bug  [ltk-internal]",
    ]
    assert result.status == 1


def test_entry_point_exceptions_are_contained(project: Project) -> None:
    """report_config_data (cache writes and checks) and summaries fail: no INTERNAL ERROR."""
    project.write(
        {
            "mypy.ini": f"[mypy]\nplugins = {Path(__file__).with_name('crashing_plugin.py')}\n",
            "helper.py": "def work() -> int:\n    return 1\n",
            "caller.py": """
                from helper import work
                async def handler() -> int:
                    return work()
            """,
        }
    )
    internal = (
        "error: mypy-llmtracekit failed on this module (ValueError: summary); other "
        "diagnostics are unaffected. Please report this bug  [ltk-internal]"
    )
    expected = [f"caller.py:1: {internal}", f"helper.py:1: {internal}"]
    for args in ([], [], ["-n", "2"]):
        result = project.mypy(*args, "caller.py", "helper.py")
        assert "INTERNAL ERROR" not in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert sorted(result.lines) == expected, args


def test_recursive_type_aliases_are_walked_safely(project: Project) -> None:
    """``JSON = Union[int, list["JSON"]]`` (pydantic, celery, litestar, typer have such)."""
    project.write(
        {
            "mypy.ini": "[mypy]\nplugins = mypy_llmtracekit\n"
            "enable_error_code = ltk-optional-union, ltk-callable-any\n",
            "data.py": """
                from typing import Any, Callable, Optional, Union
                JSON = Union[int, str, list["JSON"], dict[str, "JSON"]]
                Nested = Optional[list["Nested"]]

                def load() -> JSON:
                    return 1

                def handler(value: JSON, hook: Callable[[JSON], None]) -> Optional[JSON]:
                    return value

                data = load()

                class Holder:
                    def __init__(self) -> None:
                        self.value = load()
            """,
        }
    )
    for args in ([], [], ["-n", "2"]):
        result = project.mypy(*args, "data.py")
        assert "INTERNAL ERROR" not in result.stdout + result.stderr
        assert "ltk-internal" not in result.stdout, result.stdout
        assert any("ltk-untyped-module-var" in line for line in result.lines)

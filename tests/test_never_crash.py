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

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

"""The start-up hook registers every code of the plugin with a mypy daemon."""

from __future__ import annotations

from conftest import PLUGIN_INI, Project

import _mypy_llmtracekit_startup as startup
from mypy_llmtracekit.registry import RULES
from mypy_llmtracekit.rule import INTERNAL


def test_every_code_is_registered_at_startup() -> None:
    assert {rule.name for rule in RULES} | {INTERNAL.code} <= set(startup.CODES)


def test_daemon_accepts_plugin_codes_in_the_global_section(project: Project) -> None:
    project.write(
        {
            "mypy.ini": PLUGIN_INI + "enable_error_code = ltk-optional-union\n",
            "app.py": """
                from typing import Optional
                def f(x: Optional[int]) -> None: ...
            """,
        }
    )
    expected = project.mypy("app.py").lines
    assert expected == [
        'app.py:2: error: Write "int | None" instead of "Optional[int]" (PEP 604)  '
        "[ltk-optional-union]"
    ]
    result = project.run("mypy.dmypy", "run", "--", "app.py")
    assert "KeyError" not in result.stdout + result.stderr
    assert [line for line in result.lines if "error:" in line] == expected

"""Every use of mypy internals (mypy_llmtracekit.compat) against the installed mypy."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

PROBE_INI = f"""
[mypy]
plugins = {Path(__file__).with_name("compat_probe.py")}
[mypy-target]
disallow_untyped_defs = True
[mypy-quiet]
ignore_errors = True
"""


def test_compat_functions_on_the_installed_mypy(project: Project) -> None:
    project.write(
        {
            "mypy.ini": PROBE_INI,
            "other.py": "class Thing:\n    pass\n",
            "quiet.py": "X = None\n",
            "target.py": """
                import other
                import quiet
                def make() -> other.Thing:
                    return other.Thing()
                mapping = {"a": make()}
            """,
        }
    )
    result = project.mypy("target.py")
    assert result.stdout.splitlines() == ["target.py:5: error: probe finding  [ltk-probe]"]
    seen = json.loads((project.root / "compat.json").read_text())
    assert seen == {
        "current_outside_checking": True,
        "observed_during_checking": True,
        "found_module": "target",
        "silenced": False,
        "silenced_path": False,
        "quiet_silenced": True,
        "options_module": True,
        "type_of_value": "dict[str, other.Thing]",
        "probe_enabled": True,
        "misc_enabled": False,
        "daemon": False,
        # The suite installs the anchor where a wheel does (conftest.py); batch
        # runs never add it.
        "anchor_reachable": True,
        "needs_anchor": False,
        "location": [5, 10, 5, 23],
    }

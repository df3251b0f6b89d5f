"""Which mypy the plugin serves, and the one line it prints on any other.

The plugin reads a few mypy internals (``compat.py``, ``compat_errors.py``), so
it is tested against, and runs on, one range of mypy releases only:
``SUPPORTED``, the same range as the ``mypy`` requirement in ``pyproject.toml``
(``tests/test_version.py`` keeps the two equal). On a mypy outside that range, or
one that lacks an internal the plugin needs, ``plugin(version)`` stops the run
with one line naming both versions and the range, exit status 2: never a silent
run that checks nothing, never a traceback.
"""

from __future__ import annotations

import importlib

from mypy_llmtracekit import __version__

# The requirement in pyproject.toml. 2.4.0 added get_additional_indirect_deps,
# the post-check hook every rule runs in; every release below the ceiling is tested.
FLOOR: tuple[int, int, int] = (2, 4, 0)
CEILING: tuple[int, int] = (2, 5)
SUPPORTED = ">=2.4.0,<2.5"

# (module, attribute path) of every internal the plugin reads. Methods and
# attributes declared in a class body only: they are visible on the class in
# compiled (mypyc) and interpreted mypy alike.
INTERNALS: tuple[tuple[str, str], ...] = (
    ("mypy.plugin", "Plugin.get_additional_indirect_deps"),
    ("mypy.plugin", "Plugin.report_config_data"),
    ("mypy.plugin", "Plugin.set_modules"),
    ("mypy.checker_state", "checker_state.type_checker"),
    ("mypy.checker", "TypeChecker.lookup_type_or_none"),
    ("mypy.checker", "TypeChecker.msg"),
    ("mypy.checker", "TypeChecker.options"),
    ("mypy.errors", "ErrorInfo"),
    ("mypy.errors", "Errors.set_file"),
    ("mypy.errors", "Errors.add_error_info"),
    ("mypy.errors", "Errors._add_error_info"),
    ("mypy.errors", "Errors.clear_errors_in_targets"),
    ("mypy.errors", "Errors.import_context"),
    ("mypy.errors", "Errors.error_info_map"),
    ("mypy.errors", "Errors.ignored_files"),
    ("mypy.messages", "format_type_inner"),
    ("mypy.options", "Options.clone_for_module"),
    ("mypy.nodes", "SymbolTableNode.unfixed"),
    ("mypy.nodes", "SymbolTableNode.cross_ref"),
    ("mypy.nodes", "SymbolTableNode._node_tag"),
    ("mypy.nodes", "FUNC_DEF"),
    ("mypy.nodes", "OVERLOADED_FUNC_DEF"),
    ("mypy.nodes", "DECORATOR"),
    ("mypy.errorcodes", "ErrorCode"),
)


def parse(version: str) -> tuple[int, int, int] | None:
    """``"2.4.1"`` -> ``(2, 4, 1)``; what follows the numbers (``+dev.abc``) is ignored.

    Without a regular expression: compiling one is a third of this module's import,
    which every run pays.
    """
    numbers: list[int] = []
    for part in version.split(".", 3)[:3]:
        digits = _leading_digits(part)
        if not digits:
            break
        numbers.append(int(digits))
        if len(digits) < len(part):
            break
    if len(numbers) < 2:
        return None
    return numbers[0], numbers[1], numbers[2] if len(numbers) > 2 else 0


def _leading_digits(text: str) -> str:
    end = 0
    while end < len(text) and text[end].isdecimal():
        end += 1
    return text[:end]


def in_range(version: str) -> bool:
    """Return True if mypy ``version`` is in ``SUPPORTED``."""
    parsed = parse(version)
    return parsed is not None and FLOOR <= parsed and parsed[:2] < CEILING


def missing_internals(internals: tuple[tuple[str, str], ...] = INTERNALS) -> list[str]:
    """The internals (``module.attribute``) the installed mypy does not have."""
    missing: list[str] = []
    for module_name, path in internals:
        try:
            obj: object = importlib.import_module(module_name)
        except ImportError:
            missing.append(f"{module_name}.{path}")
            continue
        for part in path.split("."):
            annotations = getattr(obj, "__annotations__", {})
            if hasattr(obj, part):
                obj = getattr(obj, part)
            elif isinstance(obj, type) and part in annotations:
                obj = None
            else:
                missing.append(f"{module_name}.{path}")
                break
    return missing


def problem(version: str, internals: tuple[tuple[str, str], ...] = INTERNALS) -> str | None:
    """The one line to stop the run with, or None when the plugin can serve mypy ``version``."""
    fix = f"install a supported mypy: pip install 'mypy{SUPPORTED}'"
    if not in_range(version):
        return (
            f"mypy-llmtracekit {__version__} supports mypy {SUPPORTED}, not mypy {version}; "
            f"{fix} (or a mypy-llmtracekit release made for mypy {version})"
        )
    missing = missing_internals(internals)
    if missing:
        return (
            f"mypy-llmtracekit {__version__} cannot run on mypy {version}: it lacks "
            f"{', '.join(missing)}; supported: mypy {SUPPORTED}; {fix}"
        )
    return None

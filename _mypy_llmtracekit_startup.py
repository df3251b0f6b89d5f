"""Make mypy-llmtracekit's error codes known to a mypy daemon before it reads options.

mypy 2.4's daemon (``dmypy run``) checks the error codes named in the global
``enable_error_code``/``disable_error_code`` before it loads any plugin, and
crashes with ``KeyError: 'ltk-...'`` for a plugin's code. The wheel installs
``mypy_llmtracekit_startup.pth``, whose one line runs :func:`install` at
interpreter start-up: it adds a finder that does nothing until ``mypy.dmypy`` is
imported, and then registers the plugin's code names with mypy (mypy compares
codes by name; the plugin's own code objects replace these when it loads).
Every other Python process only pays for one entry in ``sys.meta_path``.
"""

from __future__ import annotations

import sys

# Not typing.TYPE_CHECKING: importing typing alone would cost every process ~5 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import importlib.machinery
    from collections.abc import Sequence
    from types import ModuleType

TRIGGER = "mypy.dmypy"
UMBRELLA = "ltk"
# Every code the plugin defines (tests/test_startup.py checks this list).
CODES = (
    "ltk-background-task",
    "ltk-blocking-io",
    "ltk-blocking-io-indirect",
    "ltk-broad-except",
    "ltk-callable-any",
    "ltk-callable-ellipsis",
    "ltk-internal",
    "ltk-missing-param-annotation",
    "ltk-missing-return-annotation",
    "ltk-namespace-class",
    "ltk-optional-union",
    "ltk-sql-account-insert",
    "ltk-sql-account-view",
    "ltk-type-alias-name",
    "ltk-untyped-attribute",
    "ltk-untyped-module-var",
    "ltk-io-in-transaction",
    "ltk-await-in-loop",
)


def register_code_names() -> None:
    """Register every code name with mypy, unless the plugin already did."""
    from mypy.errorcodes import ErrorCode, error_codes

    category = "mypy-llmtracekit"
    umbrella = error_codes.get(UMBRELLA) or ErrorCode(UMBRELLA, "mypy-llmtracekit", category)
    for code in CODES:
        if code not in error_codes:
            ErrorCode(code, code, category, sub_code_of=umbrella)


class _RegisterCodes:
    """On the first import of ``mypy.dmypy``, register the plugin's code names.

    A finder by protocol (``find_spec``), not a subclass of ``importlib.abc``'s:
    this runs in every Python process of the environment, so it imports nothing.
    """

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TRIGGER:
            return None
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _RegisterCodes)]
        try:
            register_code_names()
        # Never break the daemon's own import.
        except Exception:  # type: ignore[ltk-broad-except]  # noqa: BLE001
            pass
        return None


def install() -> None:
    """Add the finder once (called from the .pth file)."""
    if not any(isinstance(f, _RegisterCodes) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterCodes())

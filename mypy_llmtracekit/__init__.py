"""mypy-llmtracekit: the llm-tracekit style guide, enforced inside mypy.

Enable it in ``mypy.ini``::

    [mypy]
    plugins = mypy_llmtracekit
"""

from __future__ import annotations

import sys

from mypy.plugin import Plugin as _Plugin

__version__ = "0.1.0"


def plugin(version: str) -> type[_Plugin]:
    """mypy's entry point: return the plugin class.

    On a mypy the plugin cannot serve (outside ``supported.SUPPORTED``, or
    lacking an internal it reads) the run stops here with one line and exit
    status 2, before anything else of the plugin is imported.
    """
    from mypy_llmtracekit import supported

    problem = supported.problem(version)
    if problem is not None:
        print(f"mypy: error: {problem}", file=sys.stderr)
        raise SystemExit(2)

    from _mypy_llmtracekit_startup import register_code_names
    from mypy_llmtracekit.hooks import LlmTracekitPlugin

    # The rules are imported on the first module pass, but mypy needs every code
    # name now: it checks enable_error_code/disable_error_code right after loading
    # plugins, and a warm run or a -n coordinator shows cached findings by name.
    register_code_names()
    return LlmTracekitPlugin

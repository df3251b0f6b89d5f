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

    from mypy_llmtracekit.hooks import LlmTracekitPlugin

    return LlmTracekitPlugin

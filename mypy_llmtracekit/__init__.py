"""mypy-llmtracekit: the llm-tracekit style guide, enforced inside mypy.

Enable it in ``mypy.ini``::

    [mypy]
    plugins = mypy_llmtracekit
"""

from __future__ import annotations

from mypy.plugin import Plugin as _Plugin

__version__ = "0.1.0"


def plugin(version: str) -> type[_Plugin]:
    """mypy's entry point: return the plugin class."""
    from mypy_llmtracekit.hooks import LlmTracekitPlugin

    return LlmTracekitPlugin

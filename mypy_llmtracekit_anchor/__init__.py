"""Where mypy-llmtracekit's findings are kept under ``dmypy`` (see ARCHITECTURE.md, "Modes").

Nothing imports this package at run time. Under the daemon the plugin adds it to
the build (as a dependency of the project's modules) and files its findings under
this module's top-level target. After every update the daemon re-checks each
target that had errors, across the whole build; re-checking this top level makes
mypy consult the plugin about the call below, and the plugin then puts back the
findings the daemon's reset removed. No other plugin hook runs after an update
that only removes modules from the build. (mypy parses installed packages without
their function bodies, so the call must be at the top level.)
"""

CALLS_THE_PLUGIN: int = len(())

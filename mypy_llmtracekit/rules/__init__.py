"""One module per rule: its error code, message, checks and documentation.

Each module defines ``RULE``; ``mypy_llmtracekit.registry`` lists them all.
"""

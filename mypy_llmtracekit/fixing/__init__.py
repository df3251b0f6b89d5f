"""The pieces of ``python -m mypy_llmtracekit fix`` (entry point: ``mypy_llmtracekit.fix``)."""

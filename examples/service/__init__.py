"""An asyncio service that breaks each rule of mypy-llmtracekit (see ../clean for the fix)."""

"""``python -m mypy_llmtracekit``: the rule catalogue."""

from mypy_llmtracekit.cli import main

raise SystemExit(main())

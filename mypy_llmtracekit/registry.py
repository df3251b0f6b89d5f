"""The rules of the plugin, in one place, and how they reach mypy.

Every rule runs in the same place: once per checked module, after mypy has
type-checked it, through the ``get_additional_indirect_deps`` hook (see
``hooks.py`` and ``ARCHITECTURE.md`` for why). This module only lists them.
"""

from __future__ import annotations

from mypy_llmtracekit.rule import Rule
from mypy_llmtracekit.rules import blocking_io, callable_ellipsis, untyped_module_var

RULES: tuple[Rule, ...] = (
    callable_ellipsis.RULE,
    blocking_io.RULE,
    untyped_module_var.RULE,
)

RULES_BY_CODE: dict[str, Rule] = {rule.name: rule for rule in RULES}

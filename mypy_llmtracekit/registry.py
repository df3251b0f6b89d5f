"""The rules of the plugin, in one place, and how they reach mypy.

Every rule runs in the same place: once per checked module, after mypy has
type-checked it, through the ``get_additional_indirect_deps`` hook (see
``hooks.py`` and ``ARCHITECTURE.md`` for why). This module only lists them.
"""

from __future__ import annotations

from mypy_llmtracekit.rule import Rule
from mypy_llmtracekit.rules import (
    await_in_loop,
    background_task,
    blocking_io,
    blocking_io_indirect,
    broad_except,
    callable_any,
    callable_ellipsis,
    io_in_transaction,
    missing_param_annotation,
    missing_return_annotation,
    namespace_class,
    optional_union,
    sql_account_insert,
    sql_account_view,
    type_alias_name,
    untyped_attribute,
    untyped_module_var,
)

RULES: tuple[Rule, ...] = (
    callable_ellipsis.RULE,
    blocking_io.RULE,
    blocking_io_indirect.RULE,
    untyped_module_var.RULE,
    untyped_attribute.RULE,
    missing_param_annotation.RULE,
    missing_return_annotation.RULE,
    namespace_class.RULE,
    broad_except.RULE,
    background_task.RULE,
    io_in_transaction.RULE,
    await_in_loop.RULE,
    sql_account_view.RULE,
    sql_account_insert.RULE,
    type_alias_name.RULE,
    callable_any.RULE,
    optional_union.RULE,
)

RULES_BY_CODE: dict[str, Rule] = {rule.name: rule for rule in RULES}

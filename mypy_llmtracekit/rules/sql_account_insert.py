"""ltk-sql-account-insert: an INSERT that does not take the account from ``CURRENT_SETTING``.

What it catches
    A SQL string literal sent through a DB connection method (the same receivers
    as ``ltk-sql-account-view``) with an INSERT that never calls
    ``CURRENT_SETTING('olly.account_id')``: the row's account must come from the
    connection's setting, never from a parameter the caller could get wrong.

Left alone
    INSERTs into ``sql_exempt_tables`` and system catalogs, queries that do not
    parse, other receivers.

Why a syntax-only linter cannot
    Only the receiver's type tells a query sent to PostgreSQL from any other
    string passed to an ``execute`` method; the SQL itself is parsed with sqlglot
    (PostgreSQL dialect), so ``current_setting(...)::uuid`` inside a ``SELECT``
    feeding the INSERT counts.

Settings
    ``sql_account_setting`` (default ``olly.account_id``), ``sql_exempt_tables``,
    ``sql_classes``.

Bad::

    await db.execute("INSERT INTO chats (id, account_id) VALUES ($1, $2)", chat_id, account_id)

Good::

    await db.execute(
        "INSERT INTO chats (id, account_id) VALUES ($1, CURRENT_SETTING('olly.account_id'))",
        chat_id,
    )
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mypy.errorcodes import ErrorCode
from mypy.nodes import CallExpr

from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.sql import exempt_tables, real_tables, sent_sql

if TYPE_CHECKING:
    from sqlglot import exp

CODE: ErrorCode = error_code(
    "ltk-sql-account-insert", "INSERT does not take the account from CURRENT_SETTING"
)


def _reads_setting(statement: exp.Expr, setting: str) -> bool:
    from sqlglot import exp

    for call in statement.find_all(exp.Anonymous):
        if str(call.name).lower() != "current_setting" or not call.expressions:
            continue
        first = call.expressions[0]
        if isinstance(first, exp.Literal) and first.is_string and first.name.lower() == setting:
            return True
    return False


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    sent = sent_sql(ctx, call)
    if sent is None:
        return
    literal, statements = sent
    from sqlglot import exp

    setting = ctx.settings.sql_account_setting.lower()
    exempt = exempt_tables(ctx)
    for statement in statements:
        if not isinstance(statement, exp.Insert) or _reads_setting(statement, setting):
            continue
        targets = [
            t
            for t in real_tables(statement, exempt)
            if t.find_ancestor(exp.Select, exp.Insert) is statement
        ]
        if not targets:
            continue
        ctx.report(
            CODE,
            f'INSERT into "{targets[0].name}" does not take the account from '
            f"CURRENT_SETTING('{ctx.settings.sql_account_setting}'); insert "
            f"CURRENT_SETTING('{ctx.settings.sql_account_setting}') as the account column",
            literal,
        )
        return


class _Checks(Checks):
    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="INSERT sent through a DB connection without CURRENT_SETTING('olly.account_id')",
    module=__name__,
    checks=_Checks(),
)

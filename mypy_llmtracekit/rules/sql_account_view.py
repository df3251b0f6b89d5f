"""ltk-sql-account-view: a SELECT that reads a table instead of an ``account_*`` view.

What it catches
    A SQL string literal sent through a DB connection method (asyncpg
    ``Connection``/``Pool``, psycopg's ``AsyncConnection``/``AsyncCursor``, or a
    class in ``sql_classes``; aliases such as ``DBConnection`` resolve) whose
    SELECT reads a table whose name does not start with the view prefix
    (``account_``): per-account data must be read through the account views.

Left alone
    CTE names, subqueries, system catalogs (``pg_catalog``, ``information_schema``,
    ``pg_*``), table functions, tables in ``sql_exempt_tables``, tables written to
    by INSERT/UPDATE/DELETE, queries that do not parse, queries sent through other
    receivers.

Why a syntax-only linter cannot
    Whether ``db.fetch(...)`` goes to the database depends on what ``db`` is; the
    plugin reads its type, and parses the SQL with a real parser (sqlglot,
    PostgreSQL dialect).

Settings
    ``sql_view_prefix`` (default ``account_``), ``sql_exempt_tables``, ``sql_classes``.

Bad::

    await db.fetch("SELECT id, title FROM chats WHERE user_id = $1", user_id)

Good::

    await db.fetch("SELECT id, title FROM account_chats WHERE user_id = $1", user_id)
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import CallExpr

from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.sql import exempt_tables, real_tables, sent_sql

CODE: ErrorCode = error_code(
    "ltk-sql-account-view", "SELECT reads a table instead of an account_* view"
)


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    sent = sent_sql(ctx, call)
    if sent is None:
        return
    literal, statements = sent
    from sqlglot import exp

    prefix = ctx.settings.sql_view_prefix.lower()
    exempt = exempt_tables(ctx)
    read: list[str] = []
    for statement in statements:
        for table in real_tables(statement, exempt):
            owner = table.find_ancestor(exp.Select, exp.Insert, exp.Update, exp.Delete, exp.Merge)
            name = table.name
            if isinstance(owner, exp.Select) and not name.lower().startswith(prefix):
                if name not in read:
                    read.append(name)
    if not read:
        return
    tables = ", ".join(f'"{name}"' for name in read)
    views = ", ".join(f"{prefix}{name}" for name in read)
    noun = "table" if len(read) == 1 else "tables"
    ctx.report(
        CODE,
        f"SELECT reads {noun} {tables} instead of the account views; read from {views}",
        literal,
    )


class _Checks(Checks):
    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="SELECT sent through a DB connection reads a table instead of an account_* view",
    module=__name__,
    checks=_Checks(),
)

"""What the SQL rules share: which calls send SQL, and the parsed statements.

A query counts when it is a string literal (implicit concatenation included)
passed as the query argument of a DB connection method whose receiver's type is
asyncpg ``Connection``/``Pool``, psycopg's async connection or cursor, or a
class listed in ``sql_classes``. SQL is parsed with sqlglot, PostgreSQL dialect;
a query that does not parse is not judged.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from mypy.nodes import ARG_POS, CallExpr, StrExpr

from mypy_llmtracekit.kinds import (
    MEMBER_EXPR,
    STR_EXPR,
)
from mypy_llmtracekit.rule import ModuleContext
from mypy_llmtracekit.rules.blocking_io import receiver_classes

if TYPE_CHECKING:
    from sqlglot import exp

DEFAULT_SQL_CLASSES: Final[tuple[str, ...]] = (
    "asyncpg.Connection",
    "asyncpg.pool.Pool",
    "asyncpg.pool.PoolConnectionProxy",
    "psycopg.AsyncConnection",
    "psycopg.AsyncCursor",
)
QUERY_METHODS: Final = frozenset(
    {"execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchmany", "cursor", "prepare"}
)
QUERY_KEYWORDS: Final = frozenset({"query", "sql"})
SYSTEM_SCHEMAS: Final = frozenset({"pg_catalog", "information_schema"})


def query_literal(ctx: ModuleContext, call: CallExpr) -> StrExpr | None:
    """The SQL string literal a DB call sends, if the call is one the rules judge."""
    callee = call.callee
    if not isinstance(callee, MEMBER_EXPR) or callee.name not in QUERY_METHODS:
        return None
    if not ctx.sql_classes:
        return None
    classes = receiver_classes(ctx.type_of(callee.expr))
    if not any(base.fullname in ctx.sql_classes for info in classes for base in info.mro):
        return None
    for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names):
        if (kind == ARG_POS and arg is call.args[0]) or name in QUERY_KEYWORDS:
            return arg if isinstance(arg, STR_EXPR) else None
    return None


def sent_sql(ctx: ModuleContext, call: CallExpr) -> tuple[StrExpr, tuple[exp.Expr, ...]] | None:
    """The literal a DB call sends and its parsed statements, if the rules judge it."""
    literal = query_literal(ctx, call)
    if literal is None:
        return None
    statements = parse(literal.value)
    if statements is None:
        return None
    return literal, statements


def exempt_tables(ctx: ModuleContext) -> frozenset[str]:
    """The configured exempt tables, lower-case."""
    return frozenset(name.lower() for name in ctx.settings.sql_exempt_tables)


@functools.lru_cache(maxsize=4096)
def parse(sql: str) -> tuple[exp.Expr, ...] | None:
    """The statements of ``sql`` (PostgreSQL dialect), or None if it does not parse."""
    import sqlglot  # imported on the first query: most modules send none
    from sqlglot.errors import SqlglotError

    try:
        statements = sqlglot.parse(sql, read="postgres")
    except (SqlglotError, ValueError, RecursionError):
        return None
    return tuple(s for s in statements if s is not None)


def cte_names(statement: exp.Expr) -> set[str]:
    """Names a statement defines with WITH: not tables."""
    from sqlglot import exp

    return {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}


def real_tables(statement: exp.Expr, exempt: frozenset[str]) -> Iterator[exp.Table]:
    """The tables a statement names, without CTEs, system catalogs, functions, exempt ones."""
    from sqlglot import exp

    ctes = cte_names(statement)
    for table in statement.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # a table function: generate_series(...), unnest(...)
        name, schema = table.name.lower(), table.db.lower()
        if (not schema and name in ctes) or schema in SYSTEM_SCHEMAS or name.startswith("pg_"):
            continue
        if name in exempt or f"{schema}.{name}" in exempt:
            continue
        yield table

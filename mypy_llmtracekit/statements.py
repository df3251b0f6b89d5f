"""Every statement of a function body, without entering expressions or nested scopes.

Cheaper than a walk over every node when a rule looks for statements (``with``,
``for``) only: expressions cannot contain statements.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mypy.nodes import (
    Block,
    Statement,
)

from mypy_llmtracekit.kinds import (
    BLOCK,
    FOR_STMT,
    IF_STMT,
    MATCH_STMT,
    TRY_STMT,
    WHILE_STMT,
    WITH_STMT,
)


def statements(body: Sequence[Statement]) -> Iterator[Statement]:
    """Every reachable statement under ``body``, outer ones first, in source order.

    Nested ``def``/``class`` statements are yielded but not entered.
    """
    for stmt in body:
        yield stmt
        for block in child_blocks(stmt):
            if not block.is_unreachable:
                yield from statements(block.body)


def child_blocks(stmt: Statement) -> list[Block]:
    """The blocks a compound statement runs in the same scope."""
    if isinstance(stmt, (FOR_STMT, WHILE_STMT)):
        return [stmt.body, *([stmt.else_body] if stmt.else_body else [])]
    if isinstance(stmt, WITH_STMT):
        return [stmt.body]
    if isinstance(stmt, IF_STMT):
        return [*stmt.body, *([stmt.else_body] if stmt.else_body else [])]
    if isinstance(stmt, TRY_STMT):
        optional = [b for b in (stmt.else_body, stmt.finally_body) if b is not None]
        return [stmt.body, *stmt.handlers, *optional]
    if isinstance(stmt, MATCH_STMT):
        return list(stmt.bodies)
    if isinstance(stmt, BLOCK):
        return [stmt]
    return []

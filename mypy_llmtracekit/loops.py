"""What a ``for`` loop's body binds, reads and carries from one iteration to the next.

Used by ltk-await-in-loop: an iteration depends on an earlier one when the body
ends the loop early (``break``, ``return``, ``raise``, ``yield``) or reads a name it assigns
before assigning it (``total += ...``, ``cursor = await f(cursor)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mypy.nodes import (
    Block,
    Expression,
    Node,
    Statement,
)

from mypy_llmtracekit.kinds import (
    ASSIGNMENT_EXPR,
    ASSIGNMENT_STMT,
    BREAK_STMT,
    FOR_STMT,
    IF_STMT,
    LIST_EXPR,
    NAME_EXPR,
    OPERATOR_ASSIGNMENT_STMT,
    RAISE_STMT,
    RETURN_STMT,
    STAR_EXPR,
    TRY_STMT,
    TUPLE_EXPR,
    WHILE_STMT,
    WITH_STMT,
    YIELD_EXPR,
    YIELD_FROM_EXPR,
)
from mypy_llmtracekit.statements import child_blocks, statements
from mypy_llmtracekit.walker import own_nodes


def target_names(index: Expression) -> set[str] | None:
    """Names the loop binds; None if it assigns attributes or items."""
    if isinstance(index, NAME_EXPR):
        return {index.name}
    if isinstance(index, STAR_EXPR):
        return target_names(index.expr)
    if isinstance(index, (TUPLE_EXPR, LIST_EXPR)):
        names: set[str] = set()
        for item in index.items:
            found = target_names(item)
            if found is None:
                return None
            names |= found
        return names
    return None


def mentions(expr: Node, names: set[str]) -> bool:
    """True if ``expr`` reads one of ``names``."""
    return any(isinstance(n, NAME_EXPR) and n.name in names for n in own_nodes([expr]))


def ends_early(body: Block) -> bool:
    """``break`` (of this loop), ``return``, ``raise`` or ``yield`` in the body.

    A ``raise`` stops at the first failure (``if not await check(x): raise``):
    whether a later iteration runs depends on an earlier one.
    """
    for stmt in loop_statements(body):
        if isinstance(stmt, (RETURN_STMT, BREAK_STMT)):
            return True
    for node in own_nodes([body]):
        if isinstance(node, (RETURN_STMT, RAISE_STMT, YIELD_EXPR, YIELD_FROM_EXPR)):
            return True
    return False


def loop_statements(body: Block) -> Iterator[Statement]:
    """Statements of the body, without entering nested loops."""
    for stmt in body.body:
        yield stmt
        if isinstance(stmt, (FOR_STMT, WHILE_STMT)):
            continue
        for block in child_blocks(stmt):
            yield from loop_statements(block)


def written_names(body: Block) -> set[str]:
    """Every name the body assigns."""
    names: set[str] = set()
    for stmt in statements(body.body):
        if isinstance(stmt, ASSIGNMENT_STMT):
            for lvalue in stmt.lvalues:
                names |= target_names(lvalue) or set()
        elif isinstance(stmt, OPERATOR_ASSIGNMENT_STMT):
            names |= target_names(stmt.lvalue) or set()
        elif isinstance(stmt, FOR_STMT):
            names |= target_names(stmt.index) or set()
        elif isinstance(stmt, WITH_STMT):
            for target in stmt.target:
                if target is not None:
                    names |= target_names(target) or set()
    names |= {n.target.name for n in own_nodes([body]) if isinstance(n, ASSIGNMENT_EXPR)}
    return names


def _reads(nodes: Iterable[Node | None]) -> set[str]:
    walrus = set()
    found = set()
    for node in own_nodes([n for n in nodes if n is not None]):
        if isinstance(node, ASSIGNMENT_EXPR):
            walrus.add(id(node.target))
        elif isinstance(node, NAME_EXPR) and id(node) not in walrus:
            found.add(node.name)
    return found


def carried(block: Block, written: set[str], assigned: set[str]) -> bool:
    """True if a name of ``written`` is read before this iteration assigned it.

    ``assigned`` grows with the names surely assigned so far.
    """
    for stmt in block.body:
        if _carried_statement(stmt, written, assigned):
            return True
    return False


def _carried_statement(stmt: Statement, written: set[str], assigned: set[str]) -> bool:
    def reads_early(nodes: Iterable[Node | None]) -> bool:
        return bool((_reads(nodes) & written) - assigned)

    if isinstance(stmt, ASSIGNMENT_STMT):
        # Attribute and item targets read their object and index.
        lvalue_parts = [lv for lv in stmt.lvalues if target_names(lv) is None]
        if reads_early([stmt.rvalue, *lvalue_parts]):
            return True
        for lvalue in stmt.lvalues:
            assigned |= target_names(lvalue) or set()
        return False
    if isinstance(stmt, OPERATOR_ASSIGNMENT_STMT):
        if reads_early([stmt.lvalue, stmt.rvalue]):
            return True
        assigned |= target_names(stmt.lvalue) or set()
        return False
    if isinstance(stmt, WITH_STMT):
        if reads_early(stmt.expr):
            return True
        for target in stmt.target:
            if target is not None:
                assigned |= target_names(target) or set()
        return carried(stmt.body, written, assigned)
    if isinstance(stmt, IF_STMT):
        if reads_early(stmt.expr):
            return True
        branches = [*stmt.body, *([stmt.else_body] if stmt.else_body else [])]
        results = [set(assigned) for _ in branches]
        if any(carried(b, written, r) for b, r in zip(branches, results)):
            return True
        if stmt.else_body is not None:
            assigned |= set.intersection(*results)
        return False
    if isinstance(stmt, (FOR_STMT, WHILE_STMT)):
        if reads_early([stmt.expr]):
            return True
        inner = set(assigned)
        if isinstance(stmt, FOR_STMT):
            inner |= target_names(stmt.index) or set()
        return carried(stmt.body, written, inner)
    if isinstance(stmt, TRY_STMT):
        before = set(assigned)
        if carried(stmt.body, written, assigned):
            return True
        for handler, var in zip(stmt.handlers, stmt.vars):
            names = {var.name} if var is not None else set()
            if carried(handler, written, before | names):
                return True
        tails = [b for b in (stmt.else_body, stmt.finally_body) if b is not None]
        return any(carried(b, written, set(before)) for b in tails)
    children = child_blocks(stmt)
    if children:
        return any(carried(b, written, set(assigned)) for b in children)
    return reads_early([stmt])

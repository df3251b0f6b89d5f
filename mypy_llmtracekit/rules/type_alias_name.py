"""ltk-type-alias-name: type aliases in PascalCase, ``Final`` module constants in UPPER_SNAKE_CASE.

What it catches
    A type alias, implicit (``user_ids = list[UserId]``), explicit
    (``x: TypeAlias = ...``) or a ``type x = ...`` statement, whose name is not
    PascalCase; a module-level ``Final`` constant whose name is not
    UPPER_SNAKE_CASE. A leading underscore (private) is allowed.

Left alone
    A bare class bound to a name that says it holds a class (``client_class =
    SqliteClient``, ``*_cls``, ``*_type``, ``*_factory``) or re-bound under the
    class's own name (``cached_property = functools.cached_property``): a
    variable holding a class, which mypy happens to treat as an alias.

Why a syntax-only linter cannot
    ``db_connection = asyncpg.Connection`` is a type alias only because the right
    side is a class; ``handlers = dict[str, Handler]`` is one only because
    ``dict[...]`` is a type here. mypy decided which assignments are aliases; the
    plugin reads its decision.

Bad::

    db_connection = asyncpg.Connection
    timeout: Final = 30

Good::

    DBConnection = asyncpg.Connection
    TIMEOUT: Final = 30
"""

from __future__ import annotations

import re

from mypy.errorcodes import ErrorCode
from mypy.nodes import AssignmentStmt, TypeAlias, TypeAliasStmt

from mypy_llmtracekit.kinds import (
    INSTANCE,
    NAME_EXPR,
    REF_EXPR,
    TYPE_ALIAS,
    proper,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code
from mypy_llmtracekit.written import scope_tables

CODE: ErrorCode = error_code(
    "ltk-type-alias-name", "Type alias not PascalCase, or Final constant not UPPER_SNAKE_CASE"
)

# Patterns, compiled by ``re`` on first use (and cached there): compiling them at
# import cost every run that loads the rules 0.7M instructions, most with no alias.
PASCAL = r"_*[A-Z][A-Za-z0-9]*"
UPPER_SNAKE = r"_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"


def pascal_case(name: str) -> str:
    """``user_id_dep`` -> ``UserIdDep``, ``SOCKET_OPTION`` -> ``SocketOption``."""
    stripped = name.lstrip("_")
    parts = [p.lower() if p.isupper() else p for p in re.split(r"_+", stripped) if p]
    return name[: len(name) - len(stripped)] + "".join(p[:1].upper() + p[1:] for p in parts)


def upper_snake(name: str) -> str:
    """``maxRetries`` / ``max_retries`` -> ``MAX_RETRIES``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


def _alias_message(name: str) -> str:
    return f'Type alias "{name}" is not PascalCase; name it {pascal_case(name)}'


def _class_held_by_a_variable(stmt: AssignmentStmt, name: str, alias: TypeAlias) -> bool:
    """``client_class = SqliteClient``, ``cached_property = functools.cached_property``.

    mypy calls any ``name = SomeClass`` an implicit alias. A bare class bound to
    a name that says it holds a class (``*_class``, ``*_cls``, ``*_type``,
    ``*_factory``), or re-bound under the class's own name, is a variable holding
    a class (a backend hook, a compatibility import): renaming it would break
    it. Subscripted types and unions (``user_ids = list[UserId]``) and explicit
    ``TypeAlias``/``type`` statements are always aliases.
    """
    if stmt.unanalyzed_type is not None or not isinstance(stmt.rvalue, REF_EXPR):
        return False
    if name.endswith(("_class", "_cls", "_type", "_factory")):
        return True
    target = proper(alias.target)
    return isinstance(target, INSTANCE) and target.type.name == name


def _check_assignment(ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
    if scope.kind is ScopeKind.FUNCTION or len(stmt.lvalues) != 1:
        return
    lvalue = stmt.lvalues[0]
    if not isinstance(lvalue, NAME_EXPR) or lvalue.name.startswith("__"):
        return
    symbol = scope_tables(ctx, scope).tables[0].get(lvalue.name)
    node = symbol.node if symbol is not None else None
    if isinstance(node, TYPE_ALIAS) and node.line == stmt.line:
        if _class_held_by_a_variable(stmt, lvalue.name, node):
            return
        if not re.fullmatch(PASCAL, lvalue.name):
            ctx.report(CODE, _alias_message(lvalue.name), lvalue)
        return
    if scope.kind is ScopeKind.MODULE and stmt.is_final_def and lvalue.is_new_def:
        if not re.fullmatch(UPPER_SNAKE, lvalue.name):
            ctx.report(
                CODE,
                f'Final constant "{lvalue.name}" is not UPPER_SNAKE_CASE; '
                f"name it {upper_snake(lvalue.name)}",
                lvalue,
            )


def _check_type_alias(ctx: ModuleContext, stmt: TypeAliasStmt, scope: Scope) -> None:
    if not re.fullmatch(PASCAL, stmt.name.name):
        ctx.report(CODE, _alias_message(stmt.name.name), stmt.name)


class _Checks(Checks):
    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        _check_assignment(ctx, stmt, scope)

    def on_type_alias(self, ctx: ModuleContext, stmt: TypeAliasStmt, scope: Scope) -> None:
        _check_type_alias(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Type alias not in PascalCase, or Final module constant not in UPPER_SNAKE_CASE",
    module=__name__,
    checks=_Checks(),
)

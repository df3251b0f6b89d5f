"""ltk-broad-except: ``except Exception`` (or ``BaseException``) that does not re-raise.

What it catches
    An ``except`` clause whose caught type resolves to ``Exception`` or
    ``BaseException``, directly, through an alias (``Broad = Exception``), a
    variable or a tuple (``except (ValueError, Exception)``), or a bare
    ``except:``, when the handler does not re-raise.

Left alone
    A handler that re-raises (``raise`` or ``raise ... from err``); specific
    exceptions; ``except*`` groups of specific exceptions.

Why a syntax-only linter cannot
    ``except ERRORS:`` is broad only if ``ERRORS`` holds ``Exception``; ruff's
    BLE001 reads the name, not what it refers to.

Bad::

    try:
        payload = decode(raw)
    except Exception:
        payload = None

Good::

    try:
        payload = decode(raw)
    except (ValueError, KeyError):
        payload = None
"""

from __future__ import annotations

from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import Block, Expression, TryStmt
from mypy.types import (
    ProperType,
)

from mypy_llmtracekit.kinds import (
    CALLABLE_TYPE,
    INSTANCE,
    RAISE_STMT,
    REF_EXPR,
    TUPLE_TYPE,
    TYPE_INFO,
    TYPE_TYPE,
    UNION_TYPE,
    proper,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.walker import own_nodes

CODE: ErrorCode = error_code(
    "ltk-broad-except", "except Exception/BaseException that does not re-raise"
)

BROAD: Final = {"builtins.Exception": "Exception", "builtins.BaseException": "BaseException"}


def caught_classes(typ: ProperType | None, depth: int = 0) -> list[str]:
    """Full names of the exception classes a handler's type expression stands for.

    ``depth`` bounds the walk, so a recursive type alias cannot recurse forever.
    """
    if typ is None or depth > 20:
        return []
    if isinstance(typ, CALLABLE_TYPE) and typ.is_type_obj():
        return [typ.type_object().fullname]
    if isinstance(typ, TYPE_TYPE) and isinstance(typ.item, INSTANCE):
        return [typ.item.type.fullname]
    if isinstance(typ, TUPLE_TYPE):
        return [name for item in typ.items for name in caught_classes(proper(item), depth + 1)]
    if isinstance(typ, UNION_TYPE):
        return [name for item in typ.items for name in caught_classes(proper(item), depth + 1)]
    if isinstance(typ, INSTANCE) and typ.type.fullname == "builtins.tuple" and typ.args:
        return caught_classes(proper(typ.args[0]), depth + 1)
    return []


def _caught(ctx: ModuleContext, expr: Expression | None) -> list[str]:
    if expr is None:
        return ["builtins.BaseException"]
    names = caught_classes(ctx.type_of(expr))
    if not names and isinstance(expr, REF_EXPR) and isinstance(expr.node, TYPE_INFO):
        names = [expr.node.fullname]  # the body was not type-checked
    return names


def _reraises(handler: Block) -> bool:
    return any(isinstance(node, RAISE_STMT) for node in own_nodes(handler.body))


def _bare_except_line(stmt: TryStmt, index: int) -> int:
    """mypy keeps no position for a bare ``except:``: it follows the previous block."""
    previous = stmt.body if index == 0 else stmt.handlers[index - 1]
    end = previous.end_line if previous.end_line is not None else stmt.handlers[index].line - 1
    return end + 1


def _check_try(ctx: ModuleContext, stmt: TryStmt, scope: Scope) -> None:
    for index, (expr, handler) in enumerate(zip(stmt.types, stmt.handlers)):
        broad = [BROAD[name] for name in _caught(ctx, expr) if name in BROAD]
        if not broad or _reraises(handler):
            continue
        written = "everything (bare except)" if expr is None else f'"{broad[0]}"'
        message = (
            f"Catching {written} without re-raising hides bugs; catch the specific "
            "exceptions (e.g. except (ValueError, KeyError):) or re-raise"
        )
        if expr is not None:
            ctx.report(CODE, message, expr)
        else:
            ctx.report_at(CODE, message, _bare_except_line(stmt, index))


class _Checks(Checks):
    def on_try(self, ctx: ModuleContext, stmt: TryStmt, scope: Scope) -> None:
        _check_try(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="except Exception/BaseException (resolved through aliases and tuples) that swallows",
    module=__name__,
    checks=_Checks(),
)

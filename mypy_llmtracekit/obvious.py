"""When is a variable's type obvious from its line? The spec's definition, in code.

Obvious, so no annotation is needed:

* a literal ``int``, ``float``, ``str``, ``bytes`` or ``bool`` (negative numbers
  and f-strings included);
* a list, tuple, set or dict display whose items are such literals of one type;
* an instantiation of a class (the callee resolves to a class), subscripted
  ones (``set[str]()``, ``asyncio.Queue[int]()``) included;
* ``logging.getLogger(...)``, ``re.compile(...)`` and the calls the user
  configures in ``obvious_calls``;
* another name for a function or method (``reserve = create``,
  ``setattr_ = object.__setattr__``, a bound method);

unless the inferred type contains ``Any``: that always needs an annotation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from mypy.nodes import (
    Expression,
)
from mypy.types import Type

from mypy_llmtracekit.any_origin import first_any
from mypy_llmtracekit.kinds import (
    BYTES_EXPR,
    CALL_EXPR,
    CALLABLE_TYPE,
    DECORATOR,
    DICT_EXPR,
    FLOAT_EXPR,
    FUNC_BASE,
    INDEX_EXPR,
    INT_EXPR,
    LIST_EXPR,
    MEMBER_EXPR,
    NAME_EXPR,
    OVERLOADED,
    REF_EXPR,
    SET_EXPR,
    STR_EXPR,
    TUPLE_EXPR,
    UNARY_EXPR,
    proper,
)
from mypy_llmtracekit.names import class_called

BUILTIN_OBVIOUS_CALLS: Final = frozenset({"logging.getLogger", "re.compile"})


def literal_kind(expr: Expression) -> str | None:
    """Return ``int``/``float``/``str``/``bytes``/``bool`` for a literal, else None."""
    if isinstance(expr, INT_EXPR):
        return "int"
    if isinstance(expr, FLOAT_EXPR):
        return "float"
    if isinstance(expr, STR_EXPR) or _is_fstring(expr):
        return "str"
    if isinstance(expr, BYTES_EXPR):
        return "bytes"
    if isinstance(expr, NAME_EXPR) and expr.fullname in ("builtins.True", "builtins.False"):
        return "bool"
    if isinstance(expr, UNARY_EXPR) and expr.op in ("-", "+"):
        inner = literal_kind(expr.expr)
        return inner if inner in ("int", "float") else None
    return None


def _is_fstring(expr: Expression) -> bool:
    """mypy turns ``f"a{x}"`` into ``"".join([...])`` or ``"{}".format(x)``."""
    return (
        isinstance(expr, CALL_EXPR)
        and isinstance(expr.callee, MEMBER_EXPR)
        and isinstance(expr.callee.expr, STR_EXPR)
        and expr.callee.name in ("join", "format")
    )


def _one_literal_kind(items: Sequence[Expression]) -> bool:
    kinds = {literal_kind(item) for item in items}
    return len(kinds) == 1 and None not in kinds


def is_literal_display(expr: Expression) -> bool:
    """A non-empty display whose items are literals of one type."""
    if isinstance(expr, (LIST_EXPR, TUPLE_EXPR, SET_EXPR)):
        return bool(expr.items) and _one_literal_kind(expr.items)
    if isinstance(expr, DICT_EXPR):
        if not expr.items or any(key is None for key, _ in expr.items):
            return False
        keys = [key for key, _ in expr.items if key is not None]
        values = [value for _, value in expr.items]
        return _one_literal_kind(keys) and _one_literal_kind(values)
    return False


def is_obvious_call(expr: Expression, is_configured: Callable[[str], bool]) -> bool:
    """An instantiation, or a call the catalogue or the user calls obvious."""
    if not isinstance(expr, CALL_EXPR):
        return False
    callee = expr.callee
    if isinstance(callee, INDEX_EXPR):  # set[str](), asyncio.Queue[int]()
        callee = callee.base
    if class_called(callee) is not None:
        return True
    if not isinstance(callee, REF_EXPR) or not callee.fullname:
        return False
    return callee.fullname in BUILTIN_OBVIOUS_CALLS or is_configured(callee.fullname)


def is_function_alias(expr: Expression, inferred: Type | None = None) -> bool:
    """``reserve = create``, ``setattr_ = object.__setattr__``: another name for a function.

    An attribute access whose inferred type is a function (a method, bound or
    not) counts too.
    """
    if isinstance(expr, REF_EXPR) and isinstance(expr.node, (FUNC_BASE, DECORATOR)):
        return True
    if not isinstance(expr, MEMBER_EXPR) or inferred is None:
        return False
    p = proper(inferred)
    if isinstance(p, CALLABLE_TYPE):
        return not p.is_type_obj()
    return isinstance(p, OVERLOADED)


def is_obvious(
    expr: Expression, inferred: Type | None, is_configured: Callable[[str], bool]
) -> bool:
    """Return True if a reader can tell the type of a variable from ``expr`` alone."""
    if is_function_alias(expr, inferred):
        return True
    if inferred is not None and contains_any(inferred):
        return False
    if literal_kind(expr) is not None or is_literal_display(expr):
        return True
    return is_obvious_call(expr, is_configured)


def contains_any(t: Type) -> bool:
    """Return True if ``t`` contains ``Any`` anywhere (safe on recursive types)."""
    return first_any(t) is not None

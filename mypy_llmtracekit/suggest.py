"""The "annotate it: ..." part of the annotation rules' messages, ready to paste.

Shared by ``ltk-untyped-module-var``, ``ltk-untyped-attribute`` and
``ltk-missing-return-annotation``; the shapes are described in ``spelling.py``.
"""

from __future__ import annotations

from mypy.nodes import FUNC_NO_INFO, Expression, FuncDef, FuncItem, TypeInfo
from mypy.types import Type, get_proper_type

from mypy_llmtracekit.any_origin import any_origin, first_any
from mypy_llmtracekit.kinds import (
    ANY_TYPE,
    FUNC_DEF,
)
from mypy_llmtracekit.rule import ModuleContext
from mypy_llmtracekit.spelling import (
    Namer,
    Spelled,
    site_for,
    spell_type,
    spell_union,
)

_cache: list[tuple[ModuleContext, Namer]] = []


def namer_of(ctx: ModuleContext) -> Namer:
    """How ``ctx``'s module binds its names (computed once per module pass)."""
    if _cache and _cache[0][0] is ctx:
        return _cache[0][1]
    namer = Namer.of(ctx.tree, ctx.modules)
    _cache[:] = [(ctx, namer)]
    return namer


def is_checked(ctx: ModuleContext, func: FuncItem | None) -> bool:
    """Did mypy check ``func``'s body (the module level always is)?"""
    if not isinstance(func, FUNC_DEF):
        return True
    return not func.is_dynamic() or ctx.options.check_untyped_defs


def unchecked_reason(func: FuncItem | None) -> str:
    """Why mypy has no type for something in ``func``'s body."""
    name = f'"{func.name}"' if isinstance(func, FUNC_DEF) else "its function"
    return (
        f"mypy did not check the body of {name} (a function without annotations), so it "
        "inferred no type to suggest (enable check_untyped_defs to get one)"
    )


def variable_suggestion(
    ctx: ModuleContext,
    typ: Type | None,
    value: Expression,
    *,
    info: TypeInfo | None,
    func: FuncItem | None,
    runtime: bool,
) -> Spelled:
    """The annotation to suggest for a variable whose value is ``value``."""
    if typ is None or not is_checked(ctx, func):
        return Spelled(None, (), unchecked_reason(func))
    if first_any(typ) is not None:
        origin = any_origin(value, func, ctx.type_of)
        if _is_any(typ):
            return Spelled(None, (), f"mypy knows its type only as Any, {origin}")
        return Spelled(None, (), f"its inferred type contains Any, {origin}")
    # An attribute's annotation may use its class's type variables, never a
    # method's own: they are not bound outside one call.
    own = func if isinstance(func, FUNC_DEF) and info is None else None
    site = site_for(ctx.tree, info, own, runtime=runtime)
    return spell_type(typ, namer_of(ctx), site)


def variable_message(head: str, target: str, spelled: Spelled, *, final: bool = False) -> str:
    """``HEAD (inferred "T"); annotate it: TARGET: T = ...`` or ``HEAD; why``."""
    if spelled.text is None:
        return f"{head}; no annotation to suggest: {spelled.reason}"
    annotation = f"Final[{spelled.text}]" if final else spelled.text
    inferred = spelled.text.strip('"')
    return f'{head} (inferred "{inferred}"); annotate it: {target}: {annotation} = ...{spelled.add}'


def return_suggestion(
    ctx: ModuleContext, func: FuncDef, returned: list[tuple[Expression, Type | None]]
) -> Spelled:
    """The return annotation covering every ``return`` in ``returned``."""
    types: list[Type] = []
    for expr, typ in returned:
        if typ is None:
            return Spelled(None, (), unchecked_reason(func))
        if first_any(typ) is not None:
            origin = any_origin(expr, func, ctx.type_of)
            if _is_any(typ):
                head = f"mypy knows what it returns at line {expr.line} only as Any"
            else:
                head = f"the type of what it returns at line {expr.line} contains Any"
            return Spelled(None, (), f"{head}, {origin}")
        types.append(typ)
    info = func.info if func.info is not FUNC_NO_INFO else None
    site = site_for(ctx.tree, info, func, runtime=True)
    return spell_union(types, namer_of(ctx), site)


def _is_any(typ: Type) -> bool:
    """``Any`` itself (rather than a type with an ``Any`` inside)."""
    return isinstance(get_proper_type(typ), ANY_TYPE)

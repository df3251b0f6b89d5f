"""ltk-missing-param-annotation: a parameter without annotation.

What it catches
    Every parameter of a function or method without an annotation, ``*args`` and
    ``**kwargs`` included. The first parameter of a method is exempt by position,
    whatever its name (``self``, ``cls``, ``mcs``, ``metacls``; ``__new__`` and
    metaclass methods included); static methods have none. Where the default is
    a literal, the message proposes its type (``annotate it: limit: int``);
    otherwise it says that mypy infers no parameter types.

Why a syntax-only linter cannot (and why not mypy's own option)
    Here one can: ruff's ANN001 sees a missing annotation too. The rule is in the
    plugin so the guide's annotation rules share one tool, one set of codes and
    one ignore syntax, and because the neighbouring return rule needs types. mypy's
    ``disallow_untyped_defs`` also demands ``-> None``, which the guide does not
    want, and ``disallow_incomplete_defs`` ignores functions with no annotation.

Bad::

    def get_user(user_id, limit=10) -> UserRead | None: ...

Good::

    def get_user(user_id: str, limit: int = 10) -> UserRead | None: ...
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import ARG_STAR, ARG_STAR2, FUNC_NO_INFO, Argument, FuncDef, FuncItem

from mypy_llmtracekit.kinds import (
    FUNC_DEF,
)
from mypy_llmtracekit.obvious import literal_kind
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code

CODE: ErrorCode = error_code("ltk-missing-param-annotation", "Parameter without annotation")


def _implicit_first(func: FuncDef, scope: Scope) -> bool:
    """A method's first parameter is exempt by position, whatever its name.

    ``self``, ``cls``, ``mcs``, ``metacls``: ``__new__`` and metaclass methods
    included. Static methods have no such parameter.
    """
    in_class = scope.kind is ScopeKind.CLASS or func.info is not FUNC_NO_INFO
    return in_class and func.has_self_or_cls_argument


def _written_name(arg: Argument) -> str:
    name = arg.variable.name
    if arg.kind == ARG_STAR:
        return f"*{name}"
    if arg.kind == ARG_STAR2:
        return f"**{name}"
    return name


def _message(func: FuncDef, arg: Argument) -> str:
    written = _written_name(arg)
    head = f'Parameter "{arg.variable.name}" of "{func.name}" has no annotation'
    default = arg.initializer
    kind = literal_kind(default) if default is not None else None
    if kind is not None and arg.kind not in (ARG_STAR, ARG_STAR2):
        return f"{head}; annotate it: {written}: {kind}"
    return (
        f"{head}; mypy infers no parameter types, so write the type callers pass "
        f"({written}: YourType)"
    )


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not isinstance(func, FUNC_DEF):
        return
    arguments = func.arguments
    if arguments and _implicit_first(func, scope):
        arguments = arguments[1:]
    for arg in arguments:
        if arg.type_annotation is not None:
            continue
        ctx.report(CODE, _message(func, arg), arg)


class _Checks(Checks):
    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        _check_function(ctx, func, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Parameter without annotation (a method's first parameter exempt)",
    module=__name__,
    checks=_Checks(),
)

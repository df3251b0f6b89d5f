"""ltk-missing-param-annotation: a parameter without annotation.

What it catches
    Every parameter of a function or method without an annotation, ``*args`` and
    ``**kwargs`` included. The first parameter of a method (``self``, ``cls``) is
    exempt. Where the default is a literal, the message proposes its type.

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

from mypy_llmtracekit.obvious import literal_kind
from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, error_code

CODE: ErrorCode = error_code("ltk-missing-param-annotation", "Parameter without annotation")


def _implicit_first(func: FuncDef) -> bool:
    """Methods get ``self``/``cls`` for free; static methods do not."""
    return func.info is not FUNC_NO_INFO and not func.is_static


def _spelled(arg: Argument) -> str:
    name = arg.variable.name
    if arg.kind == ARG_STAR:
        return f"*{name}: <type>"
    if arg.kind == ARG_STAR2:
        return f"**{name}: <type>"
    default = arg.initializer
    kind = literal_kind(default) if default is not None else None
    return f"{name}: {kind} = ..." if kind else f"{name}: <type>"


def _check_function(ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
    if not isinstance(func, FuncDef):
        return
    arguments = func.arguments
    if arguments and _implicit_first(func):
        arguments = arguments[1:]
    for arg in arguments:
        if arg.type_annotation is not None:
            continue
        ctx.report(
            CODE,
            f'Parameter "{arg.variable.name}" of "{func.name}" has no annotation; '
            f"annotate it: {_spelled(arg)}",
            arg,
        )


RULE = Rule(
    code=CODE,
    summary="Parameter without annotation (self/cls exempt)",
    doc=__doc__ or "",
    on_function=_check_function,
)

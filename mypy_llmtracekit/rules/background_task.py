"""ltk-background-task: a task created and discarded, or created outside the project's helper.

What it catches
    ``asyncio.create_task(...)``, ``asyncio.ensure_future(...)`` or any event
    loop's ``create_task(...)`` used as a statement: the event loop keeps only a
    weak reference to the task, so it can be garbage-collected before it finishes,
    and its exception is never seen. With ``background_task_helper`` configured
    (e.g. ``common.tasks.create_background_task``), any such call outside that
    helper is flagged, kept or not: the guide says background tasks go through it.

Left alone
    ``TaskGroup.create_task`` (the group keeps the task); a task kept in a
    variable or awaited when no helper is configured; calls inside the helper.

Why a syntax-only linter cannot
    ``loop.create_task`` is an event loop's only if ``loop`` is one (any
    ``AbstractEventLoop`` subclass, uvloop included); ``tg.create_task`` on a
    ``TaskGroup`` is fine. The plugin decides by the receiver's type.

Setting
    ``background_task_helper``: the helper(s) that may create tasks.

Bad::

    asyncio.create_task(send_email(user))

Good::

    create_background_task(send_email(user))   # the project's helper keeps a reference
"""

from __future__ import annotations

from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import CallExpr, ExpressionStmt

from mypy_llmtracekit.kinds import (
    CALL_EXPR,
    FUNC_DEF,
    MEMBER_EXPR,
    REF_EXPR,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, error_code
from mypy_llmtracekit.rules.blocking_io import receiver_classes

CODE: ErrorCode = error_code(
    "ltk-background-task", "Task created and discarded, or outside the background-task helper"
)

TASK_FUNCTIONS: Final = {
    "asyncio.tasks.create_task": "asyncio.create_task",
    "asyncio.tasks.ensure_future": "asyncio.ensure_future",
}
EVENT_LOOP = "asyncio.events.AbstractEventLoop"


def _task_api(ctx: ModuleContext, call: CallExpr) -> str | None:
    callee = call.callee
    if isinstance(callee, REF_EXPR) and callee.fullname in TASK_FUNCTIONS:
        return TASK_FUNCTIONS[callee.fullname]
    if isinstance(callee, MEMBER_EXPR) and callee.name == "create_task":
        for info in receiver_classes(ctx.type_of(callee.expr)):
            if any(base.fullname == EVENT_LOOP for base in info.mro):
                return "loop.create_task"
    return None


def _inside_helper(ctx: ModuleContext, scope: Scope) -> bool:
    func = scope.function
    return isinstance(func, FUNC_DEF) and func.fullname in ctx.task_helpers


def _check_call(ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
    if not ctx.settings.background_task_helper or _inside_helper(ctx, scope):
        return
    api = _task_api(ctx, call)
    if api is None:
        return
    helper = ctx.settings.background_task_helper[0]
    ctx.report(
        CODE,
        f'Background task created with "{api}" outside the project\'s helper; '
        f"use {helper}(...) instead",
        call,
    )


def _check_statement(ctx: ModuleContext, stmt: ExpressionStmt, scope: Scope) -> None:
    if ctx.settings.background_task_helper or not isinstance(stmt.expr, CALL_EXPR):
        return
    api = _task_api(ctx, stmt.expr)
    if api is None:
        return
    ctx.report(
        CODE,
        f'Task created with "{api}" is discarded: the event loop keeps only a weak reference, '
        "so it may vanish mid-flight; keep a reference (a set plus add_done_callback) or use "
        "an asyncio.TaskGroup",
        stmt.expr,
    )


class _Checks(Checks):
    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        _check_call(ctx, call, scope)

    def on_expression_stmt(self, ctx: ModuleContext, stmt: ExpressionStmt, scope: Scope) -> None:
        _check_statement(ctx, stmt, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Task from create_task/ensure_future discarded, or created outside the helper",
    module=__name__,
    checks=_Checks(),
)

"""Types as the user wrote them (mypy's unanalysed types), which keep their positions.

Rules about how a type is *spelled* (``Callable[..., R]``, ``Optional[X]``) read
the written annotation and resolve each name through the module's symbol tables,
the way mypy's semantic analyser did.
"""

from __future__ import annotations

from collections.abc import Sequence

from mypy.nodes import AssignmentStmt, FuncDef, SymbolTable
from mypy.types import (
    Type,
    UnboundType,
)

from mypy_llmtracekit.kinds import (
    CALLABLE_TYPE,
    ELLIPSIS_TYPE,
    RAW_EXPRESSION_TYPE,
    TYPE_LIST,
    UNBOUND_TYPE,
    UNION_TYPE,
)
from mypy_llmtracekit.names import fullname_of, resolve_dotted
from mypy_llmtracekit.rule import ModuleContext, Scope


class WrittenNames:
    """The symbol tables a name written in one scope is looked up in, innermost first
    (a class's, then the module's), and what the names written there resolve to.

    One per class scope and module pass: the symbol tables do not change after
    mypy's semantic analysis, and a module writes the same names again and again
    (``str``, ``Optional``, ``Callable``).
    """

    def __init__(self, tables: list[SymbolTable]) -> None:
        self.tables = tables
        # Name -> full name, "" for a name that resolves to nothing with one.
        self.fullnames: dict[str, str] = {}


def scope_tables(ctx: ModuleContext, scope: Scope) -> WrittenNames:
    """Where a name written in ``scope`` is looked up (made once per class scope)."""
    cls = scope.cls
    names = ctx.written_names.get(cls)
    if names is None:
        tables = [ctx.tree.names] if cls is None else [cls.info.names, ctx.tree.names]
        names = ctx.written_names[cls] = WrittenNames(tables)
    return names


def resolved(t: UnboundType, ctx: ModuleContext, names: WrittenNames) -> str | None:
    """The full name a written type name refers to (``Fn`` -> ``typing.Callable``)."""
    name = t.name
    fullname = names.fullnames.get(name)
    if fullname is None:
        found = fullname_of(resolve_dotted(name, names.tables, ctx.modules))
        fullname = names.fullnames[name] = found or ""
    return fullname or None


def all_written(t: Type | None) -> list[Type]:
    """``t`` and every type written inside it, outer ones first, in source order."""
    found: list[Type] = []
    if t is not None:
        _add_written(t, found)
    return found


def _add_written(t: Type, found: list[Type]) -> None:
    found.append(t)
    if isinstance(t, UNBOUND_TYPE):
        children: Sequence[Type] = t.args
    elif isinstance(t, (UNION_TYPE, TYPE_LIST)):
        children = t.items
    elif isinstance(t, CALLABLE_TYPE):
        children = [*t.arg_types, t.ret_type]
    else:
        return
    for child in children:
        _add_written(child, found)


def function_annotations(func: FuncDef) -> Type | None:
    """The written signature of ``func`` (None if it has no annotation at all)."""
    return func.unanalyzed_type


def assignment_annotation(stmt: AssignmentStmt) -> Type | None:
    """The written annotation of an assignment, if any."""
    return stmt.unanalyzed_type


def spell(t: Type, *, forward_refs: bool = True) -> str:
    """Write a type back the way a user would (``dict[str, int] | None``).

    Strings keep their quotes (``Optional['Chat']``, ``Literal['a']``); with
    ``forward_refs=False`` a forward reference is written bare (``Chat``), for
    callers that quote the whole annotation instead. Literal values are always
    quoted.
    """
    return _spell(t, forward_refs, in_literal=False)


def _spell(t: Type, forward_refs: bool, in_literal: bool) -> str:
    if isinstance(t, UNBOUND_TYPE):
        if t.original_str_expr is not None and not t.args and (forward_refs or in_literal):
            return repr(t.original_str_expr)
        literal = t.name.rpartition(".")[2] == "Literal"
        if not t.args:
            return t.name
        args = ", ".join(_spell(a, forward_refs, literal) for a in t.args)
        return f"{t.name}[{args}]"
    if isinstance(t, TYPE_LIST):
        return f"[{', '.join(_spell(i, forward_refs, False) for i in t.items)}]"
    if isinstance(t, UNION_TYPE):
        return " | ".join(_spell(i, forward_refs, False) for i in t.items)
    if isinstance(t, ELLIPSIS_TYPE):
        return "..."
    if isinstance(t, RAW_EXPRESSION_TYPE):
        return repr(t.literal_value) if t.literal_value is not None else str(t)
    return str(t)

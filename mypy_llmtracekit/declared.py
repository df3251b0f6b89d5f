"""Types of expressions in a function body, from declarations alone.

A module's summary (``summaries.py``) says what each of its sync functions calls.
It must be the same whenever and wherever it is computed: at the end of mypy's
*interface* phase for that module (before its function bodies are checked, which
is when mypy writes the module's cache and when ``-n`` workers let the modules
that import it start), or later, in another process, or in the daemon. So it
cannot use mypy's type map of the body. This module evaluates the few
expressions a summary needs (receivers and callees of calls) from what exists
once the interface is done:

* the semantic analyser's resolution of names (``conn``, ``db.query``, ``Repo``);
* declared types: annotated parameters and locals, return annotations;
* the types of module- and class-level variables and attributes, which mypy infers
  with the interface (``self._conn = sqlite3.connect(...)`` in ``__init__``);
* for an unannotated local, the types of the values assigned to it in the body.

It never reads a type mypy inferred inside a function body, so it cannot depend on
whether mypy has checked that body yet. Every walk is bounded: recursive values
(``x = x.next()``) and recursive type aliases end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mypy.nodes import (
    ARG_POS,
    FUNC_NO_INFO,
    LDEF,
    CallExpr,
    ConditionalExpr,
    Expression,
    FuncItem,
    MemberExpr,
    NameExpr,
    Node,
    OpExpr,
    SuperExpr,
    SymbolNode,
    Var,
)
from mypy.types import (
    Instance,
    ProperType,
    Type,
    TypeType,
)

from mypy_llmtracekit import compat
from mypy_llmtracekit.kinds import (
    ASSIGNMENT_STMT,
    AWAIT_EXPR,
    CALL_EXPR,
    CALLABLE_TYPE,
    CAST_EXPR,
    DECORATOR,
    FUNC_BASE_OR_VAR,
    FUNC_DEF,
    INDEX_EXPR,
    INSTANCE,
    MEMBER_EXPR,
    MODULE_OR_CLASS,
    NAME_EXPR,
    NONE_OR_ANY,
    OVERLOADED,
    OVERLOADED_FUNC_DEF,
    REF_EXPR,
    SUPER_EXPR,
    TUPLE_TYPE,
    TYPE_INFO,
    TYPE_TYPE,
    TYPE_VAR_TYPE,
    UNION_TYPE,
    VAR,
    WITH_STMT,
    proper,
)
from mypy_llmtracekit.walker import own_statements

# How deep one evaluation may go (a chain of attribute accesses and calls).
_MAX_DEPTH: Final = 12


def flatten(typ: Type | None) -> list[ProperType]:
    """The members of a (possibly nested) union, without ``None`` and ``Any``."""
    if isinstance(typ, INSTANCE):
        return [typ]  # most declared types: no union to take apart
    out: list[ProperType] = []
    stack: list[Type] = [typ] if typ is not None else []
    seen = 0
    while stack and seen < 64:
        seen += 1
        resolved_type = proper(stack.pop())
        if isinstance(resolved_type, UNION_TYPE):
            stack.extend(resolved_type.items)
        elif not isinstance(resolved_type, NONE_OR_ANY):
            out.append(resolved_type)
    return out


def instance_of(typ: ProperType) -> Instance | None:
    """The instance a value of type ``typ`` is, if it is one."""
    if isinstance(typ, INSTANCE):
        return typ
    if isinstance(typ, TUPLE_TYPE):
        return typ.partial_fallback
    if isinstance(typ, TYPE_VAR_TYPE):
        bound = proper(typ.upper_bound)
        return bound if isinstance(bound, INSTANCE) else None
    return None


def node_type(node: SymbolNode | None) -> list[ProperType]:
    """The declared type of what a name refers to (a variable, function or class)."""
    if isinstance(node, TYPE_INFO):
        return [TypeType(compat.any_instance(node))]
    if isinstance(node, DECORATOR):
        return flatten(node.var.type) if node.var.type is not None else []
    if isinstance(node, FUNC_BASE_OR_VAR):
        return flatten(node.type)
    return []


def called(typ: ProperType) -> list[ProperType]:
    """What calling a value of type ``typ`` returns."""
    if isinstance(typ, CALLABLE_TYPE):
        return flatten(typ.ret_type)
    if isinstance(typ, OVERLOADED):
        return [t for item in typ.items for t in flatten(item.ret_type)]
    if isinstance(typ, TYPE_TYPE):
        return [typ.item]
    instance = instance_of(typ)
    if instance is not None:
        _, call = compat.member_type(instance, "__call__")
        if call is not None:
            return [t for c in flatten(call) for t in called(c)]
    return []


class DeclaredTypes:
    """Evaluates expressions of one function's body from declarations alone."""

    def __init__(self, func: FuncItem, statements: list[Node] | None = None) -> None:
        self.func = func
        # The body's assignments and ``with`` statements, when the caller's walk of
        # the body collected them (``walker.own_calls``); else found on first use.
        self._statements = statements
        # Collected on first use: most bodies never ask about a parameter or a local.
        self._params: dict[Var, Type | None] | None = None
        self._values: dict[Var, list[Expression]] | None = None
        self._active: set[Var] = set()
        # Answers for whole expressions (callers ask about a receiver more than once).
        self._known: dict[Expression, list[ProperType]] = {}

    def type_of(self, expr: Expression, depth: int = 0) -> list[ProperType]:
        """The possible types of ``expr`` (empty when unknown)."""
        if depth:
            return self._type_of(expr, depth)
        known = self._known.get(expr)
        if known is None:
            known = self._known[expr] = self._type_of(expr, 0)
        return known

    def _type_of(self, expr: Expression, depth: int) -> list[ProperType]:
        if depth > _MAX_DEPTH:
            return []
        if isinstance(expr, NAME_EXPR):
            return self._name(expr, depth)
        if isinstance(expr, MEMBER_EXPR):
            base = expr.expr
            if isinstance(base, REF_EXPR) and isinstance(base.node, MODULE_OR_CLASS):
                # mod.name or Class.name: the semantic analyser resolved it.
                return node_type(expr.node)
            return self.member(self.type_of(base, depth + 1), expr.name)
        if isinstance(expr, CALL_EXPR):
            return [t for c in self.type_of(expr.callee, depth + 1) for t in called(c)]
        if isinstance(expr, SUPER_EXPR):
            return self._super(expr)
        if isinstance(expr, INDEX_EXPR):
            getitem = self.member(self.type_of(expr.base, depth + 1), "__getitem__")
            return [t for c in getitem for t in called(c)]
        if isinstance(expr, CAST_EXPR):
            return flatten(expr.type)
        if isinstance(expr, ConditionalExpr):
            either = (expr.if_expr, expr.else_expr)
            return [t for e in either for t in self.type_of(e, depth + 1)]
        if isinstance(expr, OpExpr) and expr.op in ("or", "and"):
            return [*self.type_of(expr.left, depth + 1), *self.type_of(expr.right, depth + 1)]
        if isinstance(expr, AWAIT_EXPR):
            return []
        return []

    def member(self, receivers: Sequence[ProperType], name: str) -> list[ProperType]:
        """The types of attribute ``name`` of values of the ``receivers`` types."""
        out: list[ProperType] = []
        for receiver in receivers:
            if isinstance(receiver, TYPE_TYPE):
                item = instance_of(proper(receiver.item))
                if item is not None:
                    node, typ = compat.member_type(item, name)
                    out.extend(_as_member(node, typ))
                continue
            instance = instance_of(receiver)
            if instance is None:
                continue
            node, typ = compat.member_type(instance, name)
            out.extend(_as_member(node, typ))
        return out

    def _super(self, expr: SuperExpr) -> list[ProperType]:
        info = expr.info
        if info is None:
            return []
        node, typ = compat.member_type(compat.self_type(info), expr.name, after=info)
        return _as_member(node, typ)

    def _name(self, expr: NameExpr, depth: int) -> list[ProperType]:
        node = expr.node
        if not isinstance(node, VAR):
            return node_type(node)
        if self._params is None:
            self._params = _parameters(self.func)
        if node in self._params:
            return flatten(self._params[node])
        if expr.kind != LDEF:
            return flatten(node.type)
        if not node.is_inferred:
            return flatten(node.type)
        if self._values is None:
            self._values = _local_values(self.func, self._statements)
        values = self._values.get(node)
        if not values or node in self._active:
            return []
        self._active.add(node)
        try:
            return [t for value in values for t in self.type_of(value, depth + 1)]
        finally:
            self._active.discard(node)


def _as_member(node: SymbolNode | None, typ: Type | None) -> list[ProperType]:
    """A member's type as seen through an instance: a property gives its value."""
    if typ is None:
        return []
    func = node.func if isinstance(node, DECORATOR) else node
    if isinstance(func, FUNC_DEF) and func.is_property:
        return [t for c in flatten(typ) for t in called(c)]
    if isinstance(func, OVERLOADED_FUNC_DEF) and func.is_property:
        return [t for c in flatten(typ) for t in called(c)]
    return flatten(typ)


def _parameters(func: FuncItem) -> dict[Var, Type | None]:
    """Each parameter's declared type; ``self``/``cls`` of a method are its class."""
    declared = func.type if isinstance(func.type, CALLABLE_TYPE) else None
    params: dict[Var, Type | None] = {}
    for index, argument in enumerate(func.arguments):
        typ: Type | None = None
        if declared is not None and index < len(declared.arg_types):
            typ = declared.arg_types[index]
        params[argument.variable] = typ
    if isinstance(func, FUNC_DEF) and func.info is not FUNC_NO_INFO and func.arguments:
        first = func.arguments[0]
        if not func.is_static and first.kind == ARG_POS:
            own = compat.self_type(func.info)
            params[first.variable] = TypeType(own) if func.is_class else own
    return params


def _local_values(func: FuncItem, statements: list[Node] | None) -> dict[Var, list[Expression]]:
    """For each unannotated local of ``func``: the values assigned to it in its body
    (its assignments and ``with`` statements, in source order, when known)."""
    values: dict[Var, list[Expression]] = {}
    nodes = statements if statements is not None else own_statements(func.body.body)
    for node in nodes:
        if isinstance(node, ASSIGNMENT_STMT):
            for lvalue in node.lvalues:
                _note(values, lvalue, node.rvalue)
        elif isinstance(node, WITH_STMT) and not node.is_async:
            for expr, target in zip(node.expr, node.target):
                if target is not None:
                    _note(values, target, CallExpr(MemberExpr(expr, "__enter__"), [], [], []))
    return values


def _note(values: dict[Var, list[Expression]], lvalue: Node, value: Expression) -> None:
    if isinstance(lvalue, NAME_EXPR) and isinstance(lvalue.node, VAR) and lvalue.kind == LDEF:
        values.setdefault(lvalue.node, []).append(value)

"""One walk over a checked module, calling the handlers of the enabled rules.

mypy's own ``TraverserVisitor`` is compiled and cannot be subclassed from
interpreted code in current wheels, so the walk is ours: a table of which
attributes of each node class hold child nodes. A node class missing from the
table is not entered (never a crash, at worst a missed finding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from mypy import nodes
from mypy.nodes import (
    AssignmentStmt,
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    FuncDef,
    LambdaExpr,
    Node,
    OverloadedFuncDef,
    TypeAliasStmt,
)

from mypy_llmtracekit.rule import (
    AssignmentHandler,
    CallHandler,
    FunctionHandler,
    ModuleContext,
    Rule,
    Scope,
    ScopeKind,
    TypeAliasHandler,
)

# Node class -> the attributes that hold its child nodes (a node, a list of
# nodes, a list of (node, node) pairs, or None).
_CHILDREN: dict[type[Node], tuple[str, ...]] = {
    nodes.ExpressionStmt: ("expr",),
    nodes.OperatorAssignmentStmt: ("lvalue", "rvalue"),
    nodes.WhileStmt: ("expr", "body", "else_body"),
    nodes.ForStmt: ("index", "expr", "body", "else_body"),
    nodes.ReturnStmt: ("expr",),
    nodes.AssertStmt: ("expr", "msg"),
    nodes.DelStmt: ("expr",),
    nodes.IfStmt: ("expr", "body", "else_body"),
    nodes.RaiseStmt: ("expr", "from_expr"),
    nodes.TryStmt: ("body", "types", "handlers", "else_body", "finally_body"),
    nodes.WithStmt: ("expr", "target", "body"),
    nodes.MatchStmt: ("subject", "guards", "bodies"),
    nodes.MemberExpr: ("expr",),
    nodes.IndexExpr: ("base", "index"),
    nodes.OpExpr: ("left", "right"),
    nodes.ComparisonExpr: ("operands",),
    nodes.UnaryExpr: ("expr",),
    nodes.AssignmentExpr: ("target", "value"),
    nodes.CastExpr: ("expr",),
    nodes.AssertTypeExpr: ("expr",),
    nodes.RevealExpr: ("expr",),
    nodes.SliceExpr: ("begin_index", "end_index", "stride"),
    nodes.ConditionalExpr: ("cond", "if_expr", "else_expr"),
    nodes.ListExpr: ("items",),
    nodes.TupleExpr: ("items",),
    nodes.SetExpr: ("items",),
    nodes.DictExpr: ("items",),
    nodes.ListComprehension: ("generator",),
    nodes.SetComprehension: ("generator",),
    nodes.DictionaryComprehension: ("sequences", "condlists", "key", "value"),
    nodes.GeneratorExpr: ("sequences", "condlists", "left_expr"),
    nodes.AwaitExpr: ("expr",),
    nodes.YieldExpr: ("expr",),
    nodes.YieldFromExpr: ("expr",),
    nodes.StarExpr: ("expr",),
    nodes.SuperExpr: ("call",),
    nodes.TypeApplication: ("expr",),
}


class ModuleWalker:
    """Visit every reachable node of a module once, tracking the scope."""

    def __init__(self, ctx: ModuleContext, rules: Sequence[Rule]) -> None:
        self.ctx = ctx
        self.scope = Scope(ScopeKind.MODULE)
        self.on_assignment: list[AssignmentHandler] = [
            r.on_assignment for r in rules if r.on_assignment
        ]
        self.on_call: list[CallHandler] = [r.on_call for r in rules if r.on_call]
        self.on_function: list[FunctionHandler] = [r.on_function for r in rules if r.on_function]
        self.on_type_alias: list[TypeAliasHandler] = [
            r.on_type_alias for r in rules if r.on_type_alias
        ]
        self._special: dict[type[Node], Callable[[Node], None]] = {
            Block: self._block,  # type: ignore[dict-item]
            FuncDef: self._func_def,  # type: ignore[dict-item]
            OverloadedFuncDef: self._overloaded,  # type: ignore[dict-item]
            Decorator: self._decorator,  # type: ignore[dict-item]
            LambdaExpr: self._lambda,  # type: ignore[dict-item]
            ClassDef: self._class_def,  # type: ignore[dict-item]
            AssignmentStmt: self._assignment,  # type: ignore[dict-item]
            CallExpr: self._call,  # type: ignore[dict-item]
            TypeAliasStmt: self._type_alias,  # type: ignore[dict-item]
        }

    def run(self) -> None:
        """Walk the whole module."""
        self._visit_all(self.ctx.tree.defs)

    # --- generic traversal ------------------------------------------------------

    def _visit(self, node: Node) -> None:
        special = self._special.get(type(node))
        if special is not None:
            special(node)
            return
        for attribute in _CHILDREN.get(type(node), ()):
            self._visit_value(getattr(node, attribute, None))

    def _visit_value(self, value: object) -> None:
        if value is None:
            return
        if isinstance(value, Node):
            self._visit(value)
            return
        if isinstance(value, (list, tuple)):
            for item in value:
                self._visit_value(item)

    def _visit_all(self, items: Iterable[Node]) -> None:
        for item in items:
            self._visit(item)

    # --- nodes that change the scope or that rules watch ------------------------

    def _block(self, block: Block) -> None:
        if not block.is_unreachable:
            self._visit_all(block.body)

    def _class_def(self, cdef: ClassDef) -> None:
        outer = self.scope
        self._visit_all(cdef.decorators)
        self.scope = Scope(ScopeKind.CLASS, outer.function, cdef)
        self._block(cdef.defs)
        self.scope = outer

    def _decorator(self, dec: Decorator) -> None:
        self._visit_all(dec.decorators)
        self._func_def(dec.func)

    def _overloaded(self, ovl: OverloadedFuncDef) -> None:
        self._visit_all(ovl.items)
        if ovl.impl is not None:
            self._visit(ovl.impl)

    def _func_def(self, func: FuncDef) -> None:
        for handler in self.on_function:
            handler(self.ctx, func, self.scope)
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, func, outer.cls)
        self._block(func.body)
        self.scope = outer

    def _lambda(self, expr: LambdaExpr) -> None:
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, expr, outer.cls)
        self._block(expr.body)
        self.scope = outer

    def _assignment(self, stmt: AssignmentStmt) -> None:
        for handler in self.on_assignment:
            handler(self.ctx, stmt, self.scope)
        self._visit(stmt.rvalue)
        self._visit_all(stmt.lvalues)

    def _call(self, call: CallExpr) -> None:
        for handler in self.on_call:
            handler(self.ctx, call, self.scope)
        self._visit(call.callee)
        self._visit_all(call.args)

    def _type_alias(self, stmt: TypeAliasStmt) -> None:
        for handler in self.on_type_alias:
            handler(self.ctx, stmt)

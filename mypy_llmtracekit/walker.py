"""One walk over a checked module, calling the handlers of the enabled rules.

mypy's own ``TraverserVisitor`` is compiled and cannot be subclassed from
interpreted code in current wheels, so the walk is ours: a table of which
attributes of each node class hold child nodes. A node class missing from the
table is not entered (never a crash, at worst a missed finding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from mypy import nodes
from mypy.nodes import (
    AssignmentStmt,
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    ExpressionStmt,
    FuncDef,
    FuncItem,
    LambdaExpr,
    Node,
    OverloadedFuncDef,
    TryStmt,
    TypeAliasStmt,
)

from mypy_llmtracekit.rule import ModuleContext, Rule, Scope, ScopeKind

# Node class -> the attributes that hold its child nodes (a node, a list of
# nodes, a list of (node, node) pairs, or None).
_CHILDREN: dict[type[Node], tuple[str, ...]] = {
    nodes.ExpressionStmt: ("expr",),
    nodes.AssignmentStmt: ("rvalue", "lvalues"),
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
    nodes.Block: ("body",),
    nodes.CallExpr: ("callee", "args"),
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

# Nodes that start a scope of their own: what runs inside them runs later.
_NEW_SCOPE: tuple[type[Node], ...] = (FuncItem, ClassDef, Decorator, OverloadedFuncDef)

N = TypeVar("N", bound=Node)


def _narrowed(kind: type[N], visit: Callable[[N], None]) -> Callable[[Node], None]:
    """Adapt a visitor of one node class to the walker's table of any node."""

    def run(node: Node) -> None:
        if isinstance(node, kind):
            visit(node)

    return run


def _child_nodes(node: Node) -> Iterator[Node]:
    for attribute in _CHILDREN.get(type(node), ()):
        yield from _flatten(getattr(node, attribute, None))


def _flatten(value: object) -> Iterator[Node]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)


def own_nodes(roots: Iterable[Node]) -> Iterator[Node]:
    """Every reachable node under ``roots`` that runs in the same scope.

    Nested functions, lambdas and classes are not entered.
    """
    stack = list(roots)[::-1]
    while stack:
        node = stack.pop()
        if isinstance(node, _NEW_SCOPE) or (isinstance(node, Block) and node.is_unreachable):
            continue
        yield node
        stack.extend(list(_child_nodes(node))[::-1])


class ModuleWalker:
    """Visit every reachable node of a module once, tracking the scope."""

    def __init__(self, ctx: ModuleContext, rules: Sequence[Rule]) -> None:
        self.ctx = ctx
        self.scope = Scope(ScopeKind.MODULE)
        self.rules = rules
        # Nodes that open a scope: visited by methods of the walker.
        self._special: dict[type[Node], Callable[[Node], None]] = {
            Block: _narrowed(Block, self._block),
            FuncDef: _narrowed(FuncDef, self._func_def),
            OverloadedFuncDef: _narrowed(OverloadedFuncDef, self._overloaded),
            Decorator: _narrowed(Decorator, self._decorator),
            LambdaExpr: _narrowed(LambdaExpr, self._lambda),
            ClassDef: _narrowed(ClassDef, self._class_def),
        }
        # Nodes that rules watch: node class -> one callback running their handlers.
        self._watched: dict[type[Node], Callable[[Node], None]] = {}
        self._watch(AssignmentStmt, [r.on_assignment for r in rules if r.on_assignment])
        self._watch(CallExpr, [r.on_call for r in rules if r.on_call])
        self._watch(TryStmt, [r.on_try for r in rules if r.on_try])
        self._watch(ExpressionStmt, [r.on_expression_stmt for r in rules if r.on_expression_stmt])
        self._watch(TypeAliasStmt, [r.on_type_alias for r in rules if r.on_type_alias])

    def _watch(
        self, kind: type[N], handlers: list[Callable[[ModuleContext, N, Scope], None]]
    ) -> None:
        if not handlers:
            return

        def run(node: N) -> None:
            for handler in handlers:
                handler(self.ctx, node, self.scope)

        self._watched[kind] = _narrowed(kind, run)

    def run(self) -> None:
        """Walk the whole module, then let rules conclude."""
        self._visit_all(self.ctx.tree.defs)
        for rule in self.rules:
            if rule.on_module_end is not None:
                rule.on_module_end(self.ctx)

    def _visit(self, node: Node) -> None:
        # The hot loop of the plugin: plain loops, no generators.
        kind = type(node)
        special = self._special.get(kind)
        if special is not None:
            special(node)
            return
        watched = self._watched.get(kind)
        if watched is not None:
            watched(node)
        for attribute in _CHILDREN.get(kind, ()):
            value = getattr(node, attribute, None)
            if isinstance(value, Node):
                self._visit(value)
            elif isinstance(value, (list, tuple)):
                self._visit_sequence(value)

    def _visit_sequence(self, values: Sequence[object]) -> None:
        for value in values:
            if isinstance(value, Node):
                self._visit(value)
            elif isinstance(value, (list, tuple)):
                self._visit_sequence(value)

    def _visit_all(self, items: Iterable[Node]) -> None:
        for item in items:
            self._visit(item)

    def _block(self, block: Block) -> None:
        if not block.is_unreachable:
            self._visit_all(block.body)

    def _class_def(self, cdef: ClassDef) -> None:
        self._visit_all(cdef.decorators)
        for rule in self.rules:
            if rule.on_class is not None:
                rule.on_class(self.ctx, cdef, self.scope)
        outer = self.scope
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
        for rule in self.rules:
            if rule.on_function is not None:
                rule.on_function(self.ctx, func, self.scope)
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, func, outer.cls)
        self._block(func.body)
        self.scope = outer

    def _lambda(self, expr: LambdaExpr) -> None:
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, expr, outer.cls)
        self._block(expr.body)
        self.scope = outer

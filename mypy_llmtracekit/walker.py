"""One walk over a checked module, calling the handlers of the enabled rules.

mypy's own ``TraverserVisitor`` is compiled and cannot be subclassed from
interpreted code in current wheels, so the walk is ours: a table of which
attributes of each node class hold child nodes. A node class missing from the
table is not entered (never a crash, at worst a missed finding).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, cast

from mypy import nodes
from mypy.nodes import (
    AssignmentStmt,
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    DictionaryComprehension,
    Expression,
    ExpressionStmt,
    ForStmt,
    FuncDef,
    FuncItem,
    GeneratorExpr,
    IfStmt,
    LambdaExpr,
    MemberExpr,
    Node,
    OperatorAssignmentStmt,
    OverloadedFuncDef,
    Statement,
    SuperExpr,
    TryStmt,
    TupleExpr,
    TypeAliasStmt,
    WhileStmt,
    WithStmt,
)

from mypy_llmtracekit import compat
from mypy_llmtracekit.kinds import (
    ASSIGNMENT_STMT,
    BLOCK,
    CALL_EXPR,
    DICTIONARY_COMPREHENSION,
    FOR_STMT,
    GENERATOR_EXPR,
    IF_STMT,
    MEMBER_EXPR,
    NAME_EXPR,
    OPERATOR_ASSIGNMENT_STMT,
    STR_EXPR,
    SUPER_EXPR,
    TRY_STMT,
    TUPLE_EXPR,
    WHILE_STMT,
    WITH_STMT,
)
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind

# Node class -> the attributes that hold its child nodes: a node or None, or,
# marked ``*``, a list of them (whose items may be lists or pairs of them).
_CHILDREN: Final[dict[type[Node], tuple[str, ...]]] = {
    nodes.ExpressionStmt: ("expr",),
    nodes.AssignmentStmt: ("rvalue", "lvalues*"),
    nodes.OperatorAssignmentStmt: ("lvalue", "rvalue"),
    nodes.WhileStmt: ("expr", "body", "else_body"),
    nodes.ForStmt: ("index", "expr", "body", "else_body"),
    nodes.ReturnStmt: ("expr",),
    nodes.AssertStmt: ("expr", "msg"),
    nodes.DelStmt: ("expr",),
    nodes.IfStmt: ("expr*", "body*", "else_body"),
    nodes.RaiseStmt: ("expr", "from_expr"),
    nodes.TryStmt: ("body", "types*", "handlers*", "else_body", "finally_body"),
    nodes.WithStmt: ("expr*", "target*", "body"),
    nodes.MatchStmt: ("subject", "guards*", "bodies*"),
    nodes.Block: ("body*",),
    nodes.CallExpr: ("callee", "args*"),
    nodes.MemberExpr: ("expr",),
    nodes.IndexExpr: ("base", "index"),
    nodes.OpExpr: ("left", "right"),
    nodes.ComparisonExpr: ("operands*",),
    nodes.UnaryExpr: ("expr",),
    nodes.AssignmentExpr: ("target", "value"),
    nodes.CastExpr: ("expr",),
    nodes.AssertTypeExpr: ("expr",),
    nodes.RevealExpr: ("expr",),
    nodes.SliceExpr: ("begin_index", "end_index", "stride"),
    nodes.ConditionalExpr: ("cond", "if_expr", "else_expr"),
    nodes.ListExpr: ("items*",),
    nodes.TupleExpr: ("items*",),
    nodes.SetExpr: ("items*",),
    nodes.DictExpr: ("items*",),
    nodes.ListComprehension: ("generator",),
    nodes.SetComprehension: ("generator",),
    nodes.DictionaryComprehension: ("sequences*", "condlists*", "key", "value"),
    nodes.GeneratorExpr: ("sequences*", "condlists*", "left_expr"),
    nodes.AwaitExpr: ("expr",),
    nodes.YieldExpr: ("expr",),
    nodes.YieldFromExpr: ("expr",),
    nodes.StarExpr: ("expr",),
    nodes.SuperExpr: ("call",),
    nodes.TypeApplication: ("expr",),
}

# Nodes that start a scope of their own: what runs inside them runs later.
_NEW_SCOPE: Final[tuple[type[Node], ...]] = (FuncItem, ClassDef, Decorator, OverloadedFuncDef)

# The attributes of a compound statement that hold statements (blocks), in the
# order of ``_CHILDREN``: what ``own_statements`` enters.
_STATEMENT_CHILDREN: Final[dict[type[Node], tuple[str, ...]]] = {
    nodes.Block: ("body*",),
    nodes.WhileStmt: ("body", "else_body"),
    nodes.ForStmt: ("body", "else_body"),
    nodes.IfStmt: ("body*", "else_body"),
    nodes.TryStmt: ("body", "handlers*", "else_body", "finally_body"),
    nodes.WithStmt: ("body",),
    nodes.MatchStmt: ("bodies*",),
}

# A table's entry, parsed: (attribute, whether it holds a list).
_Attributes = tuple[tuple[str, bool], ...]


def _parsed(table: dict[type[Node], tuple[str, ...]]) -> dict[type[Node], _Attributes]:
    return {
        kind: tuple((name.rstrip("*"), name.endswith("*")) for name in names)
        for kind, names in table.items()
    }


_NODE_ATTRIBUTES: Final[dict[type[Node], _Attributes]] = _parsed(_CHILDREN)
_STATEMENT_ATTRIBUTES: Final[dict[type[Node], _Attributes]] = _parsed(_STATEMENT_CHILDREN)

# Plans of the walks below: node class -> the attributes to enter, last first, or
# None for a class that opens a scope of its own (filled on first sight of a class).
_Plans = dict[type[Node], _Attributes | None]
_OWN_NODES: Final[_Plans] = {}
_OWN_STATEMENTS: Final[_Plans] = {}


def own_nodes(roots: Iterable[Node]) -> Iterator[Node]:
    """Every reachable node under ``roots`` that runs in the same scope, in source order.

    Nested functions, lambdas and classes are not entered.
    """
    return _own(roots, _OWN_NODES, _NODE_ATTRIBUTES)


def own_statements(roots: Iterable[Node]) -> Iterator[Node]:
    """What :func:`own_nodes` yields, without expressions: the statements and blocks.

    For rules that look for ``return``/``raise``: no statement sits inside an
    expression of the same scope, so their order is the same as in ``own_nodes``.
    """
    return _own(roots, _OWN_STATEMENTS, _STATEMENT_ATTRIBUTES)


def own_calls(
    roots: Iterable[Node],
    nested: list[Node] | None = None,
    assignments: list[Node] | None = None,
) -> list[CallExpr]:
    """The calls among :func:`own_nodes`, in the same order.

    With ``nested``, the scopes not entered (definitions, classes, lambdas) are
    appended to it, in source order, as the walk passes them; with
    ``assignments``, the assignment and ``with`` statements, in source order.
    Expressions are handed whole to :func:`calls_in` where it can tell their calls.
    """
    found: list[CallExpr] = []
    plans = _OWN_NODES
    table = _NODE_ATTRIBUTES
    expressions = _EXPRESSIONS
    stack = list(roots)
    stack.reverse()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in expressions:
            quick = calls_in(cast(Expression, node))
            if quick is not None:
                found.extend(quick)
                continue
        plan = _plan(kind, plans, table)
        if plan is None:
            if nested is not None:
                nested.append(node)
            continue
        if kind is BLOCK and cast(Block, node).is_unreachable:
            continue
        if kind is CALL_EXPR:
            found.append(cast(CallExpr, node))
        elif assignments is not None and (kind is ASSIGNMENT_STMT or kind is WITH_STMT):
            assignments.append(node)
        _push_children(node, plan, stack)
    return found


def body_calls(body: Block, assignments: list[Node]) -> list[CallExpr] | None:
    """:func:`own_calls` of a function's body in one pass of mypy's compiled
    traverser (``calls_in``), with its assignments and ``with`` statements appended
    to ``assignments``; None for a body that holds what that traverser visits
    otherwise than these walks (a nested scope, an unreachable block, a statement
    whose parts it visits in another order): the caller walks it instead."""
    if not _plain_statements(body.body, assignments):
        return None
    return calls_in(body)


def _plain_statements(statements: list[Statement], assignments: list[Node]) -> bool:
    """Whether mypy's traverser visits the calls of ``statements`` in the walks'
    order (collecting their assignments and ``with`` statements meanwhile)."""
    stack: list[Node] = list(statements)
    stack.reverse()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ASSIGNMENT_STMT:
            assignments.append(node)
        elif kind in _SIMPLE_STATEMENTS:
            continue
        elif kind is IF_STMT:
            stmt = cast(IfStmt, node)
            if not _push_blocks(stmt.body, stmt.else_body, stack):
                return False
        elif kind is FOR_STMT or kind is WHILE_STMT:
            loop = cast(ForStmt | WhileStmt, node)
            if not _push_blocks([loop.body], loop.else_body, stack):
                return False
        elif kind is WITH_STMT:
            with_stmt = cast(WithStmt, node)
            # It visits each item's target after its expression, the walks after
            # every expression: alike while no target holds a call.
            if not all(_plain_target(t) for t in with_stmt.target if t is not None):
                return False
            assignments.append(node)
            if not _push_blocks([with_stmt.body], None, stack):
                return False
        elif kind is TRY_STMT:
            try_stmt = cast(TryStmt, node)
            # It visits each handler after its type, the walks after every type.
            if not all(_plain_type(t) for t in try_stmt.types if t is not None):
                return False
            blocks = [try_stmt.body, *try_stmt.handlers]
            if try_stmt.else_body is not None:
                blocks.append(try_stmt.else_body)
            if not _push_blocks(blocks, try_stmt.finally_body, stack):
                return False
        elif kind is OPERATOR_ASSIGNMENT_STMT:
            # It visits the value before the target, the walks after.
            if not _plain_target(cast(OperatorAssignmentStmt, node).lvalue):
                return False
        else:
            # A nested definition or class, a match, a type alias, ...
            return False
    return True


def _push_blocks(blocks: list[Block], last: Block | None, stack: list[Node]) -> bool:
    """Push the statements of ``blocks`` then ``last`` on ``stack`` (first comes off
    first); False if one is unreachable (the walks skip it, mypy's traverser not)."""
    if last is not None:
        if last.is_unreachable:
            return False
        _push_reversed(last.body, stack)
    index = len(blocks)
    while index:
        index -= 1
        block = blocks[index]
        if block.is_unreachable:
            return False
        _push_reversed(block.body, stack)
    return True


def _own(
    roots: Iterable[Node], plans: _Plans, table: dict[type[Node], _Attributes]
) -> Iterator[Node]:
    # Hot (several rules read whole bodies): one plain loop, and list operations
    # mypyc compiles to native code (no bound ``pop``, no ``reversed`` of an
    # unknown sequence).
    stack = list(roots)
    stack.reverse()
    while stack:
        node = stack.pop()
        kind = type(node)
        plan = _plan(kind, plans, table)
        if plan is None:
            continue
        if kind is BLOCK and cast(Block, node).is_unreachable:
            continue
        yield node
        _push_children(node, plan, stack)


def _plan(
    kind: type[Node], plans: _Plans, table: dict[type[Node], _Attributes]
) -> _Attributes | None:
    """The attributes of a node class to enter, last first (None: a scope of its own)."""
    plan = plans.get(kind, _UNSEEN)
    if plan is _UNSEEN:
        if issubclass(kind, _NEW_SCOPE):
            plan = plans[kind] = None
        else:
            # Last attribute first: the children are pushed in reverse.
            plan = plans[kind] = tuple(reversed(table.get(kind, ())))
    return plan


def _push_children(node: Node, plan: _Attributes, stack: list[Node]) -> None:
    """Push ``node``'s children on ``stack`` so that the first comes off first."""
    for attribute, many in plan:
        value = getattr(node, attribute, None)
        if many:
            if value:
                _push_reversed(_as_list(value), stack)
        elif value is not None:
            stack.append(value)


# The expressions that hold other nodes: where a walk may hand a whole subtree to
# ``calls_in`` instead of reading it node by node.
_EXPRESSIONS: Final[frozenset[type[Node]]] = frozenset(
    kind for kind in _CHILDREN if issubclass(kind, Expression)
)
# The analysed forms of a call that mypy's traverser does not enter (a call with
# another, such as cast(x) or divmod(a, b), has its arguments visited twice).
_INERT_ANALYZED: Final[frozenset[type[Node]]] = frozenset(
    (
        nodes.TypeVarExpr,
        nodes.ParamSpecExpr,
        nodes.TypeVarTupleExpr,
        nodes.TypeAliasExpr,
        nodes.NamedTupleExpr,
        nodes.TypedDictExpr,
        nodes.NewTypeExpr,
        nodes.EnumCallExpr,
        nodes.PromoteExpr,
        nodes.TypeFormExpr,
    )
)
# The expressions mypy's traverser and the walks here visit alike, calls aside
# (``calls_in``): any other node makes ``calls_in`` give up, or look closer.
_PLAIN: Final[frozenset[type[Node]]] = frozenset(
    (
        nodes.IntExpr,
        nodes.FloatExpr,
        nodes.ComplexExpr,
        nodes.BytesExpr,
        nodes.EllipsisExpr,
        nodes.IndexExpr,
        nodes.OpExpr,
        nodes.ComparisonExpr,
        nodes.UnaryExpr,
        nodes.AssignmentExpr,
        nodes.SliceExpr,
        nodes.ConditionalExpr,
        nodes.ListExpr,
        nodes.TupleExpr,
        nodes.SetExpr,
        nodes.DictExpr,
        nodes.ListComprehension,
        nodes.SetComprehension,
        nodes.AwaitExpr,
        nodes.YieldExpr,
        nodes.YieldFromExpr,
        nodes.StarExpr,
        # Analysed forms the traverser does not enter.
        nodes.TypeVarExpr,
        nodes.ParamSpecExpr,
        nodes.TypeVarTupleExpr,
        nodes.TypeAliasExpr,
        nodes.NamedTupleExpr,
        nodes.TypedDictExpr,
        nodes.NewTypeExpr,
        nodes.EnumCallExpr,
        nodes.PromoteExpr,
        nodes.TypeFormExpr,
        nodes.TempNode,
    )
)


def calls_in(expr: Node) -> list[CallExpr] | None:
    """The calls under ``expr`` (itself included) in the order the walks here
    visit them, found by mypy's compiled traverser (``compat.subexpressions``):
    reading every node's attributes through the Python API cost several times
    more. None where that traverser's visit differs from these walks' (a lambda,
    whose body is another scope; ``cast`` and other analysed forms, which it
    visits twice; a comprehension with several ``for`` clauses or a target that
    is not a name, which it visits in another order; ``super(C, self)``): the
    caller then walks ``expr`` itself."""
    found: list[Any] = []
    for sub in compat.subexpressions(expr):
        kind = type(sub)
        if kind is CALL_EXPR:
            analyzed = cast(CallExpr, sub).analyzed
            if analyzed is not None and type(analyzed) not in _INERT_ANALYZED:
                # cast(), reveal_type(), divmod() (an OpExpr): the traverser visits
                # the arguments again in the analysed form.
                return None
            found.append(sub)
        elif kind is NAME_EXPR or kind is MEMBER_EXPR or kind is STR_EXPR or kind in _PLAIN:
            continue
        elif kind is SUPER_EXPR:
            # The walks enter ``super()``, a call; mypy's traverser does not.
            call = cast(SuperExpr, sub).call
            if call.args:
                return None
            found.append(call)
        elif kind is GENERATOR_EXPR or kind is DICTIONARY_COMPREHENSION:
            indices = cast(GeneratorExpr | DictionaryComprehension, sub).indices
            if len(indices) != 1 or not _plain_target(indices[0]):
                return None
        else:
            return None
    return found


def _plain_target(target: Expression) -> bool:
    """A target that holds no call: a name, an attribute of a name, or a tuple of
    names (the walks here do not visit a comprehension's targets, mypy's traverser
    does)."""
    kind = type(target)
    if kind is NAME_EXPR:
        return True
    if kind is MEMBER_EXPR:
        return type(cast(MemberExpr, target).expr) is NAME_EXPR
    if kind is TUPLE_EXPR:
        return all(type(item) is NAME_EXPR for item in cast(TupleExpr, target).items)
    return False


def _plain_type(expr: Expression) -> bool:
    """An exception type that holds no call: a name, ``module.Name``, a tuple of them."""
    kind = type(expr)
    if kind is NAME_EXPR or kind is MEMBER_EXPR:
        return _plain_target(expr)
    if kind is TUPLE_EXPR:
        return all(_plain_type(item) for item in cast(TupleExpr, expr).items)
    return False


# Statements without blocks whose parts mypy's traverser visits in the walks' order
# (assignments aside, which are collected).
_SIMPLE_STATEMENTS: Final[frozenset[type[Node]]] = frozenset(
    (
        nodes.ExpressionStmt,
        nodes.ReturnStmt,
        nodes.AssertStmt,
        nodes.DelStmt,
        nodes.RaiseStmt,
        nodes.PassStmt,
        nodes.BreakStmt,
        nodes.ContinueStmt,
        nodes.GlobalDecl,
        nodes.NonlocalDecl,
        nodes.Import,
        nodes.ImportFrom,
        nodes.ImportAll,
    )
)


# A plan no class has: what ``_own``'s tables give for a class not seen yet.
_UNSEEN: Final[_Attributes] = (("", False),)


def _as_list(values: Any) -> list[Any]:
    """A node's list attribute as a list (mypy's are lists; a tuple is copied)."""
    return values if type(values) is list else list(values)


def _push_reversed(values: list[Any], stack: list[Node]) -> None:
    """Push the nodes of a list (of nodes, None, or lists and pairs of them) on
    ``stack``, last first."""
    # (An index loop: mypyc fails on ``reversed`` of a ``list[Any]``.)
    index = len(values)
    while index:
        index -= 1
        item = values[index]
        kind = type(item)
        if kind is list or kind is tuple:
            _push_reversed(_as_list(item), stack)
        elif item is not None:
            stack.append(item)


# What the walker does with a node of one class: a method of its own (scopes: one
# of the ``_OWN_*`` numbers below), or (``_CHILDREN_ONLY``) the rules' checks of
# that node (which ``Checks`` method: one of the ``_ON_*`` numbers) then the children.
_Plan = tuple[int, int, tuple[Checks, ...], _Attributes]
_CHILDREN_ONLY: Final = 0
_OWN_BLOCK: Final = 1
_OWN_FUNC_DEF: Final = 2
_OWN_OVERLOADED: Final = 3
_OWN_DECORATOR: Final = 4
_OWN_LAMBDA: Final = 5
_OWN_CLASS_DEF: Final = 6
_ON_NOTHING: Final = 0
_ON_ASSIGNMENT: Final = 1
_ON_CALL: Final = 2
_ON_TRY: Final = 3
_ON_EXPRESSION_STMT: Final = 4
_ON_TYPE_ALIAS: Final = 5
_ON_WITH: Final = 6


class ModuleWalker:
    """Visit every reachable node of a module once, tracking the scope."""

    def __init__(self, ctx: ModuleContext, rules: Sequence[Rule]) -> None:
        self.ctx = ctx
        self.scope = Scope(ScopeKind.MODULE)
        self.rules = rules
        self._on_function: tuple[Checks, ...] = _watching(rules, "on_function")
        self._on_class: tuple[Checks, ...] = _watching(rules, "on_class")
        self._on_module_end: tuple[Checks, ...] = _watching(rules, "on_module_end")
        # The same rules (most runs have one set) share their plans.
        enabled = tuple(rules)
        plans = _PLANS.get(enabled)
        if plans is None:
            plans = _PLANS[enabled] = _plans(enabled)
        self._plans: dict[type[Node], _Plan] = plans

    def run(self) -> None:
        """Walk the whole module, then let rules conclude."""
        self._visit_all(self.ctx.tree.defs)
        for checks in self._on_module_end:
            checks.on_module_end(self.ctx)

    def _visit(self, node: Node) -> None:
        # The hot loop of the plugin: one dict lookup per node, plain loops, and
        # no call at all for a child without a plan (names, literals, None).
        plans = self._plans
        own, event, checks, attributes = plans[type(node)]
        if own != _CHILDREN_ONLY:
            self._visit_own(own, node)
            return
        if checks:
            self._check(event, checks, node)
        for attribute, many in attributes:
            value: Any = getattr(node, attribute, None)
            if many:
                if value:
                    self._visit_sequence(_as_list(value))
            elif type(value) in plans:
                self._visit(value)

    def _visit_sequence(self, values: list[Any]) -> None:
        plans = self._plans
        for value in values:
            kind = type(value)
            if kind in plans:
                self._visit(value)
            elif kind is list or kind is tuple:
                self._visit_sequence(_as_list(value))

    def _visit_all(self, items: list[Any]) -> None:
        # (Typed as a list: mypyc iterates it natively.)
        plans = self._plans
        for item in items:
            if type(item) in plans:
                self._visit(item)

    def _check(self, event: int, watchers: tuple[Checks, ...], node: Node) -> None:
        """The rules' checks of a node they watch (native method calls)."""
        ctx = self.ctx
        scope = self.scope
        if event == _ON_CALL:
            call = cast(CallExpr, node)
            for checks in watchers:
                checks.on_call(ctx, call, scope)
        elif event == _ON_ASSIGNMENT:
            assignment = cast(AssignmentStmt, node)
            for checks in watchers:
                checks.on_assignment(ctx, assignment, scope)
        elif event == _ON_EXPRESSION_STMT:
            expression = cast(ExpressionStmt, node)
            for checks in watchers:
                checks.on_expression_stmt(ctx, expression, scope)
        elif event == _ON_TRY:
            try_stmt = cast(TryStmt, node)
            for checks in watchers:
                checks.on_try(ctx, try_stmt, scope)
        elif event == _ON_WITH:
            with_stmt = cast(WithStmt, node)
            for checks in watchers:
                checks.on_with(ctx, with_stmt, scope)
        elif event == _ON_TYPE_ALIAS:
            alias = cast(TypeAliasStmt, node)
            for checks in watchers:
                checks.on_type_alias(ctx, alias, scope)

    def _visit_own(self, own: int, node: Node) -> None:
        """A node that opens a scope, or a block (a native call each, not a lookup)."""
        if own == _OWN_BLOCK:
            self._block(cast(Block, node))
        elif own == _OWN_FUNC_DEF:
            self._func_def(cast(FuncDef, node))
        elif own == _OWN_DECORATOR:
            self._decorator(cast(Decorator, node))
        elif own == _OWN_CLASS_DEF:
            self._class_def(cast(ClassDef, node))
        elif own == _OWN_OVERLOADED:
            self._overloaded(cast(OverloadedFuncDef, node))
        else:
            self._lambda(cast(LambdaExpr, node))

    def _block(self, block: Block) -> None:
        if not block.is_unreachable:
            self._visit_all(block.body)

    def _class_def(self, cdef: ClassDef) -> None:
        self._visit_all(cdef.decorators)
        for checks in self._on_class:
            checks.on_class(self.ctx, cdef, self.scope)
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
            self._visit_all([ovl.impl])

    def _func_def(self, func: FuncDef) -> None:
        for checks in self._on_function:
            checks.on_function(self.ctx, func, self.scope)
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, func, outer.cls)
        self._block(func.body)
        self.scope = outer

    def _lambda(self, expr: LambdaExpr) -> None:
        outer = self.scope
        self.scope = Scope(ScopeKind.FUNCTION, expr, outer.cls)
        self._block(expr.body)
        self.scope = outer


# Plans by the rules they were made for (the set of enabled rules rarely changes).
_PLANS: Final[dict[tuple[Rule, ...], dict[type[Node], _Plan]]] = {}


def _watching(rules: Sequence[Rule], method: str) -> tuple[Checks, ...]:
    """The checks of the rules that define ``method``, in the rules' order."""
    return tuple(rule.checks for rule in rules if method in rule.watches)


def _plans(rules: tuple[Rule, ...]) -> dict[type[Node], _Plan]:
    """One dispatch per node: node class -> its plan. A class in no table (names,
    literals) has no plan: the walk does not even call ``_visit`` for it."""
    # Nodes that rules watch: node class -> the Checks method and its watchers.
    watched: dict[type[Node], tuple[int, tuple[Checks, ...]]] = {
        AssignmentStmt: (_ON_ASSIGNMENT, _watching(rules, "on_assignment")),
        CallExpr: (_ON_CALL, _watching(rules, "on_call")),
        TryStmt: (_ON_TRY, _watching(rules, "on_try")),
        ExpressionStmt: (_ON_EXPRESSION_STMT, _watching(rules, "on_expression_stmt")),
        TypeAliasStmt: (_ON_TYPE_ALIAS, _watching(rules, "on_type_alias")),
        WithStmt: (_ON_WITH, _watching(rules, "on_with")),
    }
    plans: dict[type[Node], _Plan] = {}
    for kind in (*_CHILDREN, *watched):
        event, watchers = watched.get(kind, (_ON_NOTHING, ()))
        plans[kind] = (_CHILDREN_ONLY, event, watchers, _NODE_ATTRIBUTES.get(kind, ()))
    own: dict[type[Node], int] = {
        Block: _OWN_BLOCK,
        FuncDef: _OWN_FUNC_DEF,
        OverloadedFuncDef: _OWN_OVERLOADED,
        Decorator: _OWN_DECORATOR,
        LambdaExpr: _OWN_LAMBDA,
        ClassDef: _OWN_CLASS_DEF,
    }
    for kind, number in own.items():
        plans[kind] = (number, _ON_NOTHING, (), ())
    return plans

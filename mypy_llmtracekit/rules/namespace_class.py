"""ltk-namespace-class: a class used only as a namespace.

What it catches
    A class with no instance state whose members are only static methods, class
    methods and constants: the style guide wants module-level functions and
    constants instead.

Left alone
    Classes with any instance method or property, ``__init__``, or an annotated
    attribute that is not ``Final``/``ClassVar`` (it declares instance state);
    Protocols, ABCs, Enums, TypedDicts, NamedTuples, dataclasses (and attrs
    classes), exceptions, pydantic models, and any class with a base other than
    ``object`` or another project namespace class (it takes part in a
    hierarchy), a base mypy cannot resolve (an untyped import: ``Any``) included;
    a subclass that redefines a member of its base (a variant in a hierarchy,
    e.g. operator classes passed around as ``type[Operator]``);
    a class with a dunder method, even a class method (``__new__``,
    ``__get_pydantic_core_schema__``: it implements a protocol); a class nested
    in another class's body (framework conventions: Django's and tortoise's
    ``class Meta:``, pydantic's ``class Config:``); a class whose only members
    are placeholders (``class Operator: template = ""``: the root of a
    hierarchy); empty classes (markers). Decorators (``@final``) change
    nothing: a decorated namespace is still one.

Why a syntax-only linter cannot
    Whether a base is ``Protocol``, an ABC, an Enum or a pydantic model, and
    whether a decorator is ``staticmethod``, is decided by what the names resolve
    to, through aliases and re-exports.

Bad::

    class ArtifactUtils:
        @staticmethod
        async def read_from_s3(key: str) -> dict[str, str]: ...

Good::

    async def read_object_from_s3(key: str) -> dict[str, str]: ...
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    AssignmentStmt,
    ClassDef,
    Expression,
    Statement,
    SymbolNode,
    TypeInfo,
)

from mypy_llmtracekit.kinds import (
    ASSIGNMENT_STMT,
    CLASS_DEF,
    DECORATOR,
    DICT_EXPR,
    EXPRESSION_STMT,
    FUNC_DEF,
    INT_EXPR,
    LIST_EXPR,
    NAME_EXPR,
    OVERLOADED_FUNC_DEF,
    PASS_STMT,
    SET_EXPR,
    STR_EXPR,
    TUPLE_EXPR,
    TYPE_INFO,
    VAR,
)
from mypy_llmtracekit.names import is_record_class
from mypy_llmtracekit.rule import Checks, ModuleContext, Rule, Scope, ScopeKind, error_code

CODE: ErrorCode = error_code(
    "ltk-namespace-class", "Class used only as a namespace of static methods and constants"
)


def _takes_part_in_a_hierarchy(ctx: ModuleContext, info: TypeInfo) -> bool:
    if info.is_protocol or info.is_abstract or is_record_class(info):
        return True
    if info.declared_metaclass is not None or info.fallback_to_any:
        return True  # fallback_to_any: a base mypy could not resolve (untyped import)
    return not all(
        base.type.fullname == "builtins.object" or _project_namespace(ctx, base.type, 0)
        for base in info.bases
    )


def _overrides_a_base(info: TypeInfo) -> bool:
    """A variant in a hierarchy: it redefines what a base class defines.

    ``class Equal(ComparisonOperator): template = "{name} = {value}"``, passed
    around as ``type[ComparisonOperator]``, is polymorphism, not a namespace.
    """
    for name in info.names:
        if name.startswith("__") and name.endswith("__"):
            continue
        if any(name in base.names for base in info.mro[1:-1]):
            return True
    return False


def _only_placeholders(cdef: ClassDef) -> bool:
    """``class Operator: template = ""``: empty values for subclasses to fill in.

    A class whose only members are placeholders (``""``, ``None``, ``0``, empty
    displays) declares what its subclasses provide: the root of a hierarchy.
    """
    values = [
        stmt.rvalue
        for stmt in cdef.defs.body
        if isinstance(stmt, ASSIGNMENT_STMT) and not _only_dunders(stmt)
    ]
    others = [
        stmt
        for stmt in cdef.defs.body
        if not isinstance(stmt, (ASSIGNMENT_STMT, PASS_STMT))
        and not (isinstance(stmt, EXPRESSION_STMT) and isinstance(stmt.expr, STR_EXPR))
    ]
    return bool(values) and not others and all(_placeholder(value) for value in values)


def _placeholder(value: Expression) -> bool:
    if isinstance(value, STR_EXPR):
        return value.value == ""
    if isinstance(value, INT_EXPR):
        return value.value == 0
    if isinstance(value, NAME_EXPR):
        return value.fullname == "builtins.None"
    if isinstance(value, (LIST_EXPR, TUPLE_EXPR, DICT_EXPR, SET_EXPR)):
        return not value.items
    return False


def _project_namespace(ctx: ModuleContext, info: TypeInfo, depth: int) -> bool:
    """Is ``info`` (a base) a namespace class of the project itself?

    Judged from its symbol table, which mypy also keeps in its cache, so a warm
    run decides the same. Classes from stubs and installed packages are not the
    project's.
    """
    module = ctx.modules.get(info.module_name)
    if depth > 20 or module is None or module.is_stub or _installed(module.path):
        return False
    if info.is_protocol or info.is_abstract or is_record_class(info):
        return False
    if info.declared_metaclass is not None or info.fallback_to_any:
        return False
    if not all(
        base.type.fullname == "builtins.object" or _project_namespace(ctx, base.type, depth + 1)
        for base in info.bases
    ):
        return False
    kinds = {_symbol_kind(name, symbol.node) for name, symbol in info.names.items()} - {None}
    return bool(kinds) and "other" not in kinds


def _installed(path: str) -> bool:
    return any(part in path for part in ("site-packages", "dist-packages", "typeshed"))


def _symbol_kind(name: str, node: SymbolNode | None) -> str | None:
    """Like :func:`_member_kind`, for a member read from a class's symbol table."""
    if isinstance(node, TYPE_INFO):
        return None
    if isinstance(node, DECORATOR):
        node = node.func
    if isinstance(node, (FUNC_DEF, OVERLOADED_FUNC_DEF)):
        if _is_dunder(name):
            return "other"  # __new__, __get_pydantic_core_schema__: a protocol, not a namespace
        return "function" if node.is_static or node.is_class else "other"
    if name.startswith("__") and name.endswith("__"):
        return None
    if isinstance(node, VAR):
        if node.is_property:
            return "other"
        if node.is_classvar or node.is_final or node.is_inferred:
            return "constant"
        return "other"
    return "other"


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _member_kind(stmt: Statement) -> str | None:
    """'function' for static/class methods, 'constant', 'other', or None (neutral)."""
    if isinstance(stmt, DECORATOR):
        stmt = stmt.func
    if isinstance(stmt, (FUNC_DEF, OVERLOADED_FUNC_DEF)) and _is_dunder(stmt.name):
        return "other"  # __new__, __get_pydantic_core_schema__: a protocol, not a namespace
    if isinstance(stmt, (FUNC_DEF, OVERLOADED_FUNC_DEF)):
        return "function" if stmt.is_static or stmt.is_class else "other"
    if isinstance(stmt, ASSIGNMENT_STMT) and _only_dunders(stmt):
        return None  # __slots__, __hash__ = None, ...: not members
    if isinstance(stmt, ASSIGNMENT_STMT):
        # An annotated attribute declares what instances hold (state), unless it
        # is Final or a ClassVar.
        if stmt.unanalyzed_type is not None and not stmt.is_final_def:
            return "constant" if _is_classvar(stmt) else "other"
        return "constant"
    if isinstance(stmt, PASS_STMT) or (
        isinstance(stmt, EXPRESSION_STMT) and isinstance(stmt.expr, STR_EXPR)
    ):
        return None
    if isinstance(stmt, CLASS_DEF):
        return None
    return "other"


def _only_dunders(stmt: AssignmentStmt) -> bool:
    return all(
        isinstance(lvalue, NAME_EXPR)
        and lvalue.name.startswith("__")
        and lvalue.name.endswith("__")
        for lvalue in stmt.lvalues
    )


def _is_classvar(stmt: AssignmentStmt) -> bool:
    return any(
        isinstance(lvalue, NAME_EXPR) and isinstance(lvalue.node, VAR) and lvalue.node.is_classvar
        for lvalue in stmt.lvalues
    )


def _check_class(ctx: ModuleContext, cdef: ClassDef, scope: Scope) -> None:
    if scope.kind is ScopeKind.CLASS:
        return  # class Meta: / class Config: inside a model: a framework convention
    info = cdef.info
    if _takes_part_in_a_hierarchy(ctx, info) or _overrides_a_base(info):
        return
    if _only_placeholders(cdef):
        return
    kinds = {_member_kind(stmt) for stmt in cdef.defs.body} - {None}
    if not kinds or "other" in kinds:
        return
    ctx.report_definition(
        CODE,
        f'Class "{cdef.name}" is only a namespace (no instance state; only static/class '
        "methods and constants); use module-level functions and constants instead",
        cdef,
    )


class _Checks(Checks):
    def on_class(self, ctx: ModuleContext, cdef: ClassDef, scope: Scope) -> None:
        _check_class(ctx, cdef, scope)


RULE: Rule = Rule(
    code=CODE,
    summary="Class used only as a namespace (no state, only static/class methods and constants)",
    module=__name__,
    checks=_Checks(),
)

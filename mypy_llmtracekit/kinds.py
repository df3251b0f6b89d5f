"""mypy's node and type classes as constants, for the hot paths of the walks.

Compiled with mypyc, ``isinstance(node, NameExpr)`` first looks ``NameExpr`` up
in the module's dictionary: mypyc cannot know that a name imported from mypy
(another compilation unit) is never rebound. That lookup costs about 140
instructions, more than the test itself, and the walks, summaries and rules
make hundreds of thousands of such tests per run. A ``Final`` is kept in a C
variable instead: ``isinstance(node, NAME_EXPR)`` reads it directly.

:func:`proper` is mypy's ``get_proper_type`` without the call into mypy (a
lookup and a call through the Python API) for a type that is proper already,
which most are.

Annotations keep mypy's own names (``def f(node: NameExpr)``); only the tests
in code that runs for every node or call use these. ``isinstance`` with them
narrows as with the class itself.
"""

from __future__ import annotations

from typing import Final, cast, overload

from mypy.nodes import (
    AssignmentExpr,
    AssignmentStmt,
    AwaitExpr,
    Block,
    BreakStmt,
    BytesExpr,
    CallExpr,
    CastExpr,
    ClassDef,
    Decorator,
    DictExpr,
    DictionaryComprehension,
    ExpressionStmt,
    FloatExpr,
    ForStmt,
    FuncBase,
    FuncDef,
    GeneratorExpr,
    IfStmt,
    IndexExpr,
    IntExpr,
    ListExpr,
    MatchStmt,
    MemberExpr,
    MypyFile,
    NameExpr,
    OperatorAssignmentStmt,
    OverloadedFuncDef,
    ParamSpecExpr,
    PassStmt,
    RaiseStmt,
    RefExpr,
    ReturnStmt,
    SetExpr,
    StarExpr,
    StrExpr,
    SuperExpr,
    TryStmt,
    TupleExpr,
    TypeAlias,
    TypeInfo,
    TypeVarExpr,
    UnaryExpr,
    Var,
    WhileStmt,
    WithStmt,
    YieldExpr,
    YieldFromExpr,
)
from mypy.types import (
    AnyType,
    CallableType,
    EllipsisType,
    Instance,
    LiteralType,
    NoneType,
    Overloaded,
    ProperType,
    RawExpressionType,
    TupleType,
    Type,
    TypeAliasType,
    TypedDictType,
    TypeGuardedType,
    TypeList,
    TypeType,
    TypeVarType,
    UnboundType,
    UnionType,
    UnpackType,
    get_proper_type,
)

# Nodes.
ASSIGNMENT_EXPR: Final[type[AssignmentExpr]] = AssignmentExpr
ASSIGNMENT_STMT: Final[type[AssignmentStmt]] = AssignmentStmt
AWAIT_EXPR: Final[type[AwaitExpr]] = AwaitExpr
BLOCK: Final[type[Block]] = Block
BREAK_STMT: Final[type[BreakStmt]] = BreakStmt
BYTES_EXPR: Final[type[BytesExpr]] = BytesExpr
CALL_EXPR: Final[type[CallExpr]] = CallExpr
CAST_EXPR: Final[type[CastExpr]] = CastExpr
CLASS_DEF: Final[type[ClassDef]] = ClassDef
DECORATOR: Final[type[Decorator]] = Decorator
DICTIONARY_COMPREHENSION: Final[type[DictionaryComprehension]] = DictionaryComprehension
DICT_EXPR: Final[type[DictExpr]] = DictExpr
EXPRESSION_STMT: Final[type[ExpressionStmt]] = ExpressionStmt
FLOAT_EXPR: Final[type[FloatExpr]] = FloatExpr
FOR_STMT: Final[type[ForStmt]] = ForStmt
# (Abstract: mypy allows only concrete classes in a type[...] variable.)
FUNC_BASE: Final[type[FuncBase]] = FuncBase  # type: ignore[type-abstract]
FUNC_DEF: Final[type[FuncDef]] = FuncDef
GENERATOR_EXPR: Final[type[GeneratorExpr]] = GeneratorExpr
IF_STMT: Final[type[IfStmt]] = IfStmt
INDEX_EXPR: Final[type[IndexExpr]] = IndexExpr
INT_EXPR: Final[type[IntExpr]] = IntExpr
LIST_EXPR: Final[type[ListExpr]] = ListExpr
MATCH_STMT: Final[type[MatchStmt]] = MatchStmt
MEMBER_EXPR: Final[type[MemberExpr]] = MemberExpr
MYPY_FILE: Final[type[MypyFile]] = MypyFile
NAME_EXPR: Final[type[NameExpr]] = NameExpr
OPERATOR_ASSIGNMENT_STMT: Final[type[OperatorAssignmentStmt]] = OperatorAssignmentStmt
OVERLOADED_FUNC_DEF: Final[type[OverloadedFuncDef]] = OverloadedFuncDef
PARAM_SPEC_EXPR: Final[type[ParamSpecExpr]] = ParamSpecExpr
PASS_STMT: Final[type[PassStmt]] = PassStmt
RAISE_STMT: Final[type[RaiseStmt]] = RaiseStmt
REF_EXPR: Final[type[RefExpr]] = RefExpr
RETURN_STMT: Final[type[ReturnStmt]] = ReturnStmt
SET_EXPR: Final[type[SetExpr]] = SetExpr
STAR_EXPR: Final[type[StarExpr]] = StarExpr
STR_EXPR: Final[type[StrExpr]] = StrExpr
SUPER_EXPR: Final[type[SuperExpr]] = SuperExpr
TRY_STMT: Final[type[TryStmt]] = TryStmt
TUPLE_EXPR: Final[type[TupleExpr]] = TupleExpr
TYPE_ALIAS: Final[type[TypeAlias]] = TypeAlias
TYPE_INFO: Final[type[TypeInfo]] = TypeInfo
TYPE_VAR_EXPR: Final[type[TypeVarExpr]] = TypeVarExpr
UNARY_EXPR: Final[type[UnaryExpr]] = UnaryExpr
VAR: Final[type[Var]] = Var
WHILE_STMT: Final[type[WhileStmt]] = WhileStmt
WITH_STMT: Final[type[WithStmt]] = WithStmt
YIELD_EXPR: Final[type[YieldExpr]] = YieldExpr
YIELD_FROM_EXPR: Final[type[YieldFromExpr]] = YieldFromExpr
# What a resolved ``module.name`` or ``Class.name`` has on its left.
MODULE_OR_CLASS: Final[tuple[type[MypyFile], type[TypeInfo]]] = (MypyFile, TypeInfo)

# Types.
ANY_TYPE: Final[type[AnyType]] = AnyType
CALLABLE_TYPE: Final[type[CallableType]] = CallableType
ELLIPSIS_TYPE: Final[type[EllipsisType]] = EllipsisType
INSTANCE: Final[type[Instance]] = Instance
LITERAL_TYPE: Final[type[LiteralType]] = LiteralType
NONE_TYPE: Final[type[NoneType]] = NoneType
OVERLOADED: Final[type[Overloaded]] = Overloaded
RAW_EXPRESSION_TYPE: Final[type[RawExpressionType]] = RawExpressionType
TUPLE_TYPE: Final[type[TupleType]] = TupleType
TYPED_DICT_TYPE: Final[type[TypedDictType]] = TypedDictType
TYPE_ALIAS_TYPE: Final[type[TypeAliasType]] = TypeAliasType
TYPE_LIST: Final[type[TypeList]] = TypeList
TYPE_TYPE: Final[type[TypeType]] = TypeType
TYPE_VAR_TYPE: Final[type[TypeVarType]] = TypeVarType
UNBOUND_TYPE: Final[type[UnboundType]] = UnboundType
UNION_TYPE: Final[type[UnionType]] = UnionType
UNPACK_TYPE: Final[type[UnpackType]] = UnpackType
# Groups tested together.
NONE_OR_ANY: Final[tuple[type[NoneType], type[AnyType]]] = (NoneType, AnyType)
FUNC_BASE_OR_VAR: Final[tuple[type[FuncBase], type[Var]]] = (FuncBase, Var)

TYPE_GUARDED_TYPE: Final[type[TypeGuardedType]] = TypeGuardedType


@overload
def proper(typ: None) -> None: ...


@overload
def proper(typ: Type) -> ProperType: ...


def proper(typ: Type | None) -> ProperType | None:
    """``mypy.types.get_proper_type``, called only for the types it changes (a type
    alias, a type guard: classes without subclasses)."""
    kind = type(typ)
    if kind is TYPE_ALIAS_TYPE or kind is TYPE_GUARDED_TYPE:
        return get_proper_type(typ)
    return cast("ProperType | None", typ)

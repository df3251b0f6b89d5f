"""mypy's node and type classes as constants, for the hot paths of the walks.

Compiled with mypyc, ``isinstance(node, NameExpr)`` first looks ``NameExpr`` up
in the module's dictionary: mypyc cannot know that a name imported from mypy
(another compilation unit) is never rebound. That lookup costs about 140
instructions, more than the test itself, and the walks, summaries and rules
make hundreds of thousands of such tests per run. A ``Final`` is kept in a C
variable instead: ``isinstance(node, NAME_EXPR)`` reads it directly.

Annotations keep mypy's own names (``def f(node: NameExpr)``); only the tests
in code that runs for every node or call use these. ``isinstance`` with them
narrows as with the class itself.
"""

from __future__ import annotations

from typing import Final

from mypy.nodes import (
    Block,
    CallExpr,
    Decorator,
    DictionaryComprehension,
    FuncBase,
    FuncDef,
    GeneratorExpr,
    IndexExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    OverloadedFuncDef,
    RefExpr,
    StrExpr,
    SuperExpr,
    TypeAlias,
    TypeInfo,
    Var,
)
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    NoneType,
    Overloaded,
    TupleType,
    TypeType,
    TypeVarType,
    UnionType,
)

# Nodes.
BLOCK: Final[type[Block]] = Block
CALL_EXPR: Final[type[CallExpr]] = CallExpr
DECORATOR: Final[type[Decorator]] = Decorator
DICTIONARY_COMPREHENSION: Final[type[DictionaryComprehension]] = DictionaryComprehension
# (Abstract: mypy allows only concrete classes in a type[...] variable.)
FUNC_BASE: Final[type[FuncBase]] = FuncBase  # type: ignore[type-abstract]
FUNC_DEF: Final[type[FuncDef]] = FuncDef
GENERATOR_EXPR: Final[type[GeneratorExpr]] = GeneratorExpr
INDEX_EXPR: Final[type[IndexExpr]] = IndexExpr
MEMBER_EXPR: Final[type[MemberExpr]] = MemberExpr
MYPY_FILE: Final[type[MypyFile]] = MypyFile
NAME_EXPR: Final[type[NameExpr]] = NameExpr
OVERLOADED_FUNC_DEF: Final[type[OverloadedFuncDef]] = OverloadedFuncDef
REF_EXPR: Final[type[RefExpr]] = RefExpr
STR_EXPR: Final[type[StrExpr]] = StrExpr
SUPER_EXPR: Final[type[SuperExpr]] = SuperExpr
TYPE_ALIAS: Final[type[TypeAlias]] = TypeAlias
TYPE_INFO: Final[type[TypeInfo]] = TypeInfo
VAR: Final[type[Var]] = Var
# What a resolved ``module.name`` or ``Class.name`` has on its left.
MODULE_OR_CLASS: Final[tuple[type[MypyFile], type[TypeInfo]]] = (MypyFile, TypeInfo)

# Types.
ANY_TYPE: Final[type[AnyType]] = AnyType
CALLABLE_TYPE: Final[type[CallableType]] = CallableType
INSTANCE: Final[type[Instance]] = Instance
NONE_TYPE: Final[type[NoneType]] = NoneType
OVERLOADED: Final[type[Overloaded]] = Overloaded
TUPLE_TYPE: Final[type[TupleType]] = TupleType
TYPE_TYPE: Final[type[TypeType]] = TypeType
TYPE_VAR_TYPE: Final[type[TypeVarType]] = TypeVarType
UNION_TYPE: Final[type[UnionType]] = UnionType

"""What a rule is, and what it is given when mypy has finished checking a module.

A rule is a :class:`Rule` value in its own module under ``rules/``: an error
code, a one-line summary, the name of its module (whose docstring is its
documentation) and one handler per kind of node it wants to see. The walker
(``walker.py``) visits each checked module once and calls the handlers of the
enabled rules.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    AssignmentStmt,
    CallExpr,
    ClassDef,
    Context,
    Expression,
    ExpressionStmt,
    FuncDef,
    FuncItem,
    MypyFile,
    TryStmt,
    TypeAliasStmt,
    WithStmt,
)
from mypy.options import Options
from mypy.types import ProperType

from mypy_llmtracekit.compat import expression_type
from mypy_llmtracekit.compat_errors import Finding, Location
from mypy_llmtracekit.kinds import proper
from mypy_llmtracekit.summaries import ChainReader, ModuleSummary

if TYPE_CHECKING:
    from mypy.checker import TypeChecker

    # Types of ModuleContext's fields only: importing this module (every rule
    # does, and the plugin at start-up) does not load the catalogue.
    from mypy_llmtracekit.catalogue import BlockingApis
    from mypy_llmtracekit.config import Settings
    from mypy_llmtracekit.transaction_catalogue import TransactionApis
    from mypy_llmtracekit.written import WrittenNames

CATEGORY = "mypy-llmtracekit"


# The umbrella code: every ltk-* code is a sub-code of it, so ``# type: ignore[ltk]``
# and ``disable_error_code = ltk`` cover them all, and ``enable_error_code = CODE``
# switches one back on (mypy's own sub-code semantics, see README "Umbrella code").
UMBRELLA: ErrorCode = ErrorCode("ltk", "Every check of mypy-llmtracekit", CATEGORY)


def error_code(code: str, description: str, *, default_enabled: bool = True) -> ErrorCode:
    """Create (and register with mypy) one of the plugin's error codes, a sub-code of ``ltk``."""
    return ErrorCode(
        code, description, CATEGORY, default_enabled=default_enabled, sub_code_of=UMBRELLA
    )


# A plugin bug: reported as one error on the module instead of crashing mypy.
INTERNAL: ErrorCode = error_code(
    "ltk-internal", "mypy-llmtracekit could not finish checking a module (a plugin bug)"
)


class ScopeKind(Enum):
    """Where a node stands: at module level, in a class body, or in a function."""

    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"


class Scope:
    """The innermost scope around a node."""

    def __init__(
        self,
        kind: ScopeKind,
        # The innermost function or lambda, if any.
        function: FuncItem | None = None,
        # The innermost class, if any (a method's class too).
        cls: ClassDef | None = None,
    ) -> None:
        self.kind = kind
        self.function = function
        self.cls = cls
        # True when the node runs in the body of an ``async def`` itself; not in a
        # nested sync ``def`` or ``lambda``: those run when called. (Asked about
        # every call: read once.)
        self.in_coroutine: bool = function is not None and function.is_coroutine


class ModuleContext:
    """Everything a rule handler may use for one checked module."""

    def __init__(
        self,
        *,
        tree: MypyFile,
        modules: dict[str, MypyFile],
        options: Options,
        settings: Settings,
        blocking: BlockingApis,
        transactions: TransactionApis,
        obvious_calls: frozenset[str],
        task_helpers: frozenset[str],
        sql_classes: frozenset[str],
        # The module's type checker (its type map), None if mypy never showed it.
        checker: TypeChecker | None,
        summary_of: Callable[[str], ModuleSummary | None],
    ) -> None:
        self.tree = tree
        # Every module of the build, by name (mypy's own table).
        self.modules = modules
        self.options = options
        self.settings = settings
        self.blocking = blocking
        # The transaction-opener and external-I/O catalogue, resolved.
        self.transactions = transactions
        # Full names of the calls configured in ``obvious_calls``, resolved.
        self.obvious_calls = obvious_calls
        # Full names of the configured background-task helpers, resolved.
        self.task_helpers = task_helpers
        # Full names of the DB classes whose queries the SQL rules judge, resolved.
        self.sql_classes = sql_classes
        self.checker = checker
        # Any module's summary (what its sync functions call), by module name.
        self.summary_of = summary_of
        self._chain_reader: ChainReader | None = None
        self.findings: list[Finding] = []
        # Filled by ltk-blocking-io-indirect: its call sites (kept by the daemon) and
        # the modules whose summaries its findings used (indirect dependencies).
        self.sites: list[tuple[str, str, str, Location]] = []
        self.chain_modules: set[str] = set()
        # Filled by ltk-io-in-transaction (also kept by the daemon): the line that
        # opened the transaction, "api" or "helper", the API or the helper's summary
        # key, where the call is. Its findings' modules go to ``chain_modules`` too.
        self.transaction_sites: list[tuple[int, str, str, Location]] = []
        # The ids of the calls it judged (a nested transaction's are judged as the
        # outer one's).
        self.transaction_calls: set[int] = set()
        # Rules about how types are spelled (``written.py``): where names written
        # in each class scope (None: the module's) are looked up, and to what.
        self.written_names: dict[ClassDef | None, WrittenNames] = {}

    def type_of(self, expr: Expression) -> ProperType | None:
        """Return the type mypy inferred for ``expr`` (None if mypy did not check it)."""
        checker = self.checker
        if checker is None:
            return None
        typ = expression_type(checker, expr)
        if typ is None:
            return None
        return proper(typ)

    def chain_reader(self) -> ChainReader:
        """What this pass's chains read (summaries, modules of functions): one for
        the pass, which remembers them."""
        if self._chain_reader is None:
            self._chain_reader = ChainReader(self.summary_of, self.modules)
        return self._chain_reader

    def report(self, code: ErrorCode, message: str, node: Context) -> None:
        """Record a finding at ``node``'s location."""
        self.findings.append((code, message, Location.of(node)))

    def report_definition(self, code: ErrorCode, message: str, defn: FuncDef | ClassDef) -> None:
        """Record a finding at a definition's header (``async def name``, ``class Name``)."""
        if isinstance(defn, ClassDef):
            header = f"class {defn.name}"
        else:
            header = f"{'async ' if defn.is_coroutine else ''}def {defn.name}"
        column = max(defn.column, 0)
        location = Location(defn.line, column, defn.line, column + len(header))
        self.findings.append((code, message, location))

    def report_location(self, code: ErrorCode, message: str, location: Location) -> None:
        """Record a finding at a location computed earlier."""
        self.findings.append((code, message, location))

    def report_at(self, code: ErrorCode, message: str, line: int) -> None:
        """Record a finding for a whole line (for nodes mypy keeps no position of)."""
        self.findings.append((code, message, Location(line, 0, line, 1)))


class Checks:
    """What a rule does with the nodes it watches: one method per kind of node.

    A rule's module subclasses it with the methods it needs; the walker calls
    only those (:attr:`Rule.watches`). Compiled, calling a method of this class
    is a few instructions, where a function kept in an attribute was called
    through the Python API (about 200 instructions, for every call and
    assignment of every module, for every rule that watches them).
    """

    def on_assignment(self, ctx: ModuleContext, stmt: AssignmentStmt, scope: Scope) -> None:
        """An assignment statement."""

    def on_call(self, ctx: ModuleContext, call: CallExpr, scope: Scope) -> None:
        """A call, in the scope it runs in."""

    def on_function(self, ctx: ModuleContext, func: FuncItem, scope: Scope) -> None:
        """A function definition (``scope``: where it is defined)."""

    def on_type_alias(self, ctx: ModuleContext, stmt: TypeAliasStmt, scope: Scope) -> None:
        """A ``type X = ...`` statement."""

    def on_class(self, ctx: ModuleContext, cdef: ClassDef, scope: Scope) -> None:
        """A class definition (``scope``: where it is defined)."""

    def on_try(self, ctx: ModuleContext, stmt: TryStmt, scope: Scope) -> None:
        """A ``try`` statement."""

    def on_expression_stmt(self, ctx: ModuleContext, stmt: ExpressionStmt, scope: Scope) -> None:
        """An expression statement."""

    def on_with(self, ctx: ModuleContext, stmt: WithStmt, scope: Scope) -> None:
        """A ``with`` or ``async with`` statement."""

    def on_module_end(self, ctx: ModuleContext) -> None:
        """After the whole module was walked."""


# The methods of Checks that a rule may define.
HANDLERS: Final[tuple[str, ...]] = (
    "on_assignment",
    "on_call",
    "on_function",
    "on_type_alias",
    "on_class",
    "on_try",
    "on_expression_stmt",
    "on_with",
    "on_module_end",
)


class Rule:
    """One rule of the style guide, as the plugin enforces it."""

    def __init__(
        self,
        *,
        code: ErrorCode,
        summary: str,
        # The rule's module: its docstring is the rule's page (``cli.rule_doc``).
        module: str,
        # What it does with the nodes it watches.
        checks: Checks,
    ) -> None:
        self.code = code
        self.summary = summary
        self.module = module
        self.checks = checks
        # The methods of Checks that ``checks`` defines.
        own = type(checks)
        self.watches: frozenset[str] = frozenset(
            name for name in HANDLERS if getattr(own, name) is not getattr(Checks, name)
        )

    @property
    def name(self) -> str:
        """The public error code, e.g. ``ltk-blocking-io``."""
        return self.code.code

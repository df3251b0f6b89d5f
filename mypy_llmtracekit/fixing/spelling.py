"""Spell a type mypy formatted with full names the way one file binds them.

Types come from mypy's own formatter (``mypy.suggestions.TypeFormatter``): classes by
their full name (``pkg.mod.Class``, ``pkg.mod:Outer.Inner``), names the file imports
rewritten to the file's module, builtins bare. Each name is resolved through mypy's
symbol tables: a name the file already binds is written as the file binds it; any other
class gets an import from the shortest public module that exports it. Project-internal
imports (same top-level package) go under ``if TYPE_CHECKING:`` so that no run-time import
cycle can appear; an annotation that Python evaluates and that names something not bound
at run time at that point is quoted, unless the file has ``from __future__ import
annotations``. Anything that cannot be spelled safely (``Any``, type variables, literals,
``Callable[..., R]``) is refused with a reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TypeGuard

from mypy.build import Graph
from mypy.nodes import MypyFile, SymbolNode, TypeAlias, TypeInfo

from mypy_llmtracekit.fixing.model import Import

_TOKEN = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)*|\.\.\.|[\[\],| ]")
_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable"})
# typing's aliases of collections.abc classes: imported from collections.abc (PEP 585).
_ABC = frozenset(
    "Awaitable Coroutine AsyncIterable AsyncIterator AsyncGenerator Iterable Iterator "
    "Generator Reversible Container Collection MutableSet Mapping MutableMapping Sequence "
    "MutableSequence KeysView ItemsView ValuesView Hashable Sized".split()
)


def _is_type(node: SymbolNode | None) -> TypeGuard[TypeInfo | TypeAlias]:
    return isinstance(node, (TypeInfo, TypeAlias))


class Refused(Exception):
    """The type cannot be written in this file; the message is the reason."""


@dataclass
class FileFacts:
    """What the file binds at run time, read from its syntax tree."""

    future_annotations: bool = False
    runtime_line: dict[str, int] = field(default_factory=dict)
    type_checking_only: set[str] = field(default_factory=set)


@dataclass
class Spelled:
    """An annotation ready to insert, and the imports it needs."""

    text: str
    imports: list[Import]


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _bound(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [a.asname or a.name for a in stmt.names]
    if isinstance(stmt, ast.Assign):
        return [n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def file_facts(tree: ast.Module) -> FileFacts:
    """Run-time bindings of the module's top level (conditional blocks count as bound)."""
    facts = FileFacts()
    pending: list[tuple[ast.stmt, bool]] = [(s, False) for s in tree.body]
    while pending:
        stmt, checking = pending.pop(0)
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            facts.future_annotations |= any(a.name == "annotations" for a in stmt.names)
        if isinstance(stmt, ast.If):
            inner = checking or _is_type_checking(stmt.test)
            pending += [(s, inner) for s in stmt.body]
            pending += [(s, checking) for s in stmt.orelse]
            continue
        if isinstance(stmt, ast.Try):
            pending += [(s, checking) for s in stmt.body + stmt.orelse + stmt.finalbody]
            pending += [(s, checking) for h in stmt.handlers for s in h.body]
            continue
        for name in _bound(stmt):
            if checking:
                facts.type_checking_only.add(name)
                continue
            line = stmt.end_lineno or stmt.lineno
            facts.runtime_line[name] = min(line, facts.runtime_line.get(name, line))
    facts.type_checking_only -= set(facts.runtime_line)
    return facts


@dataclass
class Speller:
    """Resolves names for one module of the build."""

    graph: Graph
    module: str
    facts: FileFacts

    @property
    def tree(self) -> MypyFile:
        tree = self.graph[self.module].tree
        assert tree is not None
        return tree

    def spell(self, formatted: str, line: int, evaluated: bool) -> Spelled:
        """The annotation for ``formatted`` at ``line``; raise Refused when it cannot be."""
        if not formatted or "<" in formatted or "def (" in formatted:
            raise Refused("mypy has no type to write")
        pos, out, imports, quote = 0, list[str](), list[Import](), False
        while pos < len(formatted):
            m = _TOKEN.match(formatted, pos)
            if m is None:
                raise Refused("a literal or special type")
            token, pos = m.group(0), m.end()
            if token == "..." and out[-2:] == ["Callable", "["]:
                raise Refused("it would be Callable[..., R]")
            if not (token[0].isalpha() or token[0] == "_"):
                out.append(token)
                continue
            text, needed, late = self._name(token, line)
            imports += needed
            quote |= late
            out.append(text)
        text = "".join(out)
        if quote and evaluated and not self.facts.future_annotations:
            text = f'"{text}"'
        return Spelled(text, imports)

    def _name(self, token: str, line: int) -> tuple[str, list[Import], bool]:
        if token == "Any" or token.endswith(".Any"):
            raise Refused("mypy infers Any")
        if token == "None":
            return "None", [], False
        if token in ("Tuple", "typing:Tuple", "typing.Tuple"):
            return "tuple", [], False
        if token == "Callable":
            return self._callable(line)
        if ":" in token:
            module, _, obj = token.partition(":")
        else:
            module, obj = self._split(token)
        if module == "builtins":
            return obj, [], False
        if module == self.module:
            return self._local(obj, line)
        return self._external(module, obj, line)

    def _split(self, token: str) -> tuple[str, str]:
        parts = token.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module in self.graph:
                return module, ".".join(parts[i:])
        if len(parts) == 1 and self._builtin(token):
            return "builtins", token
        if len(parts) == 1:
            raise Refused(f'"{token}" is a type variable or a name the file does not bind')
        raise Refused(f'"{token}" comes from a module mypy did not analyse')

    def _builtin(self, name: str) -> bool:
        state = self.graph.get("builtins")
        sym = state.tree.names.get(name) if state is not None and state.tree else None
        return sym is not None and isinstance(sym.node, TypeInfo)

    def _late(self, name: str, line: int) -> bool:
        """Not bound at run time before ``line``: an evaluated annotation must be quoted."""
        bound = self.facts.runtime_line.get(name)
        return bound is None or bound >= line

    def _local(self, obj: str, line: int) -> tuple[str, list[Import], bool]:
        first = obj.split(".")[0]
        sym = self.tree.names.get(first)
        if sym is None or not _is_type(sym.node):
            raise Refused(f'"{first}" is not a class the file binds')
        return obj, [], self._late(first, line)

    def _callable(self, line: int) -> tuple[str, list[Import], bool]:
        sym = self.tree.names.get("Callable")
        if sym is not None and sym.node is not None and sym.node.fullname in _CALLABLES:
            return "Callable", [], self._late("Callable", line)
        if sym is not None:
            raise Refused('the file binds "Callable" to something else')
        return "Callable", [Import("collections.abc", "Callable", False)], False

    def _external(self, module: str, obj: str, line: int) -> tuple[str, list[Import], bool]:
        first, _, rest = obj.partition(".")
        target = f"{module}.{first}"
        tail = f".{rest}" if rest else ""
        for local, sym in self.tree.names.items():
            node = sym.node
            if node is None or sym.module_hidden and not isinstance(node, MypyFile):
                continue
            if node.fullname == target and _is_type(node):
                return local + tail, [], self._late(local, line)
        for local, sym in self.tree.names.items():
            if isinstance(sym.node, MypyFile) and sym.node.fullname == module:
                if not _is_type(sym.node.names[first].node if first in sym.node.names else None):
                    raise Refused(f'"{target}" is not a class mypy knows')
                return f"{local}.{obj}", [], self._late(local, line)
        if first in self.tree.names or first in self.facts.runtime_line:
            raise Refused(f'the file binds "{first}" to something else')
        if module == "typing" and first in _ABC:
            return first + tail, [Import("collections.abc", first, False)], False
        exporter = self._exporter(module, first, target)
        internal = exporter.split(".")[0] == self.module.split(".")[0]
        private = exporter.startswith("_")
        checking = internal or private
        return first + tail, [Import(exporter, first, checking)], checking

    def _exporter(self, module: str, first: str, target: str) -> str:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            candidate = ".".join(parts[:i])
            state = self.graph.get(candidate)
            if state is None or state.tree is None:
                continue
            sym = state.tree.names.get(first)
            if sym is None or not _is_type(sym.node) or sym.node.fullname != target:
                continue
            if candidate == module or (sym.module_public and not sym.module_hidden):
                return candidate
        raise Refused(f'"{target}" is not a class mypy knows')

"""Positions in one source file: where an annotation goes, and where imports go.

mypy reports lines (1-based) and columns as the ``ast`` module does (0-based, in UTF-8
bytes); everything here maps them to character offsets in the text, so an edit touches
only the characters it means to and the rest of the file keeps its formatting.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from mypy_llmtracekit.fixing.model import Edit, Import

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Source:
    """A file's text, its syntax tree, and an index of the nodes findings point at."""

    path: str
    text: str
    tree: ast.Module
    line_starts: list[int] = field(default_factory=list)
    assigns: dict[tuple[int, int], tuple[ast.Assign, ast.expr, list[ast.AST]]] = field(
        default_factory=dict
    )
    funcs: dict[tuple[int, int], tuple[FuncNode, list[ast.AST]]] = field(default_factory=dict)
    params: dict[tuple[int, int], tuple[ast.arg, FuncNode, list[ast.AST]]] = field(
        default_factory=dict
    )


def load(path: str, text: str) -> Source:
    """Parse ``text`` and index its assignments, functions and parameters by position."""
    src = Source(path, text, ast.parse(text, path))
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    src.line_starts = starts
    _index(src, src.tree, [])
    return src


def _index(src: Source, node: ast.AST, parents: list[ast.AST]) -> None:
    for child in ast.iter_child_nodes(node):
        chain = [*parents, node]
        if isinstance(child, ast.Assign):
            for target in child.targets:
                src.assigns[(target.lineno, target.col_offset)] = (child, target, chain)
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            src.funcs[(child.lineno, child.col_offset)] = (child, chain)
            a = child.args
            for arg in [*a.posonlyargs, *a.args, a.vararg, *a.kwonlyargs, a.kwarg]:
                if arg is not None:
                    src.params[(arg.lineno, arg.col_offset)] = (arg, child, chain)
        _index(src, child, chain)


def offset(src: Source, line: int, col: int) -> int:
    """Character offset of (1-based line, 0-based UTF-8 byte column)."""
    start = src.line_starts[line - 1]
    end = src.line_starts[line] if line < len(src.line_starts) else len(src.text)
    raw = src.text[start:end].encode("utf-8")[:col]
    return start + len(raw.decode("utf-8", errors="ignore"))


def qualname(node: ast.AST, chain: list[ast.AST]) -> tuple[list[str], bool]:
    """Names of the enclosing classes and the node; whether a function encloses it."""
    names: list[str] = []
    in_function = False
    for parent in chain:
        if isinstance(parent, ast.ClassDef):
            names.append(parent.name)
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function = True
            names.append(parent.name)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.append(node.name)
    return names, in_function


def first_line(node: FuncNode | ast.stmt) -> int:
    """The node's first line, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    lines: list[int] = [node.lineno, *(d.lineno for d in decorators)]
    return min(lines)


def return_edit(src: Source, func: FuncNode, annotation: str) -> Edit | None:
    """Insert `` -> T`` right after the parameter list's closing parenthesis."""
    start = offset(src, func.lineno, func.col_offset)
    tokens = tokenize.generate_tokens(io.StringIO(src.text[start:]).readline)
    depth = 0
    seen_open = False
    for tok in tokens:
        if tok.type != tokenize.OP:
            continue
        if tok.string == "(":
            depth += 1
            seen_open = True
        elif tok.string == ")":
            depth -= 1
            if seen_open and depth == 0:
                line, col = tok.end
                at = _relative(src.text, start, line, col)
                return Edit(at, at, f" -> {annotation}")
        elif tok.string in ("->", ":") and seen_open and depth == 0:
            return None
    return None


def _relative(text: str, start: int, line: int, col: int) -> int:
    """Offset of tokenize's (line, character column) counted from ``start``."""
    pos = start
    for _ in range(line - 1):
        pos = text.index("\n", pos) + 1
    return pos + col


def param_edit(src: Source, arg: ast.arg, annotation: str) -> Edit:
    """``name: T``, or ``name: T = default`` with PEP 8 spacing when it has a default."""
    at = offset(src, arg.lineno, arg.col_offset) + len(arg.arg)
    m = re.compile(r"[ \t]*=(?!=)[ \t]*").match(src.text, at)
    if m is not None:
        return Edit(at, m.end(), f": {annotation} = ")
    return Edit(at, at, f": {annotation}")


def target_edit(src: Source, target: ast.expr, annotation: str) -> Edit:
    """``target: T = value``."""
    assert target.end_lineno is not None and target.end_col_offset is not None
    at = offset(src, target.end_lineno, target.end_col_offset)
    return Edit(at, at, f": {annotation}")


def import_edits(src: Source, imports: list[Import]) -> list[Edit]:
    """Edits adding ``imports``: run-time ones after the file's imports, others in a
    ``if TYPE_CHECKING:`` block (the existing one, or a new one)."""
    runtime = sorted({(i.module, i.name) for i in imports if not i.type_checking})
    checking = sorted({(i.module, i.name) for i in imports if i.type_checking})
    if not runtime and not checking:
        return []
    block = _checking_block(src.tree)
    if checking and block is None and not _binds_type_checking(src.tree):
        runtime = sorted({*runtime, ("typing", "TYPE_CHECKING")})
    at = _after_imports(src)
    edits: list[Edit] = []
    text = "".join(f"from {m} import {n}\n" for m, n in _grouped(runtime))
    if checking and block is not None:
        last = block.body[-1]
        indent = " " * block.body[0].col_offset
        pos = src.line_starts[(last.end_lineno or last.lineno)]
        lines = "".join(f"{indent}from {m} import {n}\n" for m, n in _grouped(checking))
        edits.append(Edit(pos, pos, lines))
    elif checking:
        lines = "".join(f"    from {m} import {n}\n" for m, n in _grouped(checking))
        text += f"\nif TYPE_CHECKING:\n{lines}"
    if text:
        edits.append(Edit(at, at, _pad(src, at, text)))
    return edits


def _pad(src: Source, at: int, text: str) -> str:
    """A blank line before new code after a docstring-only header; none between imports."""
    if at > 0 and src.text[at - 1 : at] != "\n":
        return "\n" + text
    return text


def _grouped(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    by_module: dict[str, list[str]] = {}
    for module, name in pairs:
        by_module.setdefault(module, []).append(name)
    return [(m, ", ".join(names)) for m, names in sorted(by_module.items())]


def _is_checking_if(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or stmt.orelse:
        return False
    test = stmt.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _checking_block(tree: ast.Module) -> ast.If | None:
    for stmt in tree.body:
        if _is_checking_if(stmt):
            assert isinstance(stmt, ast.If)
            return stmt
    return None


def _binds_type_checking(tree: ast.Module) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(
            (a.asname or a.name) == "TYPE_CHECKING" for a in stmt.names
        ):
            return True
    return False


def _after_imports(src: Source) -> int:
    """Offset of the line after the leading docstring and imports."""
    line = 0
    for i, stmt in enumerate(src.tree.body):
        docstring = i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if docstring or isinstance(stmt, (ast.Import, ast.ImportFrom)):
            line = stmt.end_lineno or stmt.lineno
            continue
        break
    if line >= len(src.line_starts):
        return len(src.text)
    return src.line_starts[line]


def apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (later ones first, so earlier offsets stay valid)."""
    out = text
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out

"""Expressions as the user wrote them, for messages that show code to paste.

mypy keeps no source text, only positions (line and UTF-8 byte column, start and
end); the text is read back from the module's file. A multi-line expression is
put on one line. When the file cannot be read (``mypy -c``), a small renderer of
names, attributes and calls stands in.
"""

from __future__ import annotations

import re

from mypy.nodes import (
    ARG_NAMED,
    ARG_STAR,
    ARG_STAR2,
    CallExpr,
    Expression,
    IntExpr,
    MemberExpr,
    NameExpr,
    StrExpr,
)

from mypy_llmtracekit.rule import ModuleContext

# Compiled by ``re`` on first use (and cached there), not at import: only an
# expression written over several lines needs them.
_OPENER_SPACE = r"([(\[{])\s+"
_CLOSER_SPACE = r",?\s+([)\]}])"
_CHAIN_SPACE = r"([)\]\w])\s+\.(?=[A-Za-z_])"


def source_lines(path: str) -> list[bytes] | None:
    """The lines of a module's file, as bytes (mypy's columns count bytes)."""
    try:
        with open(path, "rb") as handle:
            return handle.read().splitlines()
    except OSError:
        return None


def expression_text(ctx: ModuleContext, expr: Expression) -> str:
    """``expr`` as written, on one line."""
    lines = source_lines(ctx.tree.path)
    text = _sliced(lines, expr) if lines is not None else None
    return text if text is not None else rendered(expr)


def _sliced(lines: list[bytes], expr: Expression) -> str | None:
    end_line, end_column = expr.end_line, expr.end_column
    if end_line is None or end_column is None or expr.line < 1 or end_line > len(lines):
        return None
    if expr.line == end_line:
        raw = lines[expr.line - 1][expr.column : end_column]
    else:
        parts = [lines[expr.line - 1][expr.column :]]
        parts += [line.strip() for line in lines[expr.line : end_line - 1]]
        parts.append(lines[end_line - 1][:end_column].strip())
        raw = b" ".join(parts)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if expr.line != end_line:
        text = re.sub(_CLOSER_SPACE, r"\1", re.sub(_OPENER_SPACE, r"\1", text))
        text = re.sub(_CHAIN_SPACE, r"\1.", text)
    return text or None


def rendered(expr: Expression) -> str:
    """A plain rendering of names, attributes, calls and simple literals."""
    if isinstance(expr, NameExpr):
        return expr.name
    if isinstance(expr, MemberExpr):
        return f"{rendered(expr.expr)}.{expr.name}"
    if isinstance(expr, StrExpr):
        return repr(expr.value)
    if isinstance(expr, IntExpr):
        return str(expr.value)
    if isinstance(expr, CallExpr):
        args = []
        for arg, kind, name in zip(expr.args, expr.arg_kinds, expr.arg_names):
            prefix = {ARG_STAR: "*", ARG_STAR2: "**"}.get(kind, "")
            keyword = f"{name}=" if kind == ARG_NAMED and name else ""
            args.append(f"{keyword}{prefix}{rendered(arg)}")
        return f"{rendered(expr.callee)}({', '.join(args)})"
    return "..."

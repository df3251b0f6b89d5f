"""``Optional[X]`` -> ``X | None`` and ``Union[X, Y]`` -> ``X | Y``, on the text as written."""

from __future__ import annotations

import re

from mypy_llmtracekit.fixing.model import Diagnostic, Edit
from mypy_llmtracekit.fixing.source import Source, offset
from mypy_llmtracekit.fixing.spelling import Refused

_HEAD = re.compile(r"([A-Za-z_][\w.]*)\s*\[")
_WRITTEN = re.compile(r'instead of "(.*)" \(PEP 604\)')


def union_edit(src: Source, finding: Diagnostic, unevaluated: bool) -> Edit:
    """The edit for one ``ltk-optional-union`` finding; raise Refused when unsafe."""
    start = offset(src, finding.line, finding.column)
    if src.text[start : start + 1] in ("'", '"'):
        start += 1
    head = _HEAD.match(src.text, start)
    if head is None or head.group(1).split(".")[-1] not in ("Optional", "Union"):
        raise Refused("the written Optional/Union was not found at the reported position")
    end = _closing(src.text, head.end())
    inner = src.text[head.end() : end]
    written = _WRITTEN.search(finding.message)
    whole = src.text[start : end + 1]
    if written is not None and _squash(written.group(1)) != _squash(whole):
        raise Refused("the written Optional/Union differs from the reported one")
    items = [" ".join(item.split()) for item in _split(inner)]
    if any(q in inner for q in "'\"") and not unevaluated:
        raise Refused("a quoted forward reference inside Optional/Union is evaluated at run time")
    if head.group(1).split(".")[-1] == "Optional":
        items.append("None")
    return Edit(start, end + 1, " | ".join(items))


def _squash(text: str) -> str:
    """Without blanks and quotes (the message spells ``Optional["X"]`` as ``Optional[X]``)."""
    return "".join(text.split()).replace("'", "").replace('"', "")


def _closing(text: str, pos: int) -> int:
    """Offset of the ``]`` closing the bracket opened just before ``pos``."""
    depth = 1
    quote = ""
    for i in range(pos, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth == 0:
                return i
    raise Refused("unbalanced brackets")


def _split(inner: str) -> list[str]:
    """Top-level comma-separated items."""
    items: list[str] = []
    depth = 0
    current = ""
    quote = ""
    for ch in inner:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        current += ch
    if current.strip():
        items.append(current)
    return [i.strip() for i in items if i.strip()]

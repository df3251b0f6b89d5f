"""Keep only fixes after which plain mypy reports no error it did not report before.

All fixes are applied, mypy runs again, and every new error (a plain-mypy error whose
line, code and message were not there before, lines mapped through the edits) is blamed
on the fixes whose function or statement holds it (the innermost ones). An error outside
every fix's lines is blamed on its file's fixes, or, in a file without fixes, found by
bisection over the edited files. Blamed fixes are dropped and mypy runs again.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from mypy_llmtracekit.fixing import source as S
from mypy_llmtracekit.fixing.model import Diagnostic, Fix

MAX_RUNS = 12
Key = tuple[str, int, str, str]


def line_map(old: str, new: str) -> dict[int, int]:
    """1-based lines of ``old`` to lines of ``new`` (edited lines map to their new place)."""
    a, b = old.splitlines(), new.splitlines()
    out: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            out[k + 1] = j1 + min(k - i1, max(j2 - j1 - 1, 0)) + 1
        del tag
    return out


def plain(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Errors of mypy itself (not this plugin's findings, not notes)."""
    return [d for d in diags if not d.is_ltk and d.severity == "error"]


def new_errors(
    baseline: list[Diagnostic],
    originals: dict[str, str],
    texts: dict[str, str],
    after: list[Diagnostic],
) -> list[Diagnostic]:
    """Errors in ``after`` that ``baseline`` (on the original texts) did not have."""
    maps = {p: line_map(originals[p], t) for p, t in texts.items() if t != originals.get(p)}
    before: Counter[Key] = Counter()
    for d in baseline:
        line = maps[d.path].get(d.line, d.line) if d.path in maps else d.line
        before[(d.path, line, d.code, d.message)] += 1
    out: list[Diagnostic] = []
    for d in plain(after):
        key = (d.path, d.line, d.code, d.message)
        if before[key] > 0:
            before[key] -= 1
            continue
        out.append(d)
    return out


def render(text: str, path: str, fixes: list[Fix]) -> str:
    """``text`` with the fixes' edits and the imports they need."""
    if not fixes:
        return text
    src = S.load(path, text)
    edits = [e for f in fixes for e in f.edits]
    edits += S.import_edits(src, [i for f in fixes for i in f.imports])
    return S.apply(text, edits)


def drop_overlaps(fixes: list[Fix]) -> tuple[list[Fix], list[Fix]]:
    """Fixes whose edits touch no other kept fix's edits, and the others."""
    kept: list[Fix] = []
    dropped: list[Fix] = []
    taken: list[tuple[str, int, int]] = []
    for fix in sorted(fixes, key=lambda f: (f.finding.path, f.edits[0].start, -f.edits[0].end)):
        spans = [(fix.finding.path, e.start, e.end) for e in fix.edits]
        clash = any(
            p == q and (s < e2 and s2 < e or s == s2) for p, s, e in spans for q, s2, e2 in taken
        )
        if clash:
            dropped.append(fix)
            continue
        kept.append(fix)
        taken += spans
    return kept, dropped


@dataclass
class Outcome:
    """What survived verification."""

    accepted: list[Fix]
    rejected: list[Fix]
    texts: dict[str, str]
    diagnostics: list[Diagnostic]


def verify(
    fixes: list[Fix],
    base: dict[str, str],
    originals: dict[str, str],
    baseline: list[Diagnostic],
    run: Callable[[dict[str, str]], list[Diagnostic]],
) -> Outcome:
    """Apply ``fixes`` to ``base`` (path -> text) and drop those that add mypy errors."""
    active = list(fixes)
    rejected: list[Fix] = []
    for _ in range(MAX_RUNS):
        texts = _texts(base, active)
        after = run(texts)
        new = new_errors(baseline, originals, texts, after)
        if not new:
            return Outcome(active, rejected, texts, after)
        blamed = _blame(new, active, base, texts)
        if not blamed:
            blamed = _bisect(new, active, base, originals, baseline, run)
        rejected += blamed
        active = [f for f in active if f not in blamed]
    texts = dict(base)
    return Outcome([], rejected + active, texts, run(texts))


def _texts(base: dict[str, str], active: list[Fix]) -> dict[str, str]:
    by_path: dict[str, list[Fix]] = {}
    for fix in active:
        by_path.setdefault(fix.finding.path, []).append(fix)
    texts = dict(base)
    for path, fixes in by_path.items():
        texts[path] = render(base[path], path, fixes)
    return texts


def _blame(
    new: list[Diagnostic], active: list[Fix], base: dict[str, str], texts: dict[str, str]
) -> list[Fix]:
    blamed: list[Fix] = []
    maps = {p: line_map(base[p], texts[p]) for p in {f.finding.path for f in active}}
    for error in new:
        holders = []
        for fix in active:
            if fix.finding.path != error.path:
                continue
            first = maps[error.path].get(fix.first_line, fix.first_line)
            last = maps[error.path].get(fix.last_line, fix.last_line)
            if first <= error.line <= last:
                holders.append((last - first, fix))
        if not holders:
            holders = [(0, f) for f in active if f.finding.path == error.path]
        if not holders:
            continue
        least = min(size for size, _ in holders)
        blamed += [f for size, f in holders if size == least and f not in blamed]
    return blamed


def _bisect(
    new: list[Diagnostic],
    active: list[Fix],
    base: dict[str, str],
    originals: dict[str, str],
    baseline: list[Diagnostic],
    run: Callable[[dict[str, str]], list[Diagnostic]],
) -> list[Fix]:
    """The fixes of the one file whose edits alone bring back one of the new errors."""
    wanted = {(d.path, d.code, d.message) for d in new}
    suspects = sorted({f.finding.path for f in active})
    while len(suspects) > 1:
        half = suspects[: len(suspects) // 2]
        trial = [f for f in active if f.finding.path in half]
        texts = _texts(base, trial)
        errors = new_errors(baseline, originals, texts, run(texts))
        if any((d.path, d.code, d.message) in wanted for d in errors):
            suspects = half
        else:
            suspects = suspects[len(suspects) // 2 :]
    return [f for f in active if f.finding.path in suspects]

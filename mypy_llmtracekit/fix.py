"""``python -m mypy_llmtracekit fix``: write the annotations mypy can infer.

    python -m mypy_llmtracekit fix [--diff] [--select CODE,...] [--config-file F] PATH...

Runs mypy with the plugin on PATH as mypy itself would (same config discovery) and
applies every machine-applicable fix: annotations for ``ltk-untyped-module-var``,
``ltk-untyped-attribute``, ``ltk-missing-return-annotation`` and, where mypy can infer
them, ``ltk-missing-param-annotation`` (types from mypy: the inferred type of the
variable, and mypy's signature suggestion engine for functions); ``X | None`` for
``ltk-optional-union``. Names are spelled as the file binds them, missing imports are
added (project-internal ones under ``if TYPE_CHECKING:``, with the annotation quoted
where Python evaluates it). ``Any`` is never written. mypy runs again on the edited
files (shadow copies: nothing is written until the end) and every fix after which plain
mypy reports an error it did not report before is dropped. Passes repeat, as one
pass's annotations can let mypy infer more, until a pass over every finding left fixes
nothing (so a second run changes nothing). ``--diff`` prints a unified diff instead of
writing. The last line says how many findings were fixed, in how many files, and how
many were left, and why.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence

from mypy_llmtracekit.fixing.model import FIXABLE_CODES, Diagnostic, Fix
from mypy_llmtracekit.fixing.runner import MypyFailed, Runner, config_args
from mypy_llmtracekit.fixing.verify import drop_overlaps, plain, verify

MAX_PASSES = 8
FindingKey = tuple[str, str, str]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mypy_llmtracekit fix",
        description="Apply the annotations and spellings mypy can infer for ltk findings.",
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    parser.add_argument("--select", help="comma-separated codes to fix (default: all fixable)")
    parser.add_argument("--config-file", help="mypy's config file (default: mypy's discovery)")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the fix command; return the exit status (0, or 2 when mypy cannot run)."""
    args = _parser().parse_args(list(argv))
    selected = set(FIXABLE_CODES)
    if args.select:
        selected = {c.strip() for c in args.select.split(",") if c.strip()}
        unknown = selected - set(FIXABLE_CODES)
        if unknown:
            print(
                f"mypy_llmtracekit fix: no automatic fix for {', '.join(sorted(unknown))}; "
                f"fixable: {', '.join(FIXABLE_CODES)}",
                file=sys.stderr,
            )
            return 2
    with tempfile.TemporaryDirectory(prefix="ltk-fix-") as workdir:
        runner = Runner(config_args(args.config_file, args.paths), workdir)
        try:
            originals, texts, fixed, final, reasons = _fix(runner, selected)
        except MypyFailed as why:
            print(f"mypy_llmtracekit fix: mypy could not run:\n{why}", file=sys.stderr)
            return 2
    changed = sorted(p for p in texts if texts[p] != originals[p])
    if args.diff:
        _print_diff(originals, texts, changed)
    else:
        _write(texts, changed)
    print(_summary(fixed, changed, final, reasons, selected, args.diff))
    return 0


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _fix(
    runner: Runner, selected: set[str]
) -> tuple[dict[str, str], dict[str, str], int, list[Diagnostic], dict[FindingKey, str]]:
    originals: dict[str, str] = {}
    texts: dict[str, str] = {}
    reasons: dict[FindingKey, str] = {}
    fixed = 0
    diags = runner.run(texts, originals)
    baseline = plain(diags)
    # A pass plans only the findings not yet judged; once that reaches nothing new,
    # one more pass re-plans every finding left, as a finding may have become
    # fixable through another's fix with its message unchanged (``g`` returning
    # ``f()`` once ``f`` has its return type). The run ends when a pass over every
    # finding fixes nothing: the fixed point, so a second run changes nothing.
    everything = True
    for _ in range(MAX_PASSES):
        todo = [d for d in diags if d.code in selected and (everything or _key(d) not in reasons)]
        accepted = _pass(runner, todo, originals, texts, baseline, reasons)
        if accepted is not None:
            texts, diags = accepted[0], accepted[1]
            fixed += accepted[2]
        if accepted is not None and accepted[2]:
            everything = False
            continue
        if everything:
            break
        everything = True
    return originals, texts, fixed, [d for d in diags if d.is_ltk], reasons


def _pass(
    runner: Runner,
    todo: list[Diagnostic],
    originals: dict[str, str],
    texts: dict[str, str],
    baseline: list[Diagnostic],
    reasons: dict[FindingKey, str],
) -> tuple[dict[str, str], list[Diagnostic], int] | None:
    """Plan and verify the fixes of ``todo``: the new texts, diagnostics and how many
    fixes were kept, or None when there was nothing to verify."""
    from mypy_llmtracekit.fixing.plan import plan, start

    if not todo:
        return None
    for d in todo:
        if d.path not in originals:
            originals[d.path] = texts[d.path] = _read(d.path)
    planner = start(runner.mypy_args, runner.shadow(texts, originals))
    fixes: list[Fix] = []
    for path in sorted({d.path for d in todo}):
        found, left = plan(planner, [d for d in todo if d.path == path], texts[path])
        fixes += found
        reasons.update((_key(d), why) for d, why in left)
    fixes, overlapping = drop_overlaps(fixes)
    del planner
    if not fixes:
        return None
    outcome = verify(fixes, texts, originals, baseline, lambda t: runner.run(t, originals))
    reasons.update((_key(f.finding), "would add a mypy error") for f in outcome.rejected)
    reasons.update((_key(f.finding), "next pass") for f in overlapping)
    for f in outcome.accepted:
        reasons.pop(_key(f.finding), None)
    if outcome.accepted:
        for f in overlapping:
            reasons.pop(_key(f.finding), None)
    return outcome.texts, outcome.diagnostics, len(outcome.accepted)


def _key(d: Diagnostic) -> FindingKey:
    return (d.path, d.code, d.message)


def _print_diff(originals: dict[str, str], texts: dict[str, str], changed: list[str]) -> None:
    for path in changed:
        rel = os.path.relpath(path)
        sys.stdout.writelines(
            difflib.unified_diff(
                originals[path].splitlines(keepends=True),
                texts[path].splitlines(keepends=True),
                f"a/{rel}",
                f"b/{rel}",
            )
        )


def _write(texts: dict[str, str], changed: list[str]) -> None:
    for path in changed:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(texts[path])


def _summary(
    fixed: int,
    changed: list[str],
    final: list[Diagnostic],
    reasons: dict[FindingKey, str],
    selected: set[str],
    diff: bool,
) -> str:
    why: Counter[str] = Counter()
    for d in final:
        if d.code in selected:
            why[_general(reasons.get(_key(d), "not fixed"))] += 1
        elif d.code in FIXABLE_CODES:
            why["not selected"] += 1
        else:
            why[f"no automatic fix for {d.code}"] += 1
    verb = "would fix" if diff else "fixed"
    files = "file" if len(changed) == 1 else "files"
    head = f"mypy_llmtracekit fix: {verb} {fixed} findings in {len(changed)} {files}"
    if not why:
        return f"{head}; left 0"
    parts = ", ".join(f"{n} {r}" for r, n in sorted(why.items(), key=lambda i: (-i[1], i[0])))
    return f"{head}; left {sum(why.values())}: {parts}"


def _general(reason: str) -> str:
    """A reason without the names it quotes, so that the summary groups them."""
    reason = re.sub(
        r"^Object \S+ is a decorator we can't handle$",
        "a decorator mypy's suggestion engine cannot see through",
        reason,
    )
    return re.sub(r'"[^"]*"', "X", reason)

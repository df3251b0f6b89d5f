"""The rule catalogue on the command line, and docs/rules.md generated from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mypy_llmtracekit import cli
from mypy_llmtracekit.registry import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy_llmtracekit", *args], capture_output=True, text=True
    )


def test_list_every_rule_with_default_and_summary() -> None:
    done = run("rules")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.name for rule in RULES]
    assert lines[1].split()[:2] == ["ltk-blocking-io", "on"]
    assert lines[-1].split()[:2] == ["ltk-optional-union", "opt-in"]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_page_has_every_section(rule: cli.Rule) -> None:
    done = run("rules", rule.name)
    assert done.returncode == 0
    assert done.stdout.startswith(f"{rule.name} ({cli.default_of(rule)})\n")
    for section in ("What it catches", "Why a syntax-only linter cannot", "Bad::", "Good::"):
        assert section in done.stdout


def test_unknown_code_is_a_usage_error() -> None:
    done = run("rules", "ltk-nope")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("mypy_llmtracekit: unknown rule 'ltk-nope'; known rules: ")


def test_docs_rules_md_is_current() -> None:
    assert DOCS.read_text() == cli.markdown(), (
        "docs/rules.md is stale: run python -m mypy_llmtracekit rules --markdown > docs/rules.md"
    )

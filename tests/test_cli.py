"""The command line: rule pages, JSON for tools, the catalogue, --version, the fix slot."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import mypy.version
import pytest

from mypy_llmtracekit import __version__, cli, config
from mypy_llmtracekit.catalogue import builtin_catalogue
from mypy_llmtracekit.registry import RULES
from mypy_llmtracekit.rule import INTERNAL

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy_llmtracekit", *args], capture_output=True, text=True
    )


def test_list_every_code_with_default_and_summary() -> None:
    done = run("rules")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [*(rule.name for rule in RULES), "ltk-internal"]
    assert lines[1].split()[:2] == ["ltk-blocking-io", "on"]
    assert lines[-2].split()[:2] == ["ltk-optional-union", "opt-in"]
    assert lines[-1].split()[:2] == ["ltk-internal", "on"]


def test_rules_as_json_for_tools() -> None:
    done = run("rules", "--output-format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert [item["code"] for item in data] == [*(rule.name for rule in RULES), "ltk-internal"]
    by_code = {item["code"]: item for item in data}
    assert by_code["ltk-blocking-io"] == {
        "code": "ltk-blocking-io",
        "default": "on",
        "summary": RULES[1].summary,
        "settings": ["blocking_io_extra", "blocking_io_exempt"],
        "parent": "ltk",
    }
    assert by_code["ltk-optional-union"]["default"] == "opt-in"
    assert by_code["ltk-internal"]["settings"] == []
    # Every setting belongs to some rule, and names a real key.
    named = {key for item in data for key in item["settings"]}
    assert named == set(config._KEYS)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_page_has_every_section(rule: cli.Rule) -> None:
    done = run("rules", rule.name)
    assert done.returncode == 0
    assert done.stdout.startswith(f"{rule.name} ({cli.default_of(rule)})\n")
    for section in ("What it catches", "Why a syntax-only linter cannot", "Bad::", "Good::"):
        assert section in done.stdout


def test_rule_is_an_alias_of_rules_code() -> None:
    assert run("rule", "ltk-blocking-io").stdout == run("rules", "ltk-blocking-io").stdout


def test_rule_page_as_json() -> None:
    done = run("rule", "ltk-background-task", "--output-format", "json")
    data = json.loads(done.stdout)
    assert data["code"] == "ltk-background-task"
    assert data["settings"] == ["background_task_helper"]
    assert data["explanation"].startswith("ltk-background-task (on)\n")


def test_internal_and_umbrella_have_pages() -> None:
    internal = run("rule", "ltk-internal")
    assert internal.returncode == 0
    assert internal.stdout.startswith("ltk-internal (on)\n")
    assert "Report it" in internal.stdout
    assert INTERNAL.code == "ltk-internal"
    umbrella = run("rule", "ltk")
    assert umbrella.returncode == 0
    assert "disable_error_code = ltk" in umbrella.stdout


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("ltk-blockin-io", "ltk-blocking-io"),
        ("blocking-io", "ltk-blocking-io"),
        ("ltk-optional-unions", "ltk-optional-union"),
        ("internal", "ltk-internal"),
    ],
)
def test_unknown_code_near_a_known_one(typed: str, suggestion: str) -> None:
    done = run("rule", typed)
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr == f"mypy_llmtracekit: unknown rule {typed!r}; did you mean {suggestion!r}?\n"
    )


def test_unknown_code_far_from_all() -> None:
    done = run("rules", "zzz")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("mypy_llmtracekit: unknown rule 'zzz'; known rules: ")


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout == (
        f"mypy-llmtracekit {__version__} (mypy {mypy.version.__version__} installed: supported; "
        "supported: mypy >=2.4.0,<2.5)\n"
    )


def test_no_command_is_a_usage_error() -> None:
    done = run()
    assert done.returncode == 2
    assert "a command is required" in done.stderr


def test_catalogue_lists_the_data_file() -> None:
    data = builtin_catalogue()
    text = run("catalogue")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert "time.sleep()  ->  use await asyncio.sleep(...)" in lines
    assert any(line.startswith("sqlite3.Connection: ") and "execute" in line for line in lines)
    total = len(data.functions) + len(data.classes)
    assert lines[-1] == (
        f"{total} entries ({len(data.functions)} functions, {len(data.classes)} classes)"
    )
    as_json = json.loads(run("catalogue", "--output-format", "json").stdout)
    assert {f["name"] for f in as_json["functions"]} == set(data.functions)
    assert {c["name"] for c in as_json["classes"]} == set(data.classes)
    only = json.loads(run("catalogue", "sqlite3", "--output-format", "json").stdout)
    assert only["classes"] and all("sqlite3" in c["name"] for c in only["classes"])
    assert all("sqlite3" in f["name"] for f in only["functions"])


def test_fix_is_handed_to_the_fix_module(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(argv)
        return 7

    fake = types.ModuleType("mypy_llmtracekit.fix")
    fake.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mypy_llmtracekit.fix", fake)
    assert cli.main(["fix", "--diff", "src"]) == 7
    assert seen == [["--diff", "src"]]


def test_fix_without_the_fix_module(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "mypy_llmtracekit.fix", None)
    assert cli.main(["fix", "src"]) == 2
    assert capsys.readouterr().err == (
        "mypy_llmtracekit: the fix command is not part of this version\n"
    )


def test_docs_rules_md_is_current() -> None:
    assert DOCS.read_text() == cli.markdown(), (
        "docs/rules.md is stale: run python -m mypy_llmtracekit rules --markdown > docs/rules.md"
    )

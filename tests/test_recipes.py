"""The GitHub Actions recipe (docs/recipes.md): cache restored before mypy, saved on failure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

RECIPES = Path(__file__).resolve().parent.parent / "docs" / "recipes.md"


def block_after(marker: str) -> str:
    """The fenced block that follows ``<!-- marker -->`` in docs/recipes.md."""
    text = RECIPES.read_text()
    match = re.search(rf"<!-- {marker} -->\n```\w*\n(.*?)```", text, re.S)
    assert match is not None, f"no <!-- {marker} --> block in docs/recipes.md"
    return match.group(1)


def steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(block_after("ci-recipe"))
    found: list[dict[str, Any]] = workflow["jobs"]["mypy"]["steps"]
    return found


def index(predicate: Any) -> int:
    matches = [i for i, step in enumerate(steps()) if predicate(step)]
    assert len(matches) == 1, matches
    return matches[0]


def runs_mypy(step: dict[str, Any]) -> bool:
    return bool(re.search(r"(^|\s)mypy\s", str(step.get("run", ""))))


def test_cache_is_restored_before_mypy_and_saved_after_it_even_on_failure() -> None:
    restore = index(lambda s: str(s.get("uses", "")).startswith("actions/cache/restore@"))
    mypy = index(runs_mypy)
    save = index(lambda s: str(s.get("uses", "")).startswith("actions/cache/save@"))
    assert restore < mypy < save
    all_steps = steps()
    # A failed mypy step must not skip the save: always() or !cancelled().
    assert re.search(r"always\(\)|!cancelled\(\)", str(all_steps[save].get("if", "")))
    assert all_steps[restore]["with"]["path"] == all_steps[save]["with"]["path"] == ".mypy_cache"
    restore_id = all_steps[restore]["id"]
    assert all_steps[save]["with"]["key"] == (
        f"${{{{ steps.{restore_id}.outputs.cache-primary-key }}}}"
    )
    # No combined actions/cache step (it saves only after a successful job).
    assert not any(str(s.get("uses", "")).startswith("actions/cache@") for s in all_steps)


def test_plugin_is_installed_from_the_repository() -> None:
    install = index(lambda s: "pip install" in str(s.get("run", "")))
    assert install < index(runs_mypy)
    command = str(steps()[install]["run"])
    assert re.search(r'"mypy-llmtracekit @ git\+https://\S+@[0-9a-f]{40}"', command)
    # ... and not also from PyPI, where it is not published.
    assert "mypy-llmtracekit" not in re.sub(r'"mypy-llmtracekit @ [^"]+"', "", command)

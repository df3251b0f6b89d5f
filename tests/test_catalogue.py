"""Every name in the blocking-I/O catalogue resolves against the real libraries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

from mypy_llmtracekit.catalogue import builtin_catalogue

LIBRARIES = [
    "http.client",
    "httpx",
    "io",
    "os",
    "pathlib",
    "psycopg",
    "psycopg2",
    "psycopg2.extensions",
    "pymongo",
    "pymongo.collection",
    "pymongo.database",
    "pymysql",
    "pymysql.connections",
    "pymysql.cursors",
    "redis",
    "redis.client",
    "requests",
    "shutil",
    "socket",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlite3",
    "subprocess",
    "time",
    "urllib.request",
    "urllib3",
]


def test_every_catalogue_name_resolves(project: Project) -> None:
    imports = "".join(f"import {name}\n" for name in LIBRARIES)
    project.write(
        {
            "mypy.ini": f"[mypy]\nplugins = {Path(__file__).with_name('catalogue_probe.py')}\n",
            "main.py": imports,
        }
    )
    result = project.mypy("main.py")
    assert result.status == 0, result.stdout
    assert json.loads((project.root / "pending.json").read_text()) == []


def test_catalogue_is_not_empty_per_family() -> None:
    catalogue = builtin_catalogue()
    assert "time.sleep" in catalogue.functions
    assert catalogue.classes["sqlite3.Connection"].blocks("execute")
    assert not catalogue.classes["redis.client.Pipeline"].blocks("set")
    assert catalogue.classes["redis.Redis"].blocks("hgetall")
    assert not catalogue.classes["redis.Redis"].blocks("pipeline")

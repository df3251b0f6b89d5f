"""Every name of the transaction catalogue resolves against the real libraries installed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import Project

from mypy_llmtracekit.transaction_catalogue import IoClass, builtin_data

# Typed libraries of the test extra: their names must all resolve.
REQUIRED = [
    "asyncio",
    "asyncpg",
    "asyncpg.pool",
    "http.client",
    "httpx",
    "psycopg",
    "requests",
    "smtplib",
    "socket",
    "sqlalchemy",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "subprocess",
    "os",
    "urllib.request",
    "urllib3",
    "aiohttp",
    "botocore.client",
    "botocore.paginate",
    "botocore.waiter",
]
# Checked when installed (heavy, or not in the test extra).
OPTIONAL = [
    "aiosmtplib",
    "aio_pika",
    "aio_pika.abc",
    "anthropic",
    "boto3.resources.base",
    "boto3.resources.collection",
    "boto3.s3.transfer",
    "openai",
    "pika",
    "pika.adapters.blocking_connection",
]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def test_catalogue_names_resolve(project: Project) -> None:
    modules = REQUIRED + [m for m in OPTIONAL if _installed(m)]
    probe = Path(__file__).with_name("transaction_probe.py")
    project.write(
        {
            "mypy.ini": f"[mypy]\nplugins = {probe}\n",
            "main.py": "".join(f"import {name}\n" for name in modules),
        }
    )
    result = project.mypy("main.py")
    assert result.status == 0, result.stdout
    pending = json.loads((project.root / "pending.json").read_text())
    imported = {m.partition(".")[0] for m in modules}
    assert [name for name in pending if name.partition(".")[0] in imported] == []


def test_catalogue_families() -> None:
    data = builtin_data()
    assert "httpx.post" in data.functions
    assert data.classes["httpx.AsyncClient"].performs_io("post")
    assert not data.classes["httpx.AsyncClient"].performs_io("build_request")
    aws = data.classes["botocore.client.BaseClient"]
    assert aws.performs_io("put_object")
    assert not aws.performs_io("generate_presigned_url")
    assert not IoClass("x", every_method=True).performs_io("_private")
    assert data.opener_classes["asyncpg.Connection"] == frozenset({"transaction"})

"""Every name in the blocking-I/O catalogue resolves against the real libraries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

from mypy_llmtracekit.catalogue import builtin_catalogue

LIBRARIES = [
    "anthropic",
    "boto3.dynamodb.table",
    "boto3.resources.base",
    "boto3.resources.collection",
    "boto3.s3.transfer",
    "botocore.client",
    "botocore.paginate",
    "botocore.waiter",
    "bz2",
    "concurrent.futures",
    "elasticsearch",
    "elasticsearch.helpers",
    "ftplib",
    "glob",
    "google.genai",
    "google.genai._api_module",
    "google.genai.chats",
    "gzip",
    "http.client",
    "httpx",
    "imaplib",
    "io",
    "langchain_core.embeddings",
    "langchain_core.language_models",
    "langchain_core.output_parsers",
    "langchain_core.prompts",
    "langchain_core.retrievers",
    "langchain_core.runnables",
    "langchain_core.tools",
    "langchain_core.vectorstores",
    "litellm",
    "lzma",
    "multiprocessing.connection",
    "multiprocessing.pool",
    "multiprocessing.process",
    "multiprocessing.queues",
    "multiprocessing.synchronize",
    "openai",
    "os",
    "paramiko",
    "paramiko.file",
    "pathlib",
    "pika",
    "pika.adapters.blocking_connection",
    "poplib",
    "psycopg",
    "psycopg2",
    "psycopg2.extensions",
    "pymongo",
    "pymongo.collection",
    "pymongo.database",
    "pymysql",
    "pymysql.connections",
    "pymysql.cursors",
    "queue",
    "redis",
    "redis.client",
    "requests",
    "shutil",
    "smtplib",
    "socket",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlite3",
    "ssl",
    "subprocess",
    "tarfile",
    "tempfile",
    "threading",
    "time",
    "urllib.request",
    "urllib3",
    "zipfile",
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

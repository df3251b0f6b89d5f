"""Every name in the blocking-I/O catalogue resolves against the real libraries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

from mypy_llmtracekit.catalogue import FalseFlag, builtin_catalogue

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


def test_catalogue_conditions_and_stoppers() -> None:
    catalogue = builtin_catalogue()
    assert catalogue.constructors["smtplib.SMTP"].condition == "args"
    assert catalogue.constructors["zipfile.ZipFile"].condition == "path"
    assert catalogue.constructors["pika.BlockingConnection"].condition is None
    assert catalogue.functions["tarfile.open"].condition == "path"
    lock = catalogue.classes["threading.Lock"]
    assert lock.unless_false["acquire"] == FalseFlag("blocking", 0)
    assert catalogue.classes["queue.Queue"].unless_false["get"] == FalseFlag("block", 0)
    assert not catalogue.classes["queue.Queue"].blocks("put")
    # In-memory streams and prompt templates stop the MRO walk: nothing blocks.
    assert not catalogue.classes["io.StringIO"].blocks("write")
    assert not catalogue.classes["langchain_core.prompts.BasePromptTemplate"].blocks("invoke")
    # Every public method of a botocore client, but not request building or sub-objects.
    client = catalogue.classes["botocore.client.BaseClient"]
    assert client.blocks("put_object") and client.show_receiver
    assert not client.blocks("generate_presigned_url")
    assert not client.blocks("get_paginator")
    assert not catalogue.classes["boto3.resources.base.ServiceResource"].blocks("Table")


def test_every_family_names_an_async_alternative() -> None:
    catalogue = builtin_catalogue()
    hits = [*catalogue.functions.values(), *catalogue.constructors.values()]
    insteads = [hit.instead for hit in hits] + [spec.instead for spec in catalogue.classes.values()]
    assert all(instead.strip() for instead in insteads)
    llm = {
        "openai._resource.SyncAPIResource": "AsyncOpenAI",
        "anthropic._resource.SyncAPIResource": "AsyncAnthropic",
        "google.genai._api_module.BaseModule": "client.aio",
        "langchain_core.runnables.Runnable": "ainvoke",
    }
    for name, twin in llm.items():
        assert twin in catalogue.classes[name].instead
    assert "acompletion" in catalogue.functions["litellm.completion"].instead


def test_response_views_locks_and_transport() -> None:
    catalogue = builtin_catalogue()
    for resource in ("openai._resource.SyncAPIResource", "anthropic._resource.SyncAPIResource"):
        views = catalogue.classes[resource].views
        assert views == frozenset({"WithRawResponse", "WithStreamingResponse"})
    # `with lock:` enters the lock: __enter__ acquires like acquire().
    for lock in ("threading.Lock", "threading.RLock", "threading.Condition", "threading.Semaphore"):
        assert catalogue.classes[lock].blocks("__enter__")
    assert not catalogue.classes["threading.Event"].blocks("__enter__")
    assert catalogue.constructors["paramiko.Transport"].condition == "address"

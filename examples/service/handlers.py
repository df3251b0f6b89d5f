"""Request handlers: blocking calls inside coroutines, untyped callables, swallowed errors."""

import asyncio
import json
import time
from collections.abc import Callable as Fn
from typing import Any, Callable, Optional

from service.config import settings
from service.db import DBConnection, RowHandler, chat_titles, connect
from service.storage import BlobStore


class ArtifactUtils:  # ltk-namespace-class
    @staticmethod
    def key(chat_id: str) -> str:
        return f"artifacts/{chat_id}"


def normalize(title):  # ltk-missing-param-annotation, ltk-missing-return-annotation
    return title.strip()


class ChatController:
    def __init__(self, conn: DBConnection, blobs: BlobStore) -> None:
        self._conn = conn
        self._blobs = blobs
        self._cache = json.loads("{}")  # ltk-untyped-attribute

    async def list_chats(self, on_row: RowHandler) -> list[str]:
        rows = self._conn.execute("SELECT id FROM chats").fetchall()  # ltk-blocking-io
        return [on_row(row) for row in rows]

    async def attachment(self, key: str) -> Optional[bytes]:  # ltk-optional-union
        time.sleep(settings.timeout / 100)  # ltk-blocking-io
        try:
            return self._blobs.read(key)  # ltk-blocking-io (configured API)
        except Exception:  # ltk-broad-except
            return None

    async def export(self) -> None:
        await asyncio.to_thread(self._conn.execute, "VACUUM")  # offloaded: fine

    async def refresh(self) -> None:
        asyncio.create_task(self.export())  # ltk-background-task

    async def titles(self) -> list[tuple[object, ...]]:
        return chat_titles(self._conn)  # ltk-blocking-io-indirect: a chain through db.py


def with_retry(fn: Fn[..., Any]) -> Fn[..., Any]:  # ltk-callable-ellipsis
    return fn


def on_event(handler: Callable[[Any], None]) -> None:  # ltk-callable-any
    handler(None)


async def main() -> None:
    conn = connect(":memory:")  # ltk-blocking-io-indirect: connect() connects
    controller = ChatController(conn, BlobStore.__new__(BlobStore))
    await controller.list_chats(print)

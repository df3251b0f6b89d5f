"""Request handlers: blocking calls inside coroutines, and untyped callables."""

import asyncio
import time
from collections.abc import Callable as Fn
from typing import Any

from service.config import settings
from service.db import DBConnection, RowHandler, connect
from service.storage import BlobStore


class ChatController:
    def __init__(self, conn: DBConnection, blobs: BlobStore) -> None:
        self._conn = conn
        self._blobs = blobs

    async def list_chats(self, on_row: RowHandler) -> list[str]:
        rows = self._conn.execute("SELECT id FROM chats").fetchall()  # ltk-blocking-io
        return [on_row(row) for row in rows]

    async def attachment(self, key: str) -> bytes:
        time.sleep(settings.timeout / 100)  # ltk-blocking-io
        return self._blobs.read(key)  # ltk-blocking-io (configured API)

    async def export(self) -> None:
        await asyncio.to_thread(self._conn.execute, "VACUUM")  # offloaded: fine


def with_retry(fn: Fn[..., Any]) -> Fn[..., Any]:  # ltk-callable-ellipsis
    return fn


async def main() -> None:
    controller = ChatController(connect(":memory:"), BlobStore.__new__(BlobStore))
    await controller.list_chats(print)

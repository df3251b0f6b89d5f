"""Request handlers: no blocking call in a coroutine, every callable typed."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from clean.config import settings
from clean.db import DBConnection, RowHandler, connect, fetch_chat_ids
from clean.storage import BlobStore

P = ParamSpec("P")
R = TypeVar("R")


class ChatController:
    def __init__(self, conn: DBConnection, blobs: BlobStore) -> None:
        self._conn = conn
        self._blobs = blobs

    async def list_chats(self, on_row: RowHandler) -> list[str]:
        rows = await asyncio.to_thread(fetch_chat_ids, self._conn)
        return [on_row(row) for row in rows]

    async def attachment(self, key: str) -> bytes:
        await asyncio.sleep(settings.timeout / 100)
        return await asyncio.to_thread(self._blobs.read, key)

    async def export(self) -> None:
        await asyncio.to_thread(self._conn.execute, "VACUUM")


def with_retry(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    return fn


async def main() -> None:
    controller = ChatController(connect(":memory:"), BlobStore.__new__(BlobStore))
    await controller.list_chats(str)

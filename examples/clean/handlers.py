"""Request handlers: no blocking call in a coroutine, every callable typed."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from clean.config import settings
from clean.db import DBConnection, Row, RowHandler, chat_titles, connect, fetch_chat_ids
from clean.storage import BlobStore
from clean.tasks import create_background_task

P = ParamSpec("P")
R = TypeVar("R")


def artifact_key(chat_id: str) -> str:
    return f"artifacts/{chat_id}"


def normalize(title: str) -> str:
    return title.strip()


class ChatController:
    def __init__(self, conn: DBConnection, blobs: BlobStore) -> None:
        self._conn = conn
        self._blobs = blobs
        self._cache: dict[str, str] = json.loads("{}")

    async def list_chats(self, on_row: RowHandler) -> list[str]:
        rows = await asyncio.to_thread(fetch_chat_ids, self._conn)
        return [on_row(row) for row in rows]

    async def attachment(self, key: str) -> bytes | None:
        await asyncio.sleep(settings.timeout / 100)
        try:
            return await asyncio.to_thread(self._blobs.read, key)
        except FileNotFoundError:
            return None

    async def export(self) -> None:
        await asyncio.to_thread(self._conn.execute, "VACUUM")

    async def refresh(self) -> None:
        create_background_task(self.export())

    async def titles(self) -> list[Row]:
        return await asyncio.to_thread(chat_titles, self._conn)


def with_retry(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    return fn


def on_event(handler: Callable[[str], None]) -> None:
    handler("started")


async def main() -> None:
    conn = await asyncio.to_thread(connect, ":memory:")
    controller = ChatController(conn, BlobStore.__new__(BlobStore))
    await controller.list_chats(str)

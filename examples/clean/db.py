"""Database access: the sync driver stays behind asyncio.to_thread."""

import sqlite3
from collections.abc import Callable
from typing import TypeAlias

DBConnection: TypeAlias = sqlite3.Connection
Row: TypeAlias = tuple[object, ...]
RowHandler: TypeAlias = Callable[[Row], str]


def connect(path: str) -> DBConnection:
    return sqlite3.connect(path)


def fetch_chat_ids(conn: DBConnection) -> list[Row]:
    return conn.execute("SELECT id FROM chats").fetchall()

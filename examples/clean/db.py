"""Database access: the sync driver stays behind asyncio.to_thread."""

import sqlite3
from collections.abc import Callable
from typing import Final, TypeAlias

DBConnection: TypeAlias = sqlite3.Connection
Row: TypeAlias = tuple[object, ...]
RowHandler: TypeAlias = Callable[[Row], str]
ChatRow: TypeAlias = tuple[int, str]
MAX_RETRIES: Final = 3


class Database:
    """A small async wrapper that sends SQL (listed in sql_classes)."""

    async def fetch(self, query: str, *args: object) -> list[Row]:
        return []

    async def execute(self, query: str, *args: object) -> str:
        return ""


def connect(path: str) -> DBConnection:
    return sqlite3.connect(path)


def chat_titles(conn: DBConnection) -> list[Row]:
    return conn.execute("SELECT title FROM account_chats").fetchall()


def fetch_chat_ids(conn: DBConnection) -> list[Row]:
    return conn.execute("SELECT id FROM account_chats").fetchall()


async def list_titles(db: Database, user_id: int) -> list[Row]:
    return await db.fetch("SELECT title FROM account_chats WHERE user_id = $1", user_id)


async def add_chat(db: Database, chat_id: int) -> None:
    await db.execute(
        "INSERT INTO account_chats (id, account_id) "
        "VALUES ($1, CURRENT_SETTING('olly.account_id'))",
        chat_id,
    )

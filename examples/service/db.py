"""Database access with a synchronous driver, hidden behind an alias."""

import sqlite3
from typing import Any, Callable, Final, TypeAlias

DBConnection: TypeAlias = sqlite3.Connection
RowHandler = Callable[..., Any]  # ltk-callable-ellipsis
chat_row = tuple[int, str]  # ltk-type-alias-name
maxRetries: Final = 3  # ltk-type-alias-name


class Database:
    """A small async wrapper that sends SQL (listed in sql_classes)."""

    async def fetch(self, query: str, *args: object) -> list[tuple[object, ...]]:
        return []

    async def execute(self, query: str, *args: object) -> str:
        return ""


def connect(path: str) -> DBConnection:
    return sqlite3.connect(path)


def _query(conn: DBConnection, sql: str) -> list[tuple[object, ...]]:
    return conn.execute(sql).fetchall()


def chat_titles(conn: DBConnection) -> list[tuple[object, ...]]:
    return _query(conn, "SELECT title FROM account_chats")


async def list_titles(db: Database, user_id: int) -> list[tuple[object, ...]]:
    return await db.fetch("SELECT title FROM chats WHERE user_id = $1", user_id)  # view


async def add_chat(db: Database, chat_id: int, account_id: str) -> None:
    await db.execute(  # ltk-sql-account-insert
        "INSERT INTO account_chats (id, account_id) VALUES ($1, $2)", chat_id, account_id
    )

"""Database access with a synchronous driver, hidden behind an alias."""

import sqlite3
from typing import Any, Callable, TypeAlias

DBConnection: TypeAlias = sqlite3.Connection
RowHandler = Callable[..., Any]  # ltk-callable-ellipsis


def connect(path: str) -> DBConnection:
    return sqlite3.connect(path)

"""The one place that creates background tasks, and keeps a reference to each."""

import asyncio
from collections.abc import Coroutine
from typing import Any

_RUNNING: set[asyncio.Task[None]] = set()


def create_background_task(coro: Coroutine[Any, Any, None]) -> None:
    task = asyncio.create_task(coro)
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)

"""The bundled example shows each headline rule once or more; its clean twin shows none."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import Project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = """\
service/config.py:18: error: Module-level variable "database_url" has no annotation and its type is not obvious (inferred "str | None"); annotate it: database_url: str | None = ...  [ltk-untyped-module-var]
service/config.py:19: error: Module-level variable "retry_delays" has no annotation and its type is not obvious (inferred "list[float]"); annotate it: retry_delays: list[float] = ...  [ltk-untyped-module-var]
service/db.py:7: error: Type alias "RowHandler" is a callable with "..." parameters; define it with a ParamSpec: RowHandler = Callable[P, R] with P = ParamSpec("P")  [ltk-callable-ellipsis]
service/handlers.py:19: error: Blocking call "sqlite3.Cursor.fetchall" in async function "list_chats" stalls the event loop; use aiosqlite, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:19: error: Blocking call "sqlite3.Connection.execute" in async function "list_chats" stalls the event loop; use aiosqlite, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:23: error: Blocking call "time.sleep" in async function "attachment" stalls the event loop; use await asyncio.sleep(...)  [ltk-blocking-io]
service/handlers.py:24: error: Blocking call "service.storage.BlobStore.read" in async function "attachment" stalls the event loop; make it async, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:30: error: "Callable[..., R]" hides the parameter types; write Callable[P, R] with P = ParamSpec("P"), or list the parameters: Callable[[int, str], R]  [ltk-callable-ellipsis]
Found 8 errors in 3 files (checked 10 source files)
"""


def test_example_service_output(project: Project) -> None:
    shutil.copytree(EXAMPLES, project.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".mypy_cache"))
    result = project.run("mypy", "service", "clean")
    assert result.stdout == EXPECTED
    assert result.status == 1
    assert "clean/" not in result.stdout

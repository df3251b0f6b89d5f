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
service/db.py:8: error: Type alias "chat_row" is not PascalCase; name it ChatRow  [ltk-type-alias-name]
service/db.py:9: error: Final constant "maxRetries" is not UPPER_SNAKE_CASE; name it MAX_RETRIES  [ltk-type-alias-name]
service/db.py:35: error: SELECT reads table "chats" instead of the account views; read from account_chats  [ltk-sql-account-view]
service/db.py:40: error: INSERT into "account_chats" does not take the account from CURRENT_SETTING('olly.account_id'); insert CURRENT_SETTING('olly.account_id') as the account column  [ltk-sql-account-insert]
service/handlers.py:14: error: Class "ArtifactUtils" is only a namespace (no instance state; only static/class methods and constants); use module-level functions and constants instead  [ltk-namespace-class]
service/handlers.py:20: error: Function "normalize" returns a value but has no return annotation; no annotation to suggest: mypy did not check the body of "normalize" (a function without annotations), so it inferred no type to suggest (enable check_untyped_defs to get one)  [ltk-missing-return-annotation]
service/handlers.py:20: error: Parameter "title" of "normalize" has no annotation; mypy infers no parameter types, so write the type callers pass (title: YourType)  [ltk-missing-param-annotation]
service/handlers.py:28: error: Attribute "_cache" of class "ChatController" has no annotation and its type is not obvious; no annotation to suggest: mypy knows its type only as Any, from "loads", declared to return Any  [ltk-untyped-attribute]
service/handlers.py:31: error: Blocking call "sqlite3.Cursor.fetchall" in async function "list_chats" stalls the event loop; use aiosqlite, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:31: error: Blocking call "sqlite3.Connection.execute" in async function "list_chats" stalls the event loop; use aiosqlite, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:34: error: Write "bytes | None" instead of "Optional[bytes]" (PEP 604)  [ltk-optional-union]
service/handlers.py:35: error: Blocking call "time.sleep" in async function "attachment" stalls the event loop; use await asyncio.sleep(...)  [ltk-blocking-io]
service/handlers.py:37: error: Blocking call "service.storage.BlobStore.read" in async function "attachment" stalls the event loop; make it async, or await asyncio.to_thread(...)  [ltk-blocking-io]
service/handlers.py:38: error: Catching "Exception" without re-raising hides bugs; catch the specific exceptions (e.g. except (ValueError, KeyError):) or re-raise  [ltk-broad-except]
service/handlers.py:45: error: Background task created with "asyncio.create_task" outside the project's helper; use clean.tasks.create_background_task(...) instead  [ltk-background-task]
service/handlers.py:48: error: Async function "titles" calls "chat_titles", which blocks: titles -> chat_titles -> _query -> sqlite3.Connection.execute; make the helper async, or await asyncio.to_thread(chat_titles, ...)  [ltk-blocking-io-indirect]
service/handlers.py:51: error: "Fn[..., Any]" (parameter "fn" of "with_retry") hides the parameter types; write Callable[P, Any] with P = ParamSpec("P"), or list the parameters: Callable[[int, str], Any]  [ltk-callable-ellipsis]
service/handlers.py:51: error: "Fn[..., Any]" (return type of "with_retry") hides the parameter types; write Callable[P, Any] with P = ParamSpec("P"), or list the parameters: Callable[[int, str], Any]  [ltk-callable-ellipsis]
service/handlers.py:55: error: "Callable[[Any], None]" takes "Any" parameters; write the real parameter types, or Callable[P, R] with P = ParamSpec("P")  [ltk-callable-any]
service/handlers.py:60: error: Async function "main" calls "connect", which blocks: main -> connect -> sqlite3.connect; make the helper async, or await asyncio.to_thread(connect, ...)  [ltk-blocking-io-indirect]
service/billing.py:20: error: "httpx.AsyncClient.post" runs while the transaction opened at line 18 is open: it holds the transaction and its locks across a network call and is not rolled back with it; do it before the transaction or after it commits  [ltk-io-in-transaction]
service/billing.py:26: error: Independent awaits of "client.get" run one after another; run them concurrently: await asyncio.gather(*(client.get(f"/rates/{currency}") for currency in currencies)) or an asyncio.TaskGroup  [ltk-await-in-loop]
service/billing.py:37: error: "notify_voided -> httpx.AsyncClient.post" runs while the transaction opened at line 35 is open: it holds the transaction and its locks across a network call and is not rolled back with it; do it before the transaction or after it commits  [ltk-io-in-transaction]
Found 26 errors in 4 files (checked 13 source files)
"""


def test_example_service_output(project: Project) -> None:
    shutil.copytree(
        EXAMPLES, project.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".mypy_cache")
    )
    result = project.run("mypy", "service", "clean")
    assert result.stdout == EXPECTED
    assert result.status == 1
    assert "clean/" not in result.stdout

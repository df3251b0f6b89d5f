"""The summary files beside mypy's cache: what is written, its digest, reading it back."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from mypy_llmtracekit.summaries import FunctionSummary, ModuleSummary
from mypy_llmtracekit.summary_store import DAMAGED, NO_SUMMARY, SummaryStore, digest_of


def _summary(module: str, functions: int) -> ModuleSummary:
    return ModuleSummary(
        module,
        {
            f"{module}.f{i}": FunctionSummary(("time.sleep",), (f"{module}.g{i}",), (), ())
            for i in range(functions)
        },
    )


def test_a_file_larger_than_one_read_round_trips(tmp_path: Path) -> None:
    """Files are read in 64 KiB chunks: a large module's summary comes back whole."""
    summary = _summary("app.big", 2000)
    writer = SummaryStore.for_cache(str(tmp_path))
    digest = writer.publish(summary)
    path = Path(writer.directory or "") / "app.big.json"
    content = path.read_bytes()
    assert len(content) > 1 << 16
    header, _, body = content.partition(b"\n")
    assert header == f"{digest} {len(body)}".encode()
    assert digest == digest_of(body) == digest_of(summary.to_json().encode())

    reader = SummaryStore.for_cache(str(tmp_path))
    assert reader.file_digest("app.big") == digest
    assert reader.load("app.big") == summary


def test_a_changed_or_missing_file_changes_the_digest(tmp_path: Path) -> None:
    store = SummaryStore.for_cache(str(tmp_path))
    digest = store.publish(_summary("app.db", 3))
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == digest
    path = Path(store.directory or "") / "app.db.json"
    content = path.read_bytes()
    path.write_bytes(content.replace(b"time.sleep", b"time.sleepy"))
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == DAMAGED
    path.write_bytes(content[: len(content) // 2])
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == DAMAGED
    path.write_bytes(content.partition(b"\n")[2])
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == DAMAGED
    path.unlink()
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == NO_SUMMARY


def test_an_empty_summary_has_no_file(tmp_path: Path) -> None:
    store = SummaryStore.for_cache(str(tmp_path))
    store.publish(_summary("app.db", 3))
    assert store.publish(ModuleSummary("app.db", {})) == NO_SUMMARY
    assert not (Path(store.directory or "") / "app.db.json").exists()
    assert SummaryStore.for_cache(str(tmp_path)).file_digest("app.db") == NO_SUMMARY


def test_the_warm_check_reads_the_header_and_a_read_checks_the_body(tmp_path: Path) -> None:
    """A body changed in place at the same size passes the warm check (which reads
    only the header and the size, as mypy trusts a cache file's recorded time),
    and is never used: reading a summary hashes its body."""
    store = SummaryStore.for_cache(str(tmp_path))
    digest = store.publish(_summary("app.db", 3))
    path = Path(store.directory or "") / "app.db.json"
    path.write_bytes(path.read_bytes().replace(b"time.sleep", b"time.sleeq"))
    reader = SummaryStore.for_cache(str(tmp_path))
    assert reader.file_digest("app.db") == digest
    assert reader.load("app.db") is None


def test_summary_text_is_json_dumps_with_sorted_keys() -> None:
    """to_json writes plain names directly: the text must be byte for byte what
    json.dumps(sort_keys=True) gives, names that JSON escapes included (they take
    json.dumps itself), and read back to an equal summary."""
    generator = random.Random(20261207)
    alphabet = string.ascii_letters + "._<>@0123456789 " + '"\\\x01é~\x7f'

    def name() -> str:
        return "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 12)))

    def names() -> tuple[str, ...]:
        return tuple(name() for _ in range(generator.randint(0, 3)))

    for _ in range(2000):
        functions = {
            name(): FunctionSummary(names(), names(), names(), names())
            for _ in range(generator.randint(0, 5))
        }
        summary = ModuleSummary(name(), functions)
        data = {
            "format": "v4",
            "module": summary.module,
            "functions": {
                key: [list(f.blocking), list(f.calls), list(f.io), list(f.coroutines)]
                for key, f in functions.items()
            },
        }
        text = summary.to_json()
        assert text == json.dumps(data, sort_keys=True, separators=(",", ":"))
        assert ModuleSummary.from_json(text, summary.module) == summary

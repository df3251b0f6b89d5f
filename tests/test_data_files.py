"""The catalogue data files: the wheel's JSON twins give what the TOML files say."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mypy_llmtracekit import data_files

NAMES = sorted(p.stem for p in Path(data_files.DATA_DIR).glob("*.toml"))


def _copy(tmp_path: Path, name: str) -> Path:
    shutil.copy(os.path.join(data_files.DATA_DIR, f"{name}.toml"), tmp_path)
    return tmp_path / f"{name}.toml"


@pytest.mark.parametrize("name", NAMES)
def test_twin_gives_what_the_toml_says(tmp_path: Path, name: str) -> None:
    toml = _copy(tmp_path, name)
    parsed = data_files.load(name, str(tmp_path))  # no twin yet: the TOML itself
    (tmp_path / f"{name}.json").write_text(data_files.twin_of(toml.read_bytes()))
    assert data_files.load(name, str(tmp_path)) == parsed


def test_a_twin_of_other_bytes_is_not_read(tmp_path: Path) -> None:
    toml = _copy(tmp_path, "blocking_io")
    (tmp_path / "blocking_io.json").write_text(data_files.twin_of(toml.read_bytes()))
    toml.write_text('[edited]\ninstead = "x"\n')  # a patched install, a checkout
    assert data_files.load("blocking_io", str(tmp_path)) == {"edited": {"instead": "x"}}


def test_a_twin_of_bytes_of_the_same_size_is_not_read(tmp_path: Path) -> None:
    toml = _copy(tmp_path, "transaction_io")
    source = toml.read_bytes()
    (tmp_path / "transaction_io.json").write_text(data_files.twin_of(source))
    edited = source.replace(b'"httpx.request"', b'"httpy.request"', 1)
    assert len(edited) == len(source) and edited != source
    toml.write_bytes(edited)
    loaded = data_files.load("transaction_io", str(tmp_path))
    assert loaded == data_files.tomllib.loads(edited.decode("utf-8"))
    assert loaded != data_files.tomllib.loads(source.decode("utf-8"))


@pytest.mark.parametrize("damage", ["", "{", '{"toml_crc32": 1}', "[]"])
def test_a_damaged_twin_is_not_read(tmp_path: Path, damage: str) -> None:
    _copy(tmp_path, "transaction_io")
    (tmp_path / "transaction_io.json").write_text(damage)
    expected = data_files.load("transaction_io")  # the package's own (no twin in a checkout)
    assert data_files.load("transaction_io", str(tmp_path)) == expected

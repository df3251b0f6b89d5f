"""The catalogues' data files: TOML in the source, with a JSON twin in the wheel.

The TOML files (``data/*.toml``) are what people read, review and edit. tomllib
parses them in pure Python, 57M instructions per run that checks any module; a
wheel's build (``setup.py``) writes beside each a JSON twin that json's C parser
reads in a fraction of that. A twin is read only when it records the size and
CRC-32 of the TOML file beside it, so an edited TOML file (a source checkout, a
patched install) is always read itself. (A checksum, not a cryptographic digest:
it guards against a stale twin, not an adversary, and SHA-256 of both files cost
1M instructions of each run that loads them, CRC-32 0.2M.) Imports nothing of
mypy or of the plugin: the build loads this file alone.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DATA_DIR: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def load(name: str, directory: str = DATA_DIR) -> dict[str, Any]:
    """The content of ``<directory>/<name>.toml``, from its JSON twin when that is current."""
    base = os.path.join(directory, name)
    with open(base + ".toml", "rb") as f:
        source = f.read()
    try:
        with open(base + ".json", encoding="utf-8") as f:
            twin = json.load(f)
    except (OSError, ValueError):
        twin = None
    if isinstance(twin, dict) and twin.get("toml_crc32") == checksum(source):
        data = twin.get("data")
        if isinstance(data, dict):
            return data
    return tomllib.loads(source.decode("utf-8"))


def twin_of(source: bytes) -> str:
    """The JSON twin of a TOML file's bytes: its checksum and its parsed content."""
    data = tomllib.loads(source.decode("utf-8"))
    return json.dumps({"toml_crc32": checksum(source), "data": data}, sort_keys=True)


def checksum(source: bytes) -> str:
    """What a twin records of its TOML file: the size and CRC-32 of its bytes."""
    return f"{len(source)}:{zlib.crc32(source):08x}"

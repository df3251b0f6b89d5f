"""A synchronous blob store, listed in blocking_io_extra."""

from pathlib import Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def read(self, key: str) -> bytes:
        return (self._root / key).read_bytes()

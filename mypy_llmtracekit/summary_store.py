"""Where module summaries live: this process's memory, and files beside mypy's cache.

Split from ``summaries.py`` so that a warm run, which only checks the digests of
the files (``report_config_data(is_check=True)``), imports none of the summary
records and chain searches. See ``summaries.py`` for what a summary is and how it
travels between processes.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_llmtracekit.summaries import ModuleSummary

# Bumped when the file format changes (old files are then never read).
FORMAT = "v3"
NO_SUMMARY = "none"
_SUFFIX = ".json"


def _file(directory: str, module: str) -> str:
    return os.path.join(directory, module + _SUFFIX)


def digest_of(content: bytes) -> str:
    """The digest stored in mypy's cache for a summary file's content.

    A warm run hashes every summary file (the damage check): BLAKE2b, 64 bits, as
    mypy's own cache uses a cryptographic hash for its low chance of accidental
    collision, at half SHA-256's instructions on these files (2.8 KB on average).
    """
    return hashlib.blake2b(content, digest_size=8).hexdigest()


# Binary on every platform (Windows' C runtime opens in text mode without it).
_READ_FLAGS: int = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read(path: str) -> bytes:
    """A summary file's bytes.

    A warm run reads one per module that has one: plain system calls, without the
    file object and buffer ``open()`` builds (a fifth of the instructions).
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        chunks: list[bytes] = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


class SummaryStore:
    """Summaries by module: in this process's memory, and in files beside mypy's cache.

    The directory is listed once per build (``relist``), so that checking, writing or
    removing the file of a module without one, most of them, costs no failed system
    call. That listing is only ever asked about a module by the process that writes
    that module's file (the one checking it, or mypy validating caches before any
    module is checked); every write and removal updates it. Reading another module's
    summary (``load``), which another ``-n`` worker may have written since, never
    consults it.
    """

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.memory: dict[str, ModuleSummary] = {}
        self._listed: set[str] | None = None

    @classmethod
    def for_cache(cls, cache_dir: str | None) -> SummaryStore:
        """A store beside mypy's cache directory (memory only without a cache)."""
        if not cache_dir or cache_dir == os.devnull:
            return cls(None)
        return cls(os.path.join(cache_dir, "mypy_llmtracekit", FORMAT))

    def relist(self) -> None:
        """Forget the listing: the next lookup lists the directory again."""
        self._listed = None

    def _listed_file(self, module: str) -> str | None:
        """The module's file when it is on disk (as listed), else None."""
        if self.directory is None:
            return None
        if self._listed is None:
            try:
                self._listed = {n for n in os.listdir(self.directory) if n.endswith(_SUFFIX)}
            except OSError:
                self._listed = set()
        listed = module + _SUFFIX in self._listed
        return _file(self.directory, module) if listed else None

    def publish(self, summary: ModuleSummary) -> str:
        """Keep ``summary`` and write its file; return the digest for mypy's cache.

        An empty summary has no file (digest ``none``), like a module without one.
        """
        self.memory[summary.module] = summary
        if not summary.functions:
            self._remove(summary.module)
            return NO_SUMMARY
        content = summary.to_json().encode()
        if self.directory is not None:
            self._write_if_changed(summary.module, content)
        return digest_of(content)

    def withdraw(self, module: str) -> str:
        """A module with no summary (third-party, stub): remove any stale file."""
        self.memory.pop(module, None)
        self._remove(module)
        return NO_SUMMARY

    def file_digest(self, module: str) -> str:
        """The digest of the module's summary file as it is on disk now."""
        path = self._listed_file(module)
        if path is None:
            return NO_SUMMARY
        try:
            return digest_of(_read(path))
        except FileNotFoundError:
            return NO_SUMMARY
        except OSError:
            return "unreadable"

    def load(self, module: str) -> ModuleSummary | None:
        """A module's summary from this process, else from its file (validated)."""
        summary = self.memory.get(module)
        if summary is not None:
            return summary
        if self.directory is None:
            return None
        try:
            text = _read(_file(self.directory, module)).decode()
        except (OSError, UnicodeDecodeError):
            return None
        from mypy_llmtracekit.summaries import ModuleSummary

        summary = ModuleSummary.from_json(text, module)
        if summary is not None:
            self.memory[module] = summary
        return summary

    def forget(self, module: str) -> ModuleSummary | None:
        """Drop a module's summary from memory (the daemon re-checked it)."""
        return self.memory.pop(module, None)

    def _write_if_changed(self, module: str, content: bytes) -> None:
        """Write atomically (readers in other processes never see half a file)."""
        assert self.directory is not None
        path = self._listed_file(module)
        if path is not None:
            try:
                if _read(path) == content:
                    return
            except OSError:
                pass
        path = _file(self.directory, module)
        temporary = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(self.directory, exist_ok=True)
            with open(temporary, "wb") as f:
                f.write(content)
            os.replace(temporary, path)
        except OSError:
            # Without the file, the digest check makes the module stale next time.
            return
        if self._listed is not None:
            self._listed.add(module + _SUFFIX)

    def _remove(self, module: str) -> None:
        path = self._listed_file(module)
        if path is None:
            return
        try:
            os.unlink(path)
        except OSError:
            pass
        if self._listed is not None:
            self._listed.discard(module + _SUFFIX)

"""Where module summaries live: this process's memory, and files beside mypy's cache.

Split from ``summaries.py`` so that a warm run, which only checks the digests of
the files (``report_config_data(is_check=True)``), imports none of the summary
records and chain searches. See ``summaries.py`` for what a summary is and how it
travels between processes.

A summary file is one header line, ``<digest> <length>``, then the summary's JSON
(``length`` bytes, ``digest`` their hash). The digest is what mypy stores with the
module's cache (a changed summary changes the module's interface hash). A warm run
checks each file from its header and its size alone: a missing, truncated,
extended or foreign file no longer matches, and mypy re-checks the module. The
body is hashed only when a summary is read (``load``): a file whose bytes were
changed in place, at the same size, is then never used (like mypy, which trusts
a cache file whose modification time it recorded, the warm check trusts the size).
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_llmtracekit.summaries import ModuleSummary

# Bumped when the file format changes (old files are then never read).
FORMAT = "v4"
NO_SUMMARY = "none"
# What the warm check returns for a file that is not one this plugin wrote.
DAMAGED = "damaged"
_SUFFIX = ".json"
# The header: 16 hex digits, a space, the body's length in decimal, a newline.
_DIGEST_LENGTH = 16
_HEADER_MAX = 48


def digest_of(content: bytes) -> str:
    """The digest of a summary's JSON, stored in its file's header and mypy's cache.

    BLAKE2b, 64 bits: mypy's own cache uses a cryptographic hash for its low
    chance of accidental collision; this one costs half of SHA-256's instructions.
    """
    return hashlib.blake2b(content, digest_size=_DIGEST_LENGTH // 2).hexdigest()


def file_content(body: bytes) -> tuple[bytes, str]:
    """A summary file's bytes for the JSON ``body``, and its digest."""
    digest = digest_of(body)
    return b"%s %d\n%s" % (digest.encode(), len(body), body), digest


def header_digest(head: bytes, size: int) -> str:
    """The digest recorded in a file's header; ``DAMAGED`` unless the header has
    the shape ``file_content`` writes and the file's ``size`` agrees with it.

    ``head``: the file's first bytes (its header at least).
    """
    line, newline, _ = head.partition(b"\n")
    digest, _, length = line.partition(b" ")
    if not (newline and length.isdigit()) or len(line) + 1 + int(length) != size:
        return DAMAGED
    if len(digest) != _DIGEST_LENGTH:  # so never NO_SUMMARY or DAMAGED
        return DAMAGED
    # Not checked to be hex: anything but the digest mypy stored is a mismatch.
    return digest.decode("ascii", "replace")


def body_of(content: bytes) -> bytes | None:
    """The JSON of a summary file's ``content``; None unless its header and hash agree."""
    body = content.partition(b"\n")[2]
    digest = header_digest(content, len(content))
    if digest == DAMAGED or digest_of(body) != digest:
        return None
    return body


# Binary on every platform (Windows' C runtime opens in text mode without it).
_READ_FLAGS: int = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read(path: str) -> bytes:
    """A summary file's bytes.

    Plain system calls, without the file object and buffer ``open()`` builds (a
    fifth of the instructions).
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        chunks: list[bytes] = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _read_head(path: str) -> tuple[bytes, int]:
    """A file's first bytes (enough for the header) and its size: one read, one fstat."""
    fd = os.open(path, _READ_FLAGS)
    try:
        return os.read(fd, _HEADER_MAX), os.fstat(fd).st_size
    finally:
        os.close(fd)


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
        # The directory with its separator: a file's path is one concatenation.
        self._prefix: str = os.path.join(directory, "") if directory is not None else ""
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
        return self._path(module) if module + _SUFFIX in self._listed else None

    def _path(self, module: str) -> str:
        return self._prefix + module + _SUFFIX

    def publish(self, summary: ModuleSummary) -> str:
        """Keep ``summary`` and write its file; return the digest for mypy's cache.

        An empty summary has no file (digest ``none``), like a module without one.
        """
        self.memory[summary.module] = summary
        if not summary.functions:
            self._remove(summary.module)
            return NO_SUMMARY
        content, digest = file_content(summary.to_json().encode())
        if self.directory is not None:
            self._write_if_changed(summary.module, content)
        return digest

    def withdraw(self, module: str) -> str:
        """A module with no summary (third-party, stub): remove any stale file."""
        self.memory.pop(module, None)
        self._remove(module)
        return NO_SUMMARY

    def file_digest(self, module: str) -> str:
        """The digest of the module's summary file as it is on disk now.

        Read from the file's header, checked against its size (a warm run calls
        this for every module: the body is neither read nor hashed).
        """
        path = self._listed_file(module)
        if path is None:
            return NO_SUMMARY
        try:
            head, size = _read_head(path)
        except FileNotFoundError:
            return NO_SUMMARY
        except OSError:
            return "unreadable"
        return header_digest(head, size)

    def load(self, module: str) -> ModuleSummary | None:
        """A module's summary from this process, else from its file (validated)."""
        summary = self.memory.get(module)
        if summary is not None:
            return summary
        if self.directory is None:
            return None
        try:
            body = body_of(_read(self._path(module)))
        except OSError:
            return None
        if body is None:
            return None
        try:
            text = body.decode()
        except UnicodeDecodeError:
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
        path = self._path(module)
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

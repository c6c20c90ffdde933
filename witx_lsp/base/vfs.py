"""File access for analysis: an overlay of editor text over the disk.

Only regular files of bounded size are read; everything else is a `ReadFailure`
with a diagnostic code, never an exception, and never a read of a FIFO or device.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadFailure:
    code: str  # E0401 missing, E0402 directory, E0403 special file, E0404 too large, E0405 not UTF-8, E0408 other
    message: str


class SourceProvider(Protocol):
    def canonical(self, path: str) -> str:
        """The path that identifies a file (symlinks and `..` resolved)."""
        ...

    def read(self, path: str) -> str | ReadFailure:
        """The text of the file at a canonical path."""
        ...


def within_limit(text: str, path: str, limit: int = MAX_FILE_BYTES) -> str | ReadFailure:
    """The size limit of files on disk, applied to text from anywhere else (editor
    buffers, memory), so that no text makes one analysis run unboundedly long."""
    if len(text) <= limit // 4:  # at most 4 UTF-8 bytes per code point
        return text
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return text
    return ReadFailure("E0404", f"`{path}` is {size} bytes, over the limit of {limit} bytes")


def _decode(data: bytes, path: str) -> str | ReadFailure:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ReadFailure("E0405", f"`{path}` is not valid UTF-8 (byte {e.start})")
    return text[1:] if text.startswith("\ufeff") else text


class DiskProvider:
    """Reads files from the file system, with an optional overlay of unsaved
    editor text keyed by canonical path."""

    def __init__(self, overlay: Mapping[str, str] | None = None, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.overlay: dict[str, str] = {}
        self.max_bytes = max_bytes
        for path, text in (overlay or {}).items():
            self.overlay[self.canonical(path)] = text

    def canonical(self, path: str) -> str:
        opened = _opened_path(path)
        if opened is not None:
            return opened
        try:
            return os.path.realpath(path)
        except (OSError, ValueError):
            return os.path.abspath(path)

    def canonical_child(self, directory: str, name: str) -> str:
        """`canonical(os.path.join(directory, name))` for a canonical `directory` (a `use`d
        file's): a plain file name that is not a symbolic link costs one `lstat`, not one
        per component of the path as `realpath` does."""
        path = os.path.join(directory, name)
        plain = name not in ("", ".", "..") and os.sep not in name and (os.altsep is None or os.altsep not in name)
        if plain and "\x00" not in path:
            try:
                if not stat.S_ISLNK(os.lstat(path).st_mode):
                    return path
            except OSError:
                return path  # as `realpath`: what cannot be read stays as written
        return self.canonical(path)

    def read(self, path: str) -> str | ReadFailure:
        if path in self.overlay:
            return within_limit(self.overlay[path], path, self.max_bytes)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return ReadFailure("E0401", f"IO error with file {path}: no such file")
        except (OSError, ValueError) as e:
            return ReadFailure("E0408", f"IO error with file {path}: {getattr(e, 'strerror', None) or e}")
        if stat.S_ISDIR(st.st_mode):
            return ReadFailure("E0402", f"`{path}` is a directory, not a witx file")
        if not stat.S_ISREG(st.st_mode):
            return ReadFailure("E0403", f"`{path}` is not a regular file (a FIFO, socket or device); it is not read")
        if st.st_size > self.max_bytes:
            return ReadFailure("E0404", f"`{path}` is {st.st_size} bytes, over the limit of {self.max_bytes} bytes")
        try:
            # O_NONBLOCK: should the file be swapped for a FIFO after stat, open must not hang.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return ReadFailure("E0403", f"`{path}` is not a regular file; it is not read")
                data = _read_all(fd, self.max_bytes + 1, st.st_size)
            finally:
                os.close(fd)
        except OSError as e:
            return ReadFailure("E0408", f"IO error with file {path}: {e.strerror or e}")
        if len(data) > self.max_bytes:
            return ReadFailure("E0404", f"`{path}` is over the limit of {self.max_bytes} bytes")
        return _decode(data, path)


_O_PATH = getattr(os, "O_PATH", 0) if sys.platform.startswith("linux") else 0


def _opened_path(path: str) -> str | None:
    """`os.path.realpath(path)` for a file that exists, on Linux: the kernel names the file a
    descriptor refers to in /proc/self/fd, resolved as `realpath` resolves it. One open, one
    readlink and one close instead of an `lstat` per component of the path (each a system call
    of 1-2 us in sandboxes, about 20 us for a path 8 directories deep). None when the file
    cannot be opened so (missing, dangling link, no /proc, ...): `realpath` answers then."""
    if not _O_PATH:
        return None
    try:
        fd = os.open(path, _O_PATH | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        named = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    finally:
        os.close(fd)
    # Not a path (a file outside the process' root) or a file deleted meanwhile: ask `realpath`.
    if not named.startswith("/") or named.endswith(" (deleted)"):
        return None
    return named


def _read_all(fd: int, limit: int, size: int) -> bytes:
    """At most `limit` bytes of `fd` (a regular file of `size` bytes by its `stat`), in reads of
    more than `size` bytes. A first read that returns fewer bytes than asked, exactly `size` of
    them, reached the end (one system call fewer per file); anything else (a file that grew,
    or a size of 0 as /proc's files have) reads on until a read returns nothing."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        ask = min(left, max(size + 1, 1 << 16))
        chunk = os.read(fd, ask)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        if size and len(chunks) == 1 and len(chunk) == size < ask:
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class MemoryProvider:
    """Files held in memory (tests, witxt inline documents). Paths are POSIX-like;
    canonical form normalises `.` and `..`."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = {self.canonical(p): t for p, t in files.items()}

    def canonical(self, path: str) -> str:
        return os.path.normpath(path)

    def read(self, path: str) -> str | ReadFailure:
        if path in self.files:
            return self.files[path]
        return ReadFailure("E0401", f"IO error with file {path}: no such file")

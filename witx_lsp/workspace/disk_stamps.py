"""Seeing files change on disk without file watching.

Neovim registers no file watchers on Linux by default (runtime/lua/vim/lsp/protocol.lua
of 0.11: `didChangeWatchedFiles.dynamicRegistration` only on macOS and Windows), so an
edit made outside the editor (a `git checkout`, a generator) would only be seen at the
next keystroke. Instead, the stamp (modification time, size, inode) of every file an
analysis read from disk is kept, and compared when the analysis is next used: one
`stat` per file, a few microseconds each.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

Stamp = tuple[int, int, int] | None  # (mtime_ns, size, inode); None: the file did not exist


def stamp_of(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class DiskStamps:
    """The stamps of the files analyses read from disk (and of the files they tried to
    `use` that did not exist)."""

    def __init__(self) -> None:
        self.stamps: dict[str, Stamp] = {}

    def record(self, paths: Iterable[str]) -> None:
        for p in paths:
            self.stamps[p] = stamp_of(p)

    def forget(self, path: str) -> None:
        self.stamps.pop(path, None)

    def changed(self, paths: Iterable[str]) -> list[str]:
        """The recorded files among `paths` whose stamp differs from the disk's now
        (each is then forgotten until it is recorded again)."""
        out = []
        for p in paths:
            if p in self.stamps and stamp_of(p) != self.stamps[p]:
                del self.stamps[p]
                out.append(p)
        return out

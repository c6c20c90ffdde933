"""The descriptor table of the preview1 host, numbered as wasmtime's
preview1 adapter numbers it (crates/wasi/src/preview1.rs, `Descriptors`):
0-2 are stdio, the preopened directories follow in order, a new descriptor
takes the highest number freed by `fd_close` if any (`free.pop_last()`), else
one more than the highest in use."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field


@dataclass
class Stdio:
    """fd 0, 1 or 2: a host fd (or None: stdin reads as closed, output is dropped)."""

    number: int
    host_fd: int | None
    isatty: bool

    @property
    def output(self) -> bool:
        return self.number != 0


@dataclass
class Directory:
    host_fd: int
    preopen_path: str | None  # the guest name of a preopened directory; None if opened by path_open
    read: bool = True  # the DescriptorFlags READ of wasi:filesystem (fd_read requested)
    write: bool = False


@dataclass
class File:
    host_fd: int
    read: bool
    write: bool
    append: bool = False
    nonblock: bool = False
    position: int = 0


Descriptor = Stdio | Directory | File


@dataclass
class FdTable:
    used: dict[int, Descriptor] = field(default_factory=dict)
    free: set[int] = field(default_factory=set)

    def get(self, fd: int) -> Descriptor | None:
        return self.used.get(fd)

    def push(self, desc: Descriptor) -> int:
        if self.free:
            fd = max(self.free)
            self.free.discard(fd)
        else:
            fd = max(self.used, default=-1) + 1
        self.used[fd] = desc
        return fd

    def remove(self, fd: int) -> Descriptor | None:
        desc = self.used.pop(fd, None)
        if desc is not None:
            self.free.add(fd)
        return desc

    def renumber(self, fd: int, to: int) -> bool:
        if fd not in self.used:
            return False
        if fd != to:
            desc = self.used.pop(fd)
            self.free.add(fd)
            self.free.discard(to)
            old = self.used.get(to)
            self.used[to] = desc
            if old is not None:
                close_host(old)
        return True

    def close_all(self) -> None:
        for desc in self.used.values():
            close_host(desc)
        self.used.clear()
        self.free.clear()


def close_host(desc: Descriptor) -> None:
    """Close the host fd a descriptor owns (stdio fds belong to the embedder)."""
    if isinstance(desc, (File, Directory)):
        with contextlib.suppress(OSError):
            os.close(desc.host_fd)

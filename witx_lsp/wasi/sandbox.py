"""Path resolution under a preopened directory that no path can leave.

A guest path is walked one component at a time with openat-style calls
(`os.open(name, O_PATH | O_DIRECTORY | O_NOFOLLOW, dir_fd=parent)`), never as
a string handed to the OS: every intermediate directory is opened relative to
the one before without following symlinks, so a directory swapped for a
symlink between two calls (a race) cannot lead outside. Symlinks met on the
way are read (`readlinkat`) and their target spliced into the walk, under the
same rules. The operation itself then runs on `(directory fd, final name)`
with `*at` calls and no-follow flags.

The errors are those of wasmtime's host, whose path resolution is cap-std's
(`cap-primitives`: `open_beneath` / `openat2(RESOLVE_BENEATH)` on Linux):

* an absolute path, a `..` above the preopened directory, or a symlink whose
  target is absolute or climbs above it: `perm` (cap-std's "a path led outside
  of the filesystem" is `PermissionDenied`, wasi:filesystem `not-permitted`);
* more than 40 symlink expansions (Linux's MAXSYMLINKS, cap-std's
  MAX_SYMLINK_EXPANSIONS): `loop`;
* an empty path: `noent`; a NUL byte in the path: `inval`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

MAX_SYMLINK_EXPANSIONS = 40
_DIR_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class PathError(Exception):
    """A guest path refused before the OS saw it (`errno` is the WASI case)."""

    def __init__(self, errno_name: str) -> None:
        super().__init__(errno_name)
        self.errno_name = errno_name


@dataclass
class Resolved:
    """`name` (one component, `.` for the directory itself) in the directory
    open as `dir_fd`. `must_be_dir`: the guest path ended with `/`."""

    dir_fd: int
    name: str
    must_be_dir: bool
    owned: list[int] = field(default_factory=list)

    def close(self) -> None:
        for fd in self.owned:
            os.close(fd)
        self.owned.clear()


def _readlink(name: str, dir_fd: int) -> str | None:
    try:
        return os.readlink(name, dir_fd=dir_fd)
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.ENOENT, errno.ENOTDIR):
            return None  # not a symlink (or nothing there: the caller's call reports it)
        raise


def _last(rest: list[str]) -> bool:
    """No component after this one but trailing slashes."""
    return all(c == "" for c in rest)


def resolve_path(root_fd: int, path: str, follow: bool) -> Resolved:
    """Walk `path` from the directory `root_fd` (which is not closed). `follow`:
    a symlink in the final position is followed too. Raises PathError or OSError;
    the caller closes the result."""
    if path == "":
        raise PathError("noent")
    if "\0" in path:
        raise PathError("inval")
    if path.startswith("/"):
        raise PathError("perm")
    must_be_dir = path.endswith("/")
    rest = path.split("/")
    rest.reverse()  # a stack: the next component is rest[-1]
    stack = [root_fd]
    owned: list[int] = []
    links = 0
    try:
        while rest:
            c = rest.pop()
            if c in ("", "."):
                continue
            if c == "..":
                if len(stack) == 1:
                    raise PathError("perm")
                stack.pop()
                os.close(owned.pop())
                continue
            top = stack[-1]
            if _last(rest):
                target = _readlink(c, top) if (follow or must_be_dir) else None
            else:
                try:
                    fd = os.open(c, _DIR_FLAGS, dir_fd=top)
                except OSError as e:
                    if e.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    target = _readlink(c, top)
                    if target is None:
                        raise
                else:
                    stack.append(fd)
                    owned.append(fd)
                    continue
            if target is None:
                return Resolved(top, c, must_be_dir, owned)
            links += 1
            if links > MAX_SYMLINK_EXPANSIONS:
                raise PathError("loop")
            if target.startswith("/"):
                raise PathError("perm")
            if target == "":
                raise PathError("noent")
            rest.extend(reversed(target.split("/")))
        return Resolved(stack[-1], ".", True, owned)
    except BaseException:
        for fd in owned:
            os.close(fd)
        raise


@contextmanager
def resolved(root_fd: int, path: str, follow: bool) -> Iterator[Resolved]:
    r = resolve_path(root_fd, path, follow)
    try:
        yield r
    finally:
        r.close()

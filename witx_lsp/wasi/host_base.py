"""Shared state and helpers of the preview1 host's function groups."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec, Union

from witx_lsp.wasi.errnos import errno_name
from witx_lsp.wasi.fdtable import Directory, FdTable, File, Stdio
from witx_lsp.wasi.sandbox import PathError
from witx_lsp.wiggle.runtime import Err, Ok, StrPtr

# What every host method returns: Ok(value) or Err(errno case name).
R = Union[Ok[Any], Err[Any]]  # noqa: UP007 (an errno case name; Any so that the generated Protocol's Literal fits)
P = ParamSpec("P")


@dataclass
class WasiConfig:
    """What the guest sees: argv, environment, preopened directories
    (host path, guest path) in fd order from 3, and the host fds behind stdio
    (None: stdin reads as closed, output is discarded)."""

    args: Sequence[str] = ()
    env: Sequence[tuple[str, str]] = ()
    preopens: Sequence[tuple[str, str]] = ()
    stdin: int | None = None
    stdout: int | None = 1
    stderr: int | None = 2
    random: Any = field(default=os.urandom)


class WasiError(Exception):
    """Ends a host method early with an errno (caught by `guarded`)."""

    def __init__(self, errno: str) -> None:
        super().__init__(errno)
        self.errno = errno


class HostBase:
    table: FdTable
    config: WasiConfig
    all_rights: frozenset[str]

    def descriptor(self, fd: int) -> Stdio | Directory | File:
        desc = self.table.used.get(fd)
        if desc is None:
            raise WasiError("badf")
        return desc

    def dir_fd(self, fd: int) -> Directory:
        """wasmtime's `get_dir_fd`: anything but a directory is `badf`."""
        desc = self.table.used.get(fd)
        if type(desc) is not Directory:
            raise WasiError("badf")
        return desc

    def file(self, fd: int) -> File:
        desc = self.table.used.get(fd)
        if type(desc) is not File:
            raise WasiError("badf")
        return desc

    def seekable(self, fd: int) -> File:
        """wasmtime's `get_seekable`: stdio is `spipe`, other non-files `badf`."""
        desc = self.table.used.get(fd)
        if type(desc) is File:
            return desc
        raise WasiError("spipe" if type(desc) is Stdio else "badf")


def guest_str(p: StrPtr) -> str:
    """The string a guest passed (wasmtime's `read_string`: invalid UTF-8 is `ilseq`)."""
    try:
        return p.as_bytes().to_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise WasiError("ilseq") from None


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn WasiError, PathError and OSError raised by a host method into Err(errno)."""
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except WasiError as e:
            return Err(e.errno)
        except PathError as e:
            return Err(e.errno_name)
        except OSError as e:
            return Err(errno_name(e))
    return functools.wraps(method)(wrapper)

"""`WasiHost`: wasi_snapshot_preview1 implemented in Python, as an
implementation object for the wiggle runtime's `add_to_linker` (one method
per witx function, taking the lifted values and returning Ok/Err, like the
Protocol `generate_protocol` writes for the module)."""

from __future__ import annotations

import os
from typing import Any

from witx_lsp.model.types import Document
from witx_lsp.wasi.fdtable import Directory, FdTable, Stdio
from witx_lsp.wasi.host_base import WasiConfig
from witx_lsp.wasi.host_fd import FdHost
from witx_lsp.wasi.host_misc import MiscHost
from witx_lsp.wasi.host_path import PathHost
from witx_lsp.wiggle.runtime import AbiFunction, EnumGuestType, FlagsGuestType, TypeSpace, add_to_linker

MODULE = "wasi_snapshot_preview1"


class WasiHost(FdHost, PathHost, MiscHost):
    """The guest's view of the host: `config` (argv, env, preopens, stdio);
    `document` is the witx that declares wasi_snapshot_preview1 (read from a
    path by the caller), from which the flag and enum values are taken."""

    def __init__(self, config: WasiConfig, document: Document) -> None:
        types = TypeSpace(document)
        rights = types.named("rights")
        ftype = types.named("filetype")
        if not isinstance(rights, FlagsGuestType) or not isinstance(ftype, EnumGuestType):
            raise ValueError("the document does not declare preview1's `rights` flags and `filetype` enum")
        self.all_rights = frozenset(rights.flags)
        self.filetype_tags = {c: ftype.to_tag(c) for c in ftype.cases}
        self.config = config
        self.argv = [a.encode() for a in config.args]
        self.environ = [f"{k}={v}".encode() for k, v in config.env]
        self.table = FdTable()
        for number, host in enumerate((config.stdin, config.stdout, config.stderr)):
            self.table.push(Stdio(number, host, host is not None and os.isatty(host)))
        try:
            for host_dir, guest in config.preopens:
                fd = os.open(host_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                self.table.push(Directory(fd, guest))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close every host fd the guest opened (and the preopened directories)."""
        self.table.close_all()

    def __enter__(self) -> WasiHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def add_wasi_to_linker(linker: Any, document: Document, host: object) -> list[AbiFunction]:
    """Define wasi_snapshot_preview1 in a wasmtime `Linker` with `host` (a
    WasiHost, or a tracing wrapper around one)."""
    return add_to_linker(linker, document, MODULE, host)

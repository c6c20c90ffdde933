"""A WAT guest that forwards to every wasi_snapshot_preview1 import (export
`call_<name>` with the import's core signature, from the corpus witx via
`wasm_signature`), run against wasmtime's real WASI host (`define_wasi`) or
against this runtime's `add_to_linker`; and a Python implementation of a
subset of preview1 that behaves as the real host does for it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from witx_lsp.abi import AbiError, wasm_signature
from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import Document
from witx_lsp.wiggle.runtime import (
    U8,
    U32,
    Err,
    GuestPtr,
    Ok,
    SlicePtr,
    TypeSpace,
    add_to_linker,
)

MODULE = "wasi_snapshot_preview1"
_DOCS: dict[str, Document] = {}


def preview1(path: str) -> Document:
    if path not in _DOCS:
        a = analyze([path])
        assert not [d for d in a.diagnostics if d.severity.name == "ERROR"]
        _DOCS[path] = a.document
    return _DOCS[path]


def guest_wat(doc: Document, module: str = MODULE) -> str:
    mod = doc.module(module)
    assert mod is not None
    lines = ["(module"]
    sigs = []
    for f in mod.funcs:
        sig = wasm_signature(f)
        assert not isinstance(sig, AbiError)
        sigs.append((f.name, sig))
        lines.append(f'  (import "{module}" "{f.name}" (func ${f.name} {sig.text()}))')
    lines.append('  (memory (export "memory") 1)')
    for name, sig in sigs:
        gets = " ".join(f"(local.get {i})" for i in range(len(sig.params)))
        lines.append(f'  (func (export "call_{name}") {sig.text()} (call ${name} {gets}))')
    lines.append(")")
    return "\n".join(lines)


class Guest:
    """One instance of the forwarding guest. `call(name, *args)` calls the
    import through its forwarder; `mem` is a BytearrayMemory-like view of the
    guest memory for encoding inputs and decoding outputs (the runtime reads
    and writes wasm memory in place)."""

    def __init__(self, engine: Any, module: Any, store: Any, linker: Any, doc: Document) -> None:
        from witx_lsp.wiggle.runtime import WasmtimeMemory
        self.store = store
        self.instance = linker.instantiate(store, module)
        self.exports = self.instance.exports(store)
        self.memory = self.exports["memory"]
        self.mem = WasmtimeMemory(self.memory, store)
        self.types = TypeSpace(doc)

    def call(self, name: str, *args: int) -> Any:
        self.mem.refresh()
        return self.exports[f"call_{name}"](self.store, *args)

    def snapshot(self) -> bytes:
        return bytes(self.memory.read(self.store, 0, self.memory.data_len(self.store)))

    def ptr(self, type_name: str, offset: int) -> GuestPtr[Any]:
        return GuestPtr(self.mem, offset, self.types.named(type_name))

    def put(self, offset: int, data: bytes) -> None:
        self.mem.base()[offset:offset + len(data)] = data

    def get(self, offset: int, n: int) -> bytes:
        return bytes(self.mem.base()[offset:offset + n])

    def u32(self, offset: int) -> int:
        return U32.read(self.mem, offset)


@contextmanager
def real_host(wat: str, doc: Document, configure: Callable[[Any], None]) -> Iterator[Guest]:
    from wasmtime import Engine, Linker, Module, Store, WasiConfig
    engine = Engine()
    module = Module(engine, wat)
    store = Store(engine)
    wasi = WasiConfig()
    configure(wasi)
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    try:
        yield Guest(engine, module, store, linker, doc)
    finally:
        store.close()


@contextmanager
def own_host(wat: str, doc: Document, implementation: object) -> Iterator[Guest]:
    from wasmtime import Engine, Linker, Module, Store
    engine = Engine()
    module = Module(engine, wat)
    store = Store(engine)
    linker = Linker(engine)
    add_to_linker(linker, doc, MODULE, implementation)
    try:
        yield Guest(engine, module, store, linker, doc)
    finally:
        store.close()


def _c_strings(items: list[bytes]) -> tuple[int, int]:
    return len(items), sum(len(i) + 1 for i in items)


class PyWasi:
    """args, environ, clocks, fd_write (into buffers) and random_get, the way
    wasmtime-wasi's preview1 answers them (a short write: only the first
    non-empty iovec; unknown fds: badf; CPU-time clocks: badf)."""

    def __init__(self, argv: list[str], env: list[tuple[str, str]]) -> None:
        self.argv = [a.encode() for a in argv]
        self.env = [f"{k}={v}".encode() for k, v in env]
        self.out: dict[int, bytearray] = {1: bytearray(), 2: bytearray()}
        self.random = os.urandom

    # args and environ: the pointers, then the NUL-terminated strings, packed at argv_buf
    def _put_strings(self, items: list[bytes], ptrs: GuestPtr[Any], buf: GuestPtr[int]) -> Ok[None]:
        at = buf.offset()
        p = ptrs
        mem = ptrs.mem()
        for item in items:
            # the pointer, the bytes, then the NUL, one string after the other (as wasmtime-wasi writes them)
            p.write(GuestPtr(mem, at, U8))
            SlicePtr(mem, at, len(item), U8).copy_from_slice(item)
            GuestPtr(mem, at + len(item), U8).write(0)
            at += len(item) + 1
            p = p.add(1)
        return Ok(None)

    def args_sizes_get(self) -> Ok[tuple[int, int]]:
        return Ok(_c_strings(self.argv))

    def args_get(self, argv: GuestPtr[Any], argv_buf: GuestPtr[int]) -> Ok[None]:
        return self._put_strings(self.argv, argv, argv_buf)

    def environ_sizes_get(self) -> Ok[tuple[int, int]]:
        return Ok(_c_strings(self.env))

    def environ_get(self, environ: GuestPtr[Any], environ_buf: GuestPtr[int]) -> Ok[None]:
        return self._put_strings(self.env, environ, environ_buf)

    def clock_res_get(self, id_: str) -> Ok[int] | Err[str]:
        if id_ in ("realtime", "monotonic"):
            return Ok(1)
        return Err("badf")

    def clock_time_get(self, id_: str, precision: int) -> Ok[int] | Err[str]:
        if id_ == "realtime":
            return Ok(time.time_ns())
        if id_ == "monotonic":
            return Ok(time.monotonic_ns())
        return Err("badf")

    def fd_write(self, fd: int, iovs: SlicePtr[Any]) -> Ok[int] | Err[str]:
        if fd not in self.out:
            return Err("badf")
        for iov in iovs.iter():
            rec = iov.read()
            if rec.buf_len:
                self.out[fd] += rec.buf.as_array(rec.buf_len).to_bytes()
                return Ok(rec.buf_len)
        return Ok(0)

    def random_get(self, buf: GuestPtr[int], buf_len: int) -> Ok[None]:
        if buf_len:  # nothing to fill: the pointer is not even checked
            buf.as_array(buf_len).copy_from_slice(self.random(buf_len))
        return Ok(None)

    def proc_exit(self, rval: int) -> BaseException:
        return SystemExit(rval)

    def __getattr__(self, name: str) -> Any:
        # every other function: not implemented here (the guest never calls them)
        def nosys(*args: Any) -> Err[str]:
            return Err("nosys")
        return nosys



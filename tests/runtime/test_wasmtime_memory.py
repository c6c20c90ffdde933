"""WasmtimeMemory over a wasmtime-py Memory (with a store or through the
Caller) and over a SharedMemory, viewed in place; add_to_linker's memory
lookup ("missing required memory export") and the end of a view's life."""

from __future__ import annotations

from typing import Any

import pytest
from wasmtime import Config, Engine, Limits, Linker, Memory, MemoryType, Module, SharedMemory, Store

from witx_lsp.model.analysis import analyze_text
from witx_lsp.wiggle.runtime import (
    U8,
    U32,
    GuestPtr,
    InFunc,
    MissingMemoryExport,
    Ok,
    PtrOutOfBounds,
    Region,
    SlicePtr,
    StrPtr,
    WasmtimeMemory,
    add_to_linker,
)

WITX = """
(typename $n u32)
(typename $errno (enum (@witx tag u32) $ok $inval))
(module $host
  (@interface func (export "shout") (param $s string) (result $e (expected $n (error $errno)))))
"""


def guest(memory_decl: str) -> str:
    return f"""(module
  (import "host" "shout" (func $shout (param i32 i32 i32) (result i32)))
  {memory_decl}
  (data (i32.const 16) "hello")
  (func (export "go") (param i32 i32 i32) (result i32)
    (call $shout (local.get 0) (local.get 1) (local.get 2))))"""


class Shout:
    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.kept: StrPtr | None = None
        self.leaked: Any = None

    def shout(self, s: StrPtr) -> Any:
        self.kept = s
        self.leaked = SlicePtr(s.mem(), 0, 4, U8).as_slice()  # a borrow kept past the call
        view = s.as_str()
        if view is None:  # shared memory: no safe view, copy instead
            self.seen.append(("shared", s.as_bytes().to_bytes().decode()))
        else:
            with view:
                self.seen.append(("unshared", str(view)))
        s.as_bytes().copy_from_slice(s.as_bytes().to_bytes().upper())
        return Ok(len(s))


def doc() -> Any:
    a = analyze_text(WITX)
    assert not a.diagnostics, a.diagnostics
    return a.document


def test_memory_with_a_store_is_viewed_in_place() -> None:
    engine = Engine()
    store = Store(engine)
    memory = Memory(store, MemoryType(Limits(1, 2)))
    mem = WasmtimeMemory(memory, store)
    assert len(mem.base()) == 65536 and not mem.is_shared_memory()
    GuestPtr(mem, 8, U32).write(0xDEADBEEF)
    assert bytes(memory.read(store, 8, 12)) == bytes.fromhex("efbeadde")
    memory.write(store, b"xyz", 100)
    assert SlicePtr(mem, 100, 3, U8).to_bytes() == b"xyz"
    memory.grow(store, 1)
    mem.refresh()  # the memory may have moved
    assert len(mem.base()) == 2 * 65536
    mem.close()
    with pytest.raises(ValueError, match="after its host call returned"):
        GuestPtr(mem, 8, U32).read()
    with pytest.raises(TypeError):
        WasmtimeMemory(memory)
    store.close()


def test_host_calls_through_the_caller() -> None:
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    impl = Shout()
    add_to_linker(linker, doc(), "host", impl)
    exports = linker.instantiate(store, Module(engine, guest('(memory (export "memory") 1)'))).exports(store)
    assert exports["go"](store, 16, 5, 32) == 0
    memory = exports["memory"]
    assert bytes(memory.read(store, 16, 21)) == b"HELLO" and bytes(memory.read(store, 32, 36)) == b"\x05\0\0\0"
    assert impl.seen == [("unshared", "hello")]
    # the memory of a finished call cannot be used any more
    assert impl.kept is not None
    with pytest.raises(ValueError, match="after its host call returned"):
        impl.kept.as_str()
    # a view kept past the call was released with it
    assert impl.leaked is not None and impl.leaked.released
    with pytest.raises(ValueError, match="released"):
        _ = impl.leaked.view
    with pytest.raises(InFunc) as e:
        exports["go"](store, 16, 5, 65534)
    assert e.value == InFunc("host", "shout", "write n", PtrOutOfBounds(Region(65534, 4)))
    store.close()


def test_shared_memory_through_the_caller() -> None:
    cfg = Config()
    cfg.wasm_threads = True
    cfg.shared_memory = True
    engine = Engine(cfg)
    store = Store(engine)
    linker = Linker(engine)
    impl = Shout()
    add_to_linker(linker, doc(), "host", impl)
    exports = linker.instantiate(store, Module(engine, guest('(memory (export "memory") 1 1 shared)'))).exports(store)
    assert exports["go"](store, 16, 5, 32) == 0
    assert impl.seen == [("shared", "hello")]
    shared = exports["memory"]
    assert isinstance(shared, SharedMemory)
    mem = WasmtimeMemory(shared)
    assert mem.is_shared_memory() and StrPtr(mem, 16, 5).as_str() is None
    assert SlicePtr(mem, 16, 5, U8).to_bytes() == b"HELLO" and U32.read(mem, 32) == 5
    store.close()


def test_missing_memory_export() -> None:
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    add_to_linker(linker, doc(), "host", Shout())
    go = linker.instantiate(store, Module(engine, guest('(memory 1) (export "mem" (memory 0))'))).exports(store)["go"]
    with pytest.raises(MissingMemoryExport, match="missing required memory export"):
        go(store, 16, 5, 32)
    store.close()

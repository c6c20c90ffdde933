"""A WAT guest run on wasmtime-py against this runtime's `add_to_linker` with
the project's own fixture (tests/fixtures/greenhouse.witx) and the Python
implementation in tests/support/greenhouse.py, so the host path runs on a fresh
clone.

The guest is written by hand: its imports spell the core signatures worked out
in tests/abi/test_streams_own.py (wasmtime refuses to link an import whose
type differs from the host function's), and it builds its arguments with wasm
stores at the hand-computed offsets of tests/layout/test_layout_own.py and
reads the results back with wasm loads. test_own_host.py and
test_real_host.py keep the comparison with wasmtime's real WASI host on the
corpus preview1 as the cross-check."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.greenhouse import Greenhouse, greenhouse
from witx_lsp.wiggle.runtime import add_to_linker

wasmtime = pytest.importorskip("wasmtime")

IMPORTS = {
    "open_tray": "(param i32 i32 i32) (result i32)",
    "inspect_bed": "(param i32 i32) (result i32)",
    "measure": "(param i32 i32 i32 i32) (result i32)",
    "switch": "(param i32 i32 i32 i64 i32) (result i32)",
    "engrave": "(param i32 i32 i32 i32 i32 i32) (result i32)",
    "tune": "(param i32 i32 i32 i32 i64 i64 f32 f64 i32) (result i32)",
    "nudge": "(param i64)",
    "halt": "(param i32)",
}

GUEST = """
(module
{imports}
  (memory (export "memory") 1)
  (data (i32.const 1024) "G\\c3\\a4rtner")
  ;; build a $bed at 64 with stores (row @0, last.sensor @8, last.celsius @16, last.humidity @24,
  ;; plants @32, soil @36), ask for its reading at 128, return the reading's celsius (@8)
  (func (export "bed_celsius") (param $row i32) (param $celsius f64) (result f64)
    (i32.store8 (i32.const 64) (local.get $row))
    (i32.store8 (i32.const 72) (i32.const 9))
    (f64.store (i32.const 80) (local.get $celsius))
    (i32.store16 (i32.const 88) (i32.const 640))
    (i32.store (i32.const 96) (i32.const 12))
    (i32.store16 (i32.const 100) (i32.const 1))
    (if (call $inspect_bed (i32.const 64) (i32.const 128)) (then unreachable))
    (f64.load (i32.const 136)))
  ;; engrave the 8-byte label of the data segment into 2048; return the count stored at 2040
  (func (export "engrave_label") (param $width i32) (result i32)
    (local $status i32)
    (local.set $status
      (call $engrave (i32.const 1024) (i32.const 8) (i32.const 71) (local.get $width) (i32.const 2048)
                     (i32.const 2040)))
    (if (result i32) (local.get $status)
      (then (i32.sub (i32.const 0) (local.get $status)))
      (else (i32.load (i32.const 2040)))))
{forwarders}
)
"""


def guest_wat() -> str:
    imports = "\n".join(f'  (import "greenhouse" "{n}" (func ${n} {sig}))' for n, sig in IMPORTS.items())
    forwarders = []
    for name, sig in IMPORTS.items():
        n = sig.count(" ", 0, sig.find(")")) if sig.startswith("(param") else 0
        gets = " ".join(f"(local.get {i})" for i in range(n))
        forwarders.append(f'  (func (export "call_{name}") {sig} (call ${name} {gets}))')
    return GUEST.format(imports=imports, forwarders="\n".join(forwarders))


class Instance:
    def __init__(self, store: Any, instance: Any) -> None:
        self.store = store
        self.exports = instance.exports(store)
        self.memory = self.exports["memory"]

    def __call__(self, name: str, *args: Any) -> Any:
        return self.exports[name](self.store, *args)

    def read(self, offset: int, n: int) -> bytes:
        return bytes(self.memory.read(self.store, offset, offset + n))

    def write(self, offset: int, data: bytes) -> None:
        self.memory.write(self.store, data, offset)


@pytest.fixture
def impl() -> Greenhouse:
    return Greenhouse()


@pytest.fixture
def guest(impl: Greenhouse) -> Iterator[Instance]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    funcs = add_to_linker(linker, greenhouse(), "greenhouse", impl)
    assert len(funcs) == 14
    try:
        yield Instance(store, linker.instantiate(store, wasmtime.Module(engine, guest_wat())))
    finally:
        store.close()


def test_guest_builds_a_record_and_reads_the_result(guest: Instance, impl: Greenhouse) -> None:
    assert guest("bed_celsius", 3, 21.5) == 43.0
    bed = impl.seen[0][1]
    assert (bed.row, bed.last.sensor, bed.last.celsius, bed.last.humidity, bed.plants, bed.soil) == \
        (3, 9, 21.5, 640, 12, "loam")
    assert struct.unpack("<B7xdH6x", guest.read(128, 24)) == (12, 43.0, 12)


def test_guest_passes_a_string_and_a_buffer(guest: Instance, impl: Greenhouse) -> None:
    assert guest("engrave_label", 20) == 8
    assert guest.read(2048, 8) == "Gärtner".encode()
    assert impl.seen[0] == ("engrave", ("Gärtner", 71, 20))
    assert guest("engrave_label", 3) == -2  # out_of_range, negated by the guest


def test_forwarded_calls_and_out_pointers(guest: Instance, impl: Greenhouse) -> None:
    assert guest("call_open_tray", 7, 1, 16) == 0 and struct.unpack("<I", guest.read(16, 4)) == (107,)
    assert guest("call_open_tray", 7, 3, 16) == 3  # winter: busy
    guest.write(200, struct.pack("<hxxfB3x", 4, 2.5, 21))
    assert guest("call_measure", 200, 1, 32, 40) == 0
    assert struct.unpack("<I", guest.read(32, 4)) == (42,) and guest.read(40, 1) == b"\x02"
    assert guest("call_switch", 0b1, 0b1, 0b1, 0b11, 48) == 0 and struct.unpack("<Q", guest.read(48, 8)) == (1,)
    # i64, f32 and f64 arguments arrive as wasm values; u64 from a negative i64
    assert guest("call_tune", -1, -2, 3, -4, -5, -6, 0.5, 0.25, 56) == 0
    assert impl.seen[-1] == ("tune", (-1, -2, 3, -4, 2**64 - 5, -6, 0.5, 0.25))
    assert struct.unpack("<Q", guest.read(56, 8)) == (1,)
    assert guest("call_nudge", -1) is None
    assert impl.seen[-1:] == [("nudge", 2**64 - 1)]


@pytest.mark.parametrize(("name", "args", "message"), [
    ("call_open_tray", (7, 9, 16),
     "In func greenhouse::open_tray at convert Season: Invalid enum value Season"),
    ("call_open_tray", (7, 0, 65530),
     "In func greenhouse::open_tray at write tray: Pointer not aligned to 4: Region { start: 65530, len: 4 }"),
    ("call_open_tray", (7, 0, 65536),
     "In func greenhouse::open_tray at write tray: Pointer out of bounds: Region { start: 65536, len: 4 }"),
    ("call_switch", (0, 0, 0, -1, 48),
     "In func greenhouse::switch at convert History: Int conversion error"),
    ("call_measure", (200, 0, 34, 40),
     "In func greenhouse::measure at write count: Pointer not aligned to 4: Region { start: 34, len: 4 }"),
])
def test_traps_carry_wiggles_messages(guest: Instance, name: str, args: tuple[int, ...], message: str) -> None:
    with pytest.raises(Exception) as e:
        guest(name, *args)
    assert message in str(e.value)


def test_noreturn_traps_with_the_implementations_exception(guest: Instance) -> None:
    with pytest.raises(SystemExit) as e:
        guest("call_halt", 5)
    assert e.value.code == 5


def test_a_guest_without_memory_traps(impl: Greenhouse) -> None:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    add_to_linker(linker, greenhouse(), "greenhouse", impl)
    wat = ('(module (import "greenhouse" "count_trays" (func $c (param i32) (result i32)))'
           ' (func (export "run") (result i32) (call $c (i32.const 0))))')
    inst = linker.instantiate(store, wasmtime.Module(engine, wat))
    with pytest.raises(Exception) as e:
        inst.exports(store)["run"](store)
    assert "missing required memory export" in str(e.value)
    store.close()


def test_a_wrong_import_signature_does_not_link(impl: Greenhouse) -> None:
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    add_to_linker(linker, greenhouse(), "greenhouse", impl)
    # switch's history is u64 flags: i64, not i32
    wat = '(module (import "greenhouse" "switch" (func (param i32 i32 i32 i32 i32) (result i32))))'
    with pytest.raises(wasmtime.WasmtimeError, match="incompatible import type"):
        linker.instantiate(wasmtime.Store(engine), wasmtime.Module(engine, wat))

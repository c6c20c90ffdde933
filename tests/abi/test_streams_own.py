"""Core signatures and `call_wasm` / `call_interface` instruction streams of
every function of the project's own fixtures (tests/fixtures/greenhouse.witx
and oddities.witx), so the ABI is checked on a fresh clone.

Each expected stream is derived by hand from the generator of witx 0.9.1
(WebAssembly/WASI tools/witx/src/abi.rs at 0.9.1), spelled as witxt.rs spells
the instructions:

* call_wasm: per param `get-argN` then its lowering (`i32.from_u8`, ...; a
  record, tuple or variant with payloads: `addr-of`; an enum: `enum.lower`; a
  list or string: `list.pointer_length`); for an `expected` result with an ok
  type, `allocate-space return_pointer.getN` per out-pointer (one per member
  of a tuple); `call.wasm`; the result lifted (ok block: `return_pointer.getN
  load` per out-pointer, `tuple.lift` for tuples; err block: `reuse_return
  enum.lift`; then `result.lift`); `return`.
* call_interface: per param `get-argN` (two for a list) then its lifting (a
  record or variant with payloads: `load`); `call.interface`; an `expected`
  result lowered (ok block: `variant-payload`, `tuple.lower`, then `get-argN
  store` per out-pointer, the last member first; err block: `variant-payload
  enum.lower`; `result.lower`); `return`.
* signature: u64/s64 and u64 flags are i64, f32/f64 themselves, lists two i32,
  any variant param one i32; results: the expected's own tag (u32: i32) plus one
  i32 param per out-pointer.

The corpus-backed tests (test_abi_streams.py: preview1 and the 44 `assert_abi`
of the reference witxt suite) stay as the cross-check against the reference."""

from __future__ import annotations

import json

import pytest

from tests.support.greenhouse import GREENHOUSE, ODDITIES, function, greenhouse, oddities
from witx_lsp.abi import Signature, call_interface, call_wasm, document_signatures, wasm_signature, witxt_names
from witx_lsp.cli.main import main

# the two endings every `(expected $T (error $E))` result shares, with one out-pointer
WASM_ONE_OUT = ("call.wasm block.push return_pointer.get0 load block.finish "
                "block.push reuse_return enum.lift block.finish result.lift return")
WASM_NO_OUT = "call.wasm block.push block.finish block.push reuse_return enum.lift block.finish result.lift return"
WASM_TWO_OUTS = ("allocate-space return_pointer.get0 allocate-space return_pointer.get1 call.wasm "
                 "block.push return_pointer.get0 load return_pointer.get1 load tuple.lift block.finish "
                 "block.push reuse_return enum.lift block.finish result.lift return")


def iface_store(out: int) -> str:
    """call_interface's ending for an `expected` with one out-pointer, which is core argument `out`."""
    return (f"call.interface block.push variant-payload get-arg{out} store block.finish "
            "block.push variant-payload enum.lower block.finish result.lower return")


IFACE_NO_OUT = ("call.interface block.push block.finish block.push variant-payload enum.lower block.finish "
                "result.lower return")
# a tuple ok type with out-pointers in core arguments `first` and `first + 1`: the last member is stored first
IFACE_TWO_OUTS = ("call.interface block.push variant-payload tuple.lower get-arg{b} store get-arg{a} store "
                  "block.finish block.push variant-payload enum.lower block.finish result.lower return")

# (module, function): (core params, core results, call_wasm, call_interface)
CASES: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("greenhouse", "open_tray"): (
        "i32 i32 i32", "i32",
        "get-arg0 i32.from_u8 get-arg1 enum.lower allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 u8.from_i32 get-arg1 enum.lift " + iface_store(2)),
    ("greenhouse", "close_tray"): (
        "i32", "i32",
        "get-arg0 i32.from_handle " + WASM_NO_OUT,
        "get-arg0 handle.from_i32 " + IFACE_NO_OUT),
    ("greenhouse", "inspect_bed"): (
        "i32 i32", "i32",
        "get-arg0 addr-of allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 load " + iface_store(1)),
    ("greenhouse", "measure"): (  # $zone is an alias of an enum: lowered as the enum
        "i32 i32 i32 i32", "i32",
        "get-arg0 addr-of get-arg1 enum.lower " + WASM_TWO_OUTS,
        "get-arg0 load get-arg1 enum.lift " + IFACE_TWO_OUTS.format(a=2, b=3)),
    ("greenhouse", "switch"): (  # u8, u16, u32 flags are i32; u64 flags i64
        "i32 i32 i32 i64 i32", "i32",
        "get-arg0 i32.from_bitflags get-arg1 i32.from_bitflags get-arg2 i32.from_bitflags "
        "get-arg3 i64.from_bitflags allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 bitflags.from_i32 get-arg1 bitflags.from_i32 get-arg2 bitflags.from_i32 "
        "get-arg3 bitflags.from_i64 " + iface_store(4)),
    ("greenhouse", "choose"): (  # an enum param is one i32 even with a u64 tag
        "i32 i32 i32 i32 i32", "i32",
        "get-arg0 enum.lower get-arg1 enum.lower get-arg2 addr-of get-arg3 addr-of "
        "allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 enum.lift get-arg1 enum.lift get-arg2 load get-arg3 load " + iface_store(4)),
    ("greenhouse", "water"): (
        "i32 i32", "i32",
        "get-arg0 addr-of get-arg1 addr-of " + WASM_NO_OUT,
        "get-arg0 load get-arg1 load " + IFACE_NO_OUT),
    ("greenhouse", "engrave"): (  # a string takes two core arguments
        "i32 i32 i32 i32 i32 i32", "i32",
        "get-arg0 list.pointer_length get-arg1 i32.from_char8 get-arg2 i32.from_usize get-arg3 i32.from_pointer "
        "allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 get-arg1 list.from_pointer_length get-arg2 char8.from_i32 get-arg3 usize.from_i32 "
        "get-arg4 pointer.from_i32 " + iface_store(5)),
    ("greenhouse", "average"): (
        "i32 i32 i32 i32", "i32",
        "get-arg0 list.pointer_length get-arg1 i32.from_const_pointer allocate-space return_pointer.get0 "
        + WASM_ONE_OUT,
        "get-arg0 get-arg1 list.from_pointer_length get-arg2 const_pointer.from_i32 " + iface_store(3)),
    ("greenhouse", "tune"): (
        "i32 i32 i32 i32 i64 i64 f32 f64 i32", "i32",
        "get-arg0 i32.from_s8 get-arg1 i32.from_s16 get-arg2 i32.from_u16 get-arg3 i32.from_s32 "
        "get-arg4 i64.from_u64 get-arg5 i64.from_s64 get-arg6 f32.from_if32 get-arg7 f64.from_if64 "
        "allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 s8.from_i32 get-arg1 s16.from_i32 get-arg2 u16.from_i32 get-arg3 s32.from_i32 "
        "get-arg4 u64.from_i64 get-arg5 s64.from_i64 get-arg6 if32.from_f32 get-arg7 if64.from_f64 "
        + iface_store(8)),
    ("greenhouse", "is_lit"): (
        "i32 i32", "i32",
        "get-arg0 i32.from_bitflags allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        "get-arg0 bitflags.from_i32 " + iface_store(1)),
    ("greenhouse", "count_trays"): (
        "i32", "i32",
        "allocate-space return_pointer.get0 " + WASM_ONE_OUT,
        iface_store(0)),
    ("greenhouse", "nudge"): ("i64", "", "get-arg0 i64.from_u64 call.wasm return",
                              "get-arg0 u64.from_i64 call.interface return"),
    ("greenhouse", "halt"): ("i32", "", "get-arg0 i32.from_u32 call.wasm return",
                             "get-arg0 u32.from_i32 call.interface return"),
    ("dials", "span_of"): (  # a named tuple as the ok type: one out-pointer per member too
        "i32 i32 i32 i32", "i32",
        "get-arg0 addr-of get-arg1 addr-of " + WASM_TWO_OUTS,
        "get-arg0 load get-arg1 load " + IFACE_TWO_OUTS.format(a=2, b=3)),
    ("dials", "peek"): ("i32", "i64", "get-arg0 i32.from_handle call.wasm bitflags.from_i64 return",
                        "get-arg0 handle.from_i32 call.interface i64.from_bitflags return"),
    ("dials", "weight"): ("", "f64", "call.wasm if64.from_f64 return", "call.interface f64.from_if64 return"),
    ("dials", "locate"): ("i32", "i32", "get-arg0 i32.from_u8 call.wasm pointer.from_i32 return",
                          "get-arg0 u8.from_i32 call.interface i32.from_pointer return"),
    ("dials", "era"): (  # the error enum's u64 tag does not matter: the expected's own tag (u32) is returned
        "i32", "i32", "allocate-space return_pointer.get0 " + WASM_ONE_OUT, iface_store(0)),
    ("pump", "prime"): ("i32", "i32", "get-arg0 i32.from_u32 " + WASM_NO_OUT, "get-arg0 u32.from_i32 " + IFACE_NO_OUT),
    ("pump", "drain"): ("i32", "i32", "get-arg0 i32.from_u32 " + WASM_NO_OUT, "get-arg0 u32.from_i32 " + IFACE_NO_OUT),
    ("pump", "seize"): ("i32", "", "get-arg0 i32.from_u32 call.wasm return",
                        "get-arg0 u32.from_i32 call.interface return"),
}


def test_every_fixture_function_is_covered() -> None:
    got = {(m.name, f.name) for m in oddities().modules for f in m.funcs}
    assert got == set(CASES)


@pytest.mark.parametrize("key", list(CASES), ids=lambda k: f"{k[0]}::{k[1]}")
def test_signature(key: tuple[str, str]) -> None:
    params, results, _, _ = CASES[key]
    f = function(oddities(), *key)
    assert wasm_signature(f) == Signature(tuple(params.split()), tuple(results.split()))


@pytest.mark.parametrize("key", list(CASES), ids=lambda k: f"{k[0]}::{k[1]}")
def test_call_wasm(key: tuple[str, str]) -> None:
    got = call_wasm(function(oddities(), *key), key[0])
    assert isinstance(got, tuple), got
    assert witxt_names(got) == CASES[key][2].split()


@pytest.mark.parametrize("key", list(CASES), ids=lambda k: f"{k[0]}::{k[1]}")
def test_call_interface(key: tuple[str, str]) -> None:
    got = call_interface(function(oddities(), *key), key[0])
    assert isinstance(got, tuple), got
    assert witxt_names(got) == CASES[key][3].split()


def test_document_signatures() -> None:
    got = document_signatures(greenhouse())
    want = {f"{m}::{f}": Signature(tuple(p.split()), tuple(r.split()))
            for (m, f), (p, r, _, _) in CASES.items() if m != "dials"}
    assert got == want


def test_abi_cli_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["abi", str(GREENHOUSE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith(";;")] == [";; module $greenhouse", ";; module $pump"]
    assert len([line for line in lines if line.startswith("(func")]) == 17  # 14 greenhouse and 3 pump functions
    assert "(func $tune (param i32 i32 i32 i32 i64 i64 f32 f64 i32) (result i32))" in lines
    assert "(func $halt (param i32))" in lines and "(func $count_trays (param i32) (result i32))" in lines
    assert main(["abi", "--format", "json", "--streams", str(ODDITIES)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dials::peek"]["results"] == ["i64"]
    assert data["dials::weight"]["call_interface"] == {"instructions": CASES[("dials", "weight")][3].split()}

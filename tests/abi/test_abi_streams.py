"""The `call_wasm` / `call_interface` instruction streams (witx-language.md
§7.3-7.5): the worked preview1 examples, the cases where the reference
reaches `unreachable!()`, and every `assert_abi` of the reference witxt suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PREVIEW1, WITXT_DIR, needs_corpus
from tests.layout.build import BOOL, U8, U32, IntRepr, enum, expected, func, named, tuple_, variant
from witx_lsp.abi import AbiError, Instruction, Op, call_interface, call_wasm, wasm_signature, witxt_names
from witx_lsp.model.types import InterfaceFunc

# witx-language.md §7.5; the "…" parts of path_open and poll_oneoff are the
# result lifting of an `(expected $T (error $errno))`, as for fd_read.
LIFT_EXPECTED = ("call.wasm block.push return_pointer.get0 load block.finish block.push reuse_return enum.lift "
                 "block.finish result.lift return")
STREAMS = {
    ("fd_read", "wasm"): "get-arg0 i32.from_handle get-arg1 list.pointer_length allocate-space return_pointer.get0 "
                         + LIFT_EXPECTED,
    ("fd_read", "interface"): "get-arg0 handle.from_i32 get-arg1 get-arg2 list.from_pointer_length call.interface "
                              "block.push variant-payload get-arg3 store block.finish block.push variant-payload "
                              "enum.lower block.finish result.lower return",
    ("args_sizes_get", "interface"): "call.interface block.push variant-payload tuple.lower get-arg1 store get-arg0 "
                                     "store block.finish block.push variant-payload enum.lower block.finish "
                                     "result.lower return",
    ("args_sizes_get", "wasm"): "allocate-space return_pointer.get0 allocate-space return_pointer.get1 call.wasm "
                                "block.push return_pointer.get0 load return_pointer.get1 load tuple.lift block.finish "
                                "block.push reuse_return enum.lift block.finish result.lift return",
    ("path_open", "wasm"): "get-arg0 i32.from_handle get-arg1 i32.from_bitflags get-arg2 list.pointer_length "
                           "get-arg3 i32.from_bitflags get-arg4 i64.from_bitflags get-arg5 i64.from_bitflags "
                           "get-arg6 i32.from_bitflags allocate-space return_pointer.get0 " + LIFT_EXPECTED,
    ("poll_oneoff", "wasm"): "get-arg0 i32.from_const_pointer get-arg1 i32.from_pointer get-arg2 i32.from_u32 "
                             "allocate-space return_pointer.get0 " + LIFT_EXPECTED,
    ("proc_exit", "wasm"): "get-arg0 i32.from_u32 call.wasm return",
    ("proc_exit", "interface"): "get-arg0 u32.from_i32 call.interface return",
    ("sched_yield", "wasm"): "call.wasm block.push block.finish block.push reuse_return enum.lift block.finish "
                             "result.lift return",
}


@needs_corpus
@pytest.mark.parametrize(("name", "side"), list(STREAMS))
def test_preview1_streams(name: str, side: str) -> None:
    from witx_lsp.model.analysis import analyze

    doc = analyze([str(PREVIEW1)]).document
    m = doc.module("wasi_snapshot_preview1")
    assert m is not None
    f = m.func(name)
    assert f is not None
    got = call_wasm(f, m.name) if side == "wasm" else call_interface(f, m.name)
    assert isinstance(got, tuple)
    assert witxt_names(got) == STREAMS[(name, side)].split()


def test_instruction_details() -> None:
    size = named("size", U32)
    errno = named("errno", enum("success", "bad", tag=IntRepr.U16))
    f = func("f", [("a", U8)], [("r", expected(size, errno))])
    got = call_interface(f, "m")
    assert isinstance(got, tuple)
    assert got[0] == Instruction(Op.GET_ARG, 0)
    assert got[2] == Instruction(Op.CALL_INTERFACE, ty="m::f")
    assert Instruction(Op.GET_ARG, 1) in got and Instruction(Op.STORE, ty="size") in got
    assert got[-1] == Instruction(Op.RETURN, 1)  # the number of core results
    wasm = call_wasm(f, "m")
    assert isinstance(wasm, tuple)
    assert wasm[2] == Instruction(Op.ALLOCATE_SPACE, 0, "size")
    assert wasm[-1] == Instruction(Op.RETURN, 1)  # the number of interface results
    assert str(Instruction(Op.RETURN_POINTER_GET, 3)) == "return_pointer.get3"


def _inline_bool() -> InterfaceFunc:
    return func("f", [("b", BOOL)])


def test_inline_bool_param_is_an_error_not_a_crash() -> None:
    f = _inline_bool()
    assert wasm_signature(f) is not None and not isinstance(wasm_signature(f), AbiError)
    for got in (call_wasm(f), call_interface(f)):
        assert isinstance(got, AbiError)
        assert "param `b`" in got.message and "`bool`" in got.message and "typename" in got.message
        assert witxt_names(got.partial) == ["get-arg0"]


def test_inline_tuple_param() -> None:
    f = func("f", [("t", tuple_(U32, U32))])
    assert witxt_names(call_wasm(f).partial) == ["get-arg0"]  # type: ignore[union-attr]
    assert isinstance(call_interface(f), AbiError)


def test_inline_expected_param_fails_only_in_call_interface() -> None:
    a = named("a", U32)
    e = named("e", enum("x", "y"))
    f = func("f", [("r", expected(a, e))])
    got = call_wasm(f)
    assert isinstance(got, tuple) and witxt_names(got) == ["get-arg0", "addr-of", "call.wasm", "return"]
    assert isinstance(call_interface(f), AbiError)


def test_results_the_reference_rejects() -> None:
    e = named("e", enum("x", "y"))
    two = func("f", [], [("a", U32), ("b", U32)])
    got = call_wasm(two)
    assert isinstance(got, AbiError) and "at most one result" in got.message
    not_expected = func("f", [], [("r", named("v", variant(("a", named("size", U32)), ("b", None))))])
    for got in (call_wasm(not_expected), call_interface(not_expected)):
        assert isinstance(got, AbiError) and "`ok` and `err`" in got.message
    inline_enum_result = func("f", [], [("r", expected(None, None))])
    assert isinstance(call_wasm(inline_enum_result), AbiError)
    inline_ok = func("f", [], [("r", expected(U32, e))])
    got = call_wasm(inline_ok)
    assert isinstance(got, AbiError) and "result `r`" in got.message


def _abi_cases() -> list[tuple[str, int]]:
    if not WITXT_DIR.is_dir():
        return []
    from witx_lsp.witxt.directives import read_witxt

    path = WITXT_DIR / "abi.witxt"
    wf = read_witxt(str(path), path.read_text(encoding="utf-8"))
    return [(str(path), d.line) for d in wf.directives if d.kind == "assert_abi"]


@needs_corpus
def test_reference_suite_has_44_abi_asserts() -> None:
    assert len(_abi_cases()) == 44  # witx-language.md §9


def _words(form: object) -> list[str]:
    from witx_lsp.syntax.tree import Atom, SList

    assert isinstance(form, SList)
    return [a.text for a in form.items[1:] if isinstance(a, Atom)]


@needs_corpus
@pytest.mark.parametrize("case", _abi_cases(), ids=lambda c: f"abi.witxt:{c[1]}")
def test_reference_assert_abi(case: tuple[str, int]) -> None:
    from witx_lsp.syntax.tree import SList
    from witx_lsp.witxt.directives import read_witxt
    from witx_lsp.witxt.load import analyze_doc

    path, line = case
    wf = read_witxt(path, Path(path).read_text(encoding="utf-8"))
    d = next(d for d in wf.directives if d.line == line)
    assert d.doc is not None
    analysis = analyze_doc(d.doc, path)
    assert not analysis.has_errors()
    module = analysis.document.modules[0]
    f = module.funcs[0]  # the first function of the first module, as witxt.rs does
    wasm_form, wasm_stream, interface_stream = d.abi_forms
    params: list[str] = []
    results: list[str] = []
    for part in wasm_form.items[1:]:
        assert isinstance(part, SList)
        (params if part.head_is("param") else results).extend(_words(part))
    sig = wasm_signature(f)
    assert not isinstance(sig, AbiError)
    assert (list(sig.params), list(sig.results)) == (params, results)
    got_wasm = call_wasm(f, module.name)
    got_interface = call_interface(f, module.name)
    assert isinstance(got_wasm, tuple) and isinstance(got_interface, tuple)
    assert witxt_names(got_wasm) == _words(wasm_stream)
    assert witxt_names(got_interface) == _words(interface_stream)

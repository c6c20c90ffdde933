"""Core wasm signatures (witx-language.md §7.2): hand-built functions, and the
46 preview1 functions of Appendix A."""

from __future__ import annotations

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from tests.layout.build import (
    BOOL,
    CHAR,
    CHAR8,
    F32,
    F64,
    HANDLE,
    S8,
    S64,
    STRING,
    U8,
    U16,
    U32,
    U64,
    USIZE,
    ConstPointerType,
    IntRepr,
    PointerType,
    enum,
    expected,
    flags,
    func,
    lst,
    named,
    record,
    tuple_,
    union,
    variant,
)
from witx_lsp.abi import AbiError, Signature, document_signatures, wasm_signature
from witx_lsp.model.types import TypeRef

ERRNO = named("errno", enum("success", "badf", tag=IntRepr.U16))
SIZE = named("size", U32)


@pytest.mark.parametrize(
    ("tref", "core"),
    [
        (U8, ["i32"]), (S8, ["i32"]), (U16, ["i32"]), (U32, ["i32"]), (USIZE, ["i32"]), (CHAR8, ["i32"]),
        (CHAR, ["i32"]), (U64, ["i64"]), (S64, ["i64"]), (F32, ["f32"]), (F64, ["f64"]),
        (PointerType(U8), ["i32"]), (ConstPointerType(U8), ["i32"]), (named("fd", HANDLE), ["i32"]),
        (lst(U8), ["i32", "i32"]), (STRING, ["i32", "i32"]),
        (named("f", flags("a")), ["i32"]), (named("f", flags("a", repr=IntRepr.U64)), ["i64"]),
        (named("f", flags("a", repr=IntRepr.U8)), ["i32"]),
        (named("r", record(("a", U64))), ["i32"]), (tuple_(U64, U64), ["i32"]),
        (BOOL, ["i32"]), (named("e", enum("a", tag=IntRepr.U64)), ["i32"]),  # any variant param is i32
        (named("u", union(U64)), ["i32"]),
    ],
)
def test_param_core_types(tref: TypeRef, core: list[str]) -> None:
    assert wasm_signature(func("f", [("p", tref)])) == Signature(tuple(core), ())


@pytest.mark.parametrize(
    ("tref", "params", "results"),
    [
        (U8, [], ["i32"]), (U64, [], ["i64"]), (F32, [], ["f32"]), (F64, [], ["f64"]),
        (PointerType(U8), [], ["i32"]), (named("fd", HANDLE), [], ["i32"]),
        (named("f", flags("a", repr=IntRepr.U64)), [], ["i64"]), (named("f", flags("a")), [], ["i32"]),
        (expected(None, ERRNO), [], ["i32"]),
        (expected(SIZE, ERRNO), ["i32"], ["i32"]),  # one out-pointer
        (expected(tuple_(SIZE, SIZE, SIZE), ERRNO), ["i32", "i32", "i32"], ["i32"]),  # one per tuple member
        (expected(named("pair", tuple_(SIZE, SIZE)), ERRNO), ["i32", "i32"], ["i32"]),  # named tuple too
        (variant(("ok", SIZE), ("err", ERRNO), tag=IntRepr.U64), ["i32"], ["i64"]),  # u64 tag -> i64
        (expected(None, None), [], ["i32"]),  # enum-like: no out-pointer
    ],
)
def test_result_core_types(tref: TypeRef, params: list[str], results: list[str]) -> None:
    f = func("f", [("x", U32)], [("r", tref)])
    assert wasm_signature(f) == Signature(tuple(["i32", *params]), tuple(results))


def test_results_the_reference_cannot_lower() -> None:
    for tref in (named("r", record(("a", U8))), lst(U8), STRING):
        got = wasm_signature(func("f", [], [("r", tref)]))
        assert isinstance(got, AbiError) and "cannot return" in got.message


def test_signature_text() -> None:
    sig = Signature(("i32", "i64"), ("i32",))
    assert sig.text() == "(param i32 i64) (result i32)"
    assert sig.func_text("fd_seek") == "(func $fd_seek (param i32 i64) (result i32))"
    assert Signature((), ()).func_text("f") == "(func $f)"
    assert Signature(("i32",), ()).func_text("proc_exit") == "(func $proc_exit (param i32))"


# witx-language.md Appendix A (the name, then core params and results).
APPENDIX_A = """
args_get i32,i32 i32|args_sizes_get i32,i32 i32|environ_get i32,i32 i32|environ_sizes_get i32,i32 i32
clock_res_get i32,i32 i32|clock_time_get i32,i64,i32 i32|fd_advise i32,i64,i64,i32 i32
fd_allocate i32,i64,i64 i32|fd_close i32 i32|fd_datasync i32 i32|fd_fdstat_get i32,i32 i32
fd_fdstat_set_flags i32,i32 i32|fd_fdstat_set_rights i32,i64,i64 i32|fd_filestat_get i32,i32 i32
fd_filestat_set_size i32,i64 i32|fd_filestat_set_times i32,i64,i64,i32 i32|fd_pread i32,i32,i32,i64,i32 i32
fd_prestat_get i32,i32 i32|fd_prestat_dir_name i32,i32,i32 i32|fd_pwrite i32,i32,i32,i64,i32 i32
fd_read i32,i32,i32,i32 i32|fd_readdir i32,i32,i32,i64,i32 i32|fd_renumber i32,i32 i32
fd_seek i32,i64,i32,i32 i32|fd_sync i32 i32|fd_tell i32,i32 i32|fd_write i32,i32,i32,i32 i32
path_create_directory i32,i32,i32 i32|path_filestat_get i32,i32,i32,i32,i32 i32
path_filestat_set_times i32,i32,i32,i32,i64,i64,i32 i32|path_link i32,i32,i32,i32,i32,i32,i32 i32
path_open i32,i32,i32,i32,i32,i64,i64,i32,i32 i32|path_readlink i32,i32,i32,i32,i32,i32 i32
path_remove_directory i32,i32,i32 i32|path_rename i32,i32,i32,i32,i32,i32 i32
path_symlink i32,i32,i32,i32,i32 i32|path_unlink_file i32,i32,i32 i32|poll_oneoff i32,i32,i32,i32 i32
proc_exit i32 -|proc_raise i32 i32|sched_yield - i32|random_get i32,i32 i32|sock_accept i32,i32,i32 i32
sock_recv i32,i32,i32,i32,i32,i32 i32|sock_send i32,i32,i32,i32,i32 i32|sock_shutdown i32,i32 i32
"""


def _appendix_a() -> dict[str, Signature]:
    out = {}
    for item in APPENDIX_A.replace("\n", "|").split("|"):
        if item.strip():
            name, params, results = item.split()
            out[name] = Signature(tuple(params.split(",")) if params != "-" else (),
                                  tuple(results.split(",")) if results != "-" else ())
    return out


def test_appendix_a_has_46_functions() -> None:
    assert len(_appendix_a()) == 46


@needs_corpus
def test_preview1_signatures_match_appendix_a() -> None:
    from witx_lsp.model.analysis import analyze

    analysis = analyze([str(PREVIEW1)])
    assert not analysis.has_errors()
    got = document_signatures(analysis.document)
    want = {f"wasi_snapshot_preview1::{k}": v for k, v in _appendix_a().items()}
    assert got == want

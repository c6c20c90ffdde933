"""The preview on the corpus: the acceptance lines for WASI preview1, every witx
file of the upstream wiggle tests with the configurations those tests use
(wiggle.md §7), and a sweep over every witx file of the corpus. Expected
signatures are written by hand from the generator's rules; they agree with the
hand-written trait impls of the upstream tests once paths and alias spellings
are canonicalised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PREVIEW1, needs_corpus
from witx_lsp.model.analysis import analyze
from witx_lsp.wiggle.codegen import Config, Preview, generate, parse_config

pytestmark = needs_corpus
TESTS = CORPUS / "wiggle" / "wiggle_tests"


def preview(paths: list[Path], config: str = "{ witx: [] }") -> Preview:
    analysis = analyze([str(p) for p in paths])
    assert not analysis.has_errors(), analysis.diagnostics
    return generate(analysis.document, parse_config(config))


def methods(p: Preview) -> dict[str, dict[str, str]]:
    return {m: mp["methods"] for m, mp in p.to_json()["modules"].items()}


def test_acceptance_wasi_preview1_default() -> None:
    got = methods(preview([PREVIEW1], '{ witx: ["wasi_snapshot_preview1.witx"] }'))["wasi_snapshot_preview1"]
    assert got["args_get"] == ("fn args_get<'a>(&mut self, argv: &wiggle::GuestPtr<'a, wiggle::GuestPtr<'a, u8>>, "
                               "argv_buf: &wiggle::GuestPtr<'a, u8>) -> Result<(), Errno>;")
    assert got["fd_prestat_get"] == "fn fd_prestat_get(&mut self, fd: Fd) -> Result<Prestat, Errno>;"
    assert got["path_open"] == ("fn path_open<'a>(&mut self, fd: Fd, dirflags: Lookupflags, path: &wiggle::GuestPtr<"
                                "'a, str>, oflags: Oflags, fs_rights_base: Rights, fs_rights_inheriting: Rights, "
                                "fdflags: Fdflags) -> Result<Fd, Errno>;")
    assert got["proc_exit"] == "fn proc_exit(&mut self, rval: Exitcode) -> wiggle::anyhow::Error;"
    # The rest of the example signatures of wiggle.md §5.7.
    assert got["fd_read"] == "fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Errno>;"
    assert got["fd_write"] == "fn fd_write<'a>(&mut self, fd: Fd, iovs: &CiovecArray<'a>) -> Result<Size, Errno>;"
    assert got["poll_oneoff"] == ("fn poll_oneoff<'a>(&mut self, in_: &wiggle::GuestPtr<'a, Subscription>, out: "
                                  "&wiggle::GuestPtr<'a, Event>, nsubscriptions: Size) -> Result<Size, Errno>;")
    assert got["random_get"] == ("fn random_get<'a>(&mut self, buf: &wiggle::GuestPtr<'a, u8>, buf_len: Size) "
                                 "-> Result<(), Errno>;")
    assert got["args_sizes_get"] == "fn args_sizes_get(&mut self) -> Result<(Size, Size), Errno>;"
    assert len(got) == 46


def test_acceptance_wasi_preview1_trappable_async() -> None:
    p = preview([PREVIEW1], '{ witx: ["wasi_snapshot_preview1.witx"], errors: { errno => trappable Error }, async: * }')
    got = methods(p)["wasi_snapshot_preview1"]
    assert got["fd_read"] == "async fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Error>;"
    assert got["proc_exit"] == "async fn proc_exit(&mut self, rval: Exitcode) -> wiggle::anyhow::Error;"
    assert all(line.startswith("async fn ") for line in got.values())
    assert "pub struct Error {\n        inner: wiggle::anyhow::Error,\n    }" in p.rust


def test_acceptance_in_the_rust_text() -> None:
    rust = preview([PREVIEW1]).rust
    assert "        fn fd_prestat_get(&mut self, fd: Fd) -> Result<Prestat, Errno>;\n" in rust
    assert "        fn proc_exit(&mut self, rval: Exitcode) -> wiggle::anyhow::Error;\n" in rust
    assert """        fn path_open<'a>(
            &mut self,
            fd: Fd,
            dirflags: Lookupflags,
            path: &wiggle::GuestPtr<'a, str>,
            oflags: Oflags,
            fs_rights_base: Rights,
            fs_rights_inheriting: Rights,
            fdflags: Fdflags,
        ) -> Result<Fd, Errno>;
""" in rust
    assert "    #[wiggle::async_trait]\n    pub trait WasiSnapshotPreview1 {\n" in rust


ATOMS_SYNC = {"int_float_args": "fn int_float_args(&mut self, an_int: u32, an_float: f32) -> Result<(), Errno>;",
              "double_int_return_float":
                  "fn double_int_return_float(&mut self, an_int: u32) -> Result<AliasToFloat, Errno>;"}
ATOMS_ASYNC_DOUBLE = {**ATOMS_SYNC, "double_int_return_float": "async " + ATOMS_SYNC["double_int_return_float"]}

UPSTREAM: list[tuple[str, str, str, dict[str, dict[str, str]]]] = [
    ("atoms.rs", "atoms.witx", "{ witx: [] }", {"atoms": ATOMS_SYNC}),
    ("atoms_async.rs", "atoms.witx", "{ witx: [], async: * }",
     {"atoms": {k: "async " + v for k, v in ATOMS_SYNC.items()}}),
    ("tracing.rs", "atoms.witx", "{ witx: [], async: { atoms::double_int_return_float, }, tracing: false }",
     {"atoms": ATOMS_ASYNC_DOUBLE}),
    ("wasmtime_sync.rs", "atoms.witx", "{ witx: [], block_on: { atoms::double_int_return_float } }",
     {"atoms": ATOMS_ASYNC_DOUBLE}),
    ("wasmtime_async.rs", "atoms.witx", "{ witx: [], async: { atoms::{double_int_return_float} } }",
     {"atoms": ATOMS_ASYNC_DOUBLE}),
    ("errors.rs", "errors_one_error_conversion.witx", "{ witx: [], errors: { errno => trappable ErrnoT } }",
     {"one_error_conversion": {"foo": "fn foo(&mut self, strike: u32) -> Result<(), ErrnoT>;"}}),
    ("errors.rs", "errors_two_error_conversions.witx",
     "{ witx: [], errors: { errno => RichError, errno2 => AnotherRichError } }",
     {"two_error_conversions": {"foo": "fn foo(&mut self, strike: u32) -> Result<(), super::RichError>;",
                                "bar": "fn bar(&mut self, drink: u32) -> Result<(), super::AnotherRichError>;",
                                "baz": "fn baz(&mut self, drink: u32) -> wiggle::anyhow::Error;"}}),
    ("flags.rs", "flags.witx", "{ witx: [] }",
     {"flags": {"configure_car": "fn configure_car<'a>(&mut self, old_config: CarConfig, old_config_by_ptr: "
                                 "&wiggle::GuestPtr<'a, CarConfig>) -> Result<CarConfig, Errno>;"}}),
    ("handles.rs", "handles.witx", "{ witx: [] }",
     {"handle_examples": {"fd_create": "fn fd_create(&mut self) -> Result<Fd, Errno>;",
                          "fd_consume": "fn fd_consume(&mut self, fd: Fd) -> Result<(), Errno>;"}}),
    ("ints.rs", "ints.witx", "{ witx: [] }",
     {"ints": {"cookie_cutter": "fn cookie_cutter(&mut self, init_cookie: Cookie) -> Result<Bool, Errno>;"}}),
    ("keywords.rs", "keywords_module.witx", "{ witx: [] }",
     {"self": {"fn": "fn fn_(&mut self, use_: u32, virtual_: u32) -> ();"}}),
    ("keywords.rs", "keywords_enum.witx", "{ witx: [] }", {}),
    ("keywords.rs", "keywords_struct.witx", "{ witx: [] }", {}),
    ("keywords.rs", "keywords_union.witx", "{ witx: [] }", {}),
    ("lists.rs", "lists.witx", "{ witx: [] }", {
        "lists": {
            "reduce_excuses": "fn reduce_excuses<'a>(&mut self, excuses: &ConstExcuseArray<'a>) -> "
                              "Result<Excuse, Errno>;",
            "populate_excuses": "fn populate_excuses<'a>(&mut self, excuses: &ExcuseArray<'a>) -> Result<(), Errno>;"},
        "array_traversal": {
            "sum_of_element": "fn sum_of_element<'a>(&mut self, elements: &wiggle::GuestPtr<'a, [PairInts]>, "
                              "index: u32) -> Result<S32, Errno>;",
            "sum_of_elements": "fn sum_of_elements<'a>(&mut self, elements: &wiggle::GuestPtr<'a, [PairInts]>, "
                               "start: u32, end: u32) -> Result<S32, Errno>;"}}),
    ("pointers.rs", "pointers.witx", "{ witx: [] }", {"pointers": {
        "pointers_and_enums": "fn pointers_and_enums<'a>(&mut self, an_excuse: Excuse, an_excuse_by_reference: "
                              "&wiggle::GuestPtr<'a, Excuse>, a_lamer_excuse: &wiggle::GuestPtr<'a, Excuse>, "
                              "two_layers_of_excuses: &wiggle::GuestPtr<'a, wiggle::GuestPtr<'a, Excuse>>) -> "
                              "Result<(), Errno>;"}}),
    ("records.rs", "records.witx", "{ witx: [] }", {"records": {
        "sum_of_pair": "fn sum_of_pair(&mut self, an_pair: &PairInts) -> Result<S64, Errno>;",
        "sum_of_pair_of_ptrs": "fn sum_of_pair_of_ptrs<'a>(&mut self, an_pair: &PairIntPtrs<'a>) -> "
                               "Result<S64, Errno>;",
        "sum_of_int_and_ptr": "fn sum_of_int_and_ptr<'a>(&mut self, an_pair: &PairIntAndPtr<'a>) -> "
                              "Result<S64, Errno>;",
        "return_pair_ints": "fn return_pair_ints(&mut self) -> Result<PairInts, Errno>;",
        "return_pair_of_ptrs": "fn return_pair_of_ptrs<'a>(&mut self, first: &wiggle::GuestPtr<'a, i32>, second: "
                               "&wiggle::GuestPtr<'a, i32>) -> Result<PairIntPtrs<'a>, Errno>;",
        "sum_array": "fn sum_array<'a>(&mut self, a_list: &RecordOfList<'a>) -> Result<U16, Errno>;"}}),
    ("strings.rs", "strings.witx", "{ witx: [] }", {"strings": {
        "hello_string": "fn hello_string<'a>(&mut self, a_string: &wiggle::GuestPtr<'a, str>) -> Result<Ret, Errno>;",
        "multi_string": "fn multi_string<'a>(&mut self, a: &wiggle::GuestPtr<'a, str>, b: &wiggle::GuestPtr<'a, str>, "
                        "c: &wiggle::GuestPtr<'a, str>) -> Result<Ret, Errno>;"}}),
    ("variant.rs", "variant.witx", "{ witx: [] }", {"variant_example": {
        "get_tag": "fn get_tag(&mut self, r: &Reason) -> Result<Excuse, Errno>;",
        "reason_mult": "fn reason_mult<'a>(&mut self, r: &ReasonMut<'a>, multiply_by: u32) -> Result<(), Errno>;"}}),
    ("(use)", "errno.witx", "{ witx: [] }", {}),
    ("(use)", "excuse.witx", "{ witx: [] }", {}),
    ("(use)", "typenames.witx", "{ witx: [] }", {}),
]


def test_every_wiggle_test_file_is_covered() -> None:
    covered = {witx for _, witx, _, _ in UPSTREAM} | {"wasi.witx"}
    assert covered == {p.name for p in TESTS.glob("*.witx")}


@pytest.mark.parametrize(("test", "witx", "config", "expected"), UPSTREAM,
                         ids=[f"{t}-{w}" for t, w, _, _ in UPSTREAM])
def test_upstream_wiggle_tests(test: str, witx: str, config: str, expected: dict[str, dict[str, str]]) -> None:
    p = preview([TESTS / witx], config)
    assert methods(p) == expected
    assert p.panics == []
    assert p.rust.startswith("pub mod types {\n")


def test_keywords_types() -> None:
    keywords_enum = preview([TESTS / "keywords_enum.witx"]).rust
    assert "    pub enum Self_ {\n        Self_,\n        TooBig,\n    }\n" in keywords_enum
    assert "    pub struct Self_ {\n        pub become_: i32,\n        pub mut_: i32,\n    }\n" in \
        preview([TESTS / "keywords_struct.witx"]).rust
    union = preview([TESTS / "keywords_union.witx"]).rust
    assert "    pub enum Union {\n        Self_,\n        Power,\n    }\n" in union
    assert ("    pub enum Self_<'a> {\n        Self_(wiggle::GuestPtr<'a, f32>),\n"
            "        Power(wiggle::GuestPtr<'a, f32>),\n    }\n") in union
    assert "pub mod self_ {" in preview([TESTS / "keywords_module.witx"]).rust


def test_other_upstream_types() -> None:
    ints = preview([TESTS / "ints.witx"]).rust
    assert "    pub const COOKIE_START: Cookie = 0;\n" in ints and "    pub type Cookie = u64;\n" in ints
    assert "    pub enum Bool {\n        False,\n        True,\n    }\n" in ints
    errors = preview([TESTS / "errors_two_error_conversions.witx"],
                     "{ witx: [], errors: { errno => RichError, errno2 => AnotherRichError } }").rust
    assert ("        fn errno_from_rich_error(&mut self, e: super::RichError) -> wiggle::anyhow::Result<Errno>;\n"
            in errors)
    assert "        U: TwoErrorConversions + UserErrorConversion,\n" in errors
    typenames = preview([TESTS / "typenames.witx"]).types
    assert typenames["size"] == "pub type Size = u32;\n"
    assert "    TooBig,\n" in typenames["errno"]


def test_wasi_test_copy() -> None:
    """wasi.rs: the tests directory's copy of preview1 (without `sock_accept`) with its typenames.witx."""
    got = methods(preview([TESTS / "wasi.witx"]))["wasi_snapshot_preview1"]
    assert len(got) == 45 and "sock_accept" not in got
    assert got["fd_read"] == "fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Errno>;"
    assert got["fd_prestat_dir_name"] == ("fn fd_prestat_dir_name<'a>(&mut self, fd: Fd, path: &wiggle::GuestPtr<"
                                          "'a, u8>, path_len: Size) -> Result<(), Errno>;")


def test_wasi_common_preview0() -> None:
    p = preview([CORPUS / "wiggle" / "wasi_preview0" / "wasi_unstable.witx"],
                "{ witx: [], errors: { errno => trappable Error }, async: *, wasmtime: false }")
    got = methods(p)["wasi_unstable"]
    assert got["proc_exit"] == "async fn proc_exit(&mut self, rval: Exitcode) -> wiggle::anyhow::Error;"
    assert got["fd_read"] == "async fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Error>;"
    assert "add_to_linker" not in p.rust


def test_every_corpus_file_renders_within_100_columns() -> None:
    """No exception for any witx file of the corpus (every 0.9 root and the rest), in every profile; every
    line of the Rust fits in 100 columns; the JSON form serialises."""
    files = sorted(CORPUS.rglob("*.witx"))
    assert len(files) > 200
    for path in files:
        analysis = analyze([str(path)])
        for profile in (5, 19, 22, 43):
            p = generate(analysis.document, Config(profile=profile))
            json.dumps(p.to_json())
            too_wide = [line for line in p.rust.splitlines() if len(line) > 100]
            too_wide += [line for t in p.types.values() for line in t.splitlines() if len(line) > 100]
            assert too_wide == [], (path, profile, too_wide[:3])

"""Trait methods, ABI functions and `add_to_linker` by the generator's rules
(wiggle.md §5.7-§5.9, §8). Expected signatures are written by hand from the rules."""

from __future__ import annotations

import pytest

from witx_lsp.model.analysis import analyze_text
from witx_lsp.wiggle.codegen import Config, Preview, generate, parse_config

TYPES = """(typename $errno (enum (@witx tag u16) $success $badf))
(typename $size u32)
(typename $fd (handle))
(typename $fdflags (flags (@witx repr u16) $append $sync))
(typename $whence (enum (@witx tag u8) $set $cur))
(typename $stat (record (field $size $size) (field $flags $fdflags)))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(typename $reason (variant (case $a u32) (case $b)))
(typename $flag bool)
"""


def preview(module_body: str, config: str | None = None, profile: int = 19) -> Preview:
    analysis = analyze_text(TYPES + f"(module $m {module_body})")
    assert not analysis.has_errors(), analysis.diagnostics
    cfg = parse_config(config, require_witx=False, profile=profile) if config else Config(profile=profile)
    return generate(analysis.document, cfg)


def method(params: str, result: str = "(result $error (expected (error $errno)))", config: str | None = None,
           profile: int = 19, extra: str = "") -> str:
    p = preview(f'(@interface func (export "f") {params} {result} {extra})', config, profile)
    return p.modules["m"].methods["f"].one_line()


@pytest.mark.parametrize(("param", "rust"), [
    ("u32", "p: u32"), ("s64", "p: i64"), ("f32", "p: f32"), ("(@witx usize)", "p: u32"),
    ("$size", "p: Size"), ("$fd", "p: Fd"), ("$fdflags", "p: Fdflags"), ("$whence", "p: Whence"),
    ("$flag", "p: Flag"),  # a named bool is an enum: by value
    ("$stat", "p: &Stat"),  # records by reference
    ("$reason", "p: &Reason"),  # payload variants by reference
])
def test_params_by_value_and_by_reference(param: str, rust: str) -> None:
    assert method(f"(param $p {param})") == f"fn f(&mut self, {rust}) -> Result<(), Errno>;"


@pytest.mark.parametrize(("param", "rust"), [
    ("(@witx pointer u8)", "p: &wiggle::GuestPtr<'a, u8>"),
    ("(@witx const_pointer $stat)", "p: &wiggle::GuestPtr<'a, Stat>"),
    ("string", "p: &wiggle::GuestPtr<'a, str>"),
    ("(list u8)", "p: &wiggle::GuestPtr<'a, [u8]>"),
    ("(list $iovec)", "p: &wiggle::GuestPtr<'a, [Iovec<'a>]>"),
    ("$iovec", "p: &Iovec<'a>"),
    ("$iovec_array", "p: &IovecArray<'a>"),
])
def test_lifetime_appears_when_a_param_needs_one(param: str, rust: str) -> None:
    assert method(f"(param $p {param})") == f"fn f<'a>(&mut self, {rust}) -> Result<(), Errno>;"


def test_results() -> None:
    assert method("", "(result $e (expected $size (error $errno)))") == "fn f(&mut self) -> Result<Size, Errno>;"
    assert method("", "(result $e (expected $iovec_array (error $errno)))") == \
        "fn f<'a>(&mut self) -> Result<IovecArray<'a>, Errno>;"  # a result's lifetime counts too
    assert method("", "(result $e (expected (tuple $size $fd) (error $errno)))") == \
        "fn f(&mut self) -> Result<(Size, Fd), Errno>;"
    assert method("", "(result $e (expected (tuple $size) (error $errno)))") == \
        "fn f(&mut self) -> Result<(Size,), Errno>;"
    assert method("(param $p u32)", "") == "fn f(&mut self, p: u32) -> ();"
    assert method("(param $p u32)", "", extra="(@witx noreturn)") == "fn f(&mut self, p: u32) -> wiggle::anyhow::Error;"


def test_error_configurations() -> None:
    assert method("", config="{ errors: { errno => trappable Error } }") == "fn f(&mut self) -> Result<(), Error>;"
    assert method("", config="{ errors: { errno => MyError } }") == "fn f(&mut self) -> Result<(), super::MyError>;"
    assert method("", config="{ errors: { size => MyError } }") == "fn f(&mut self) -> Result<(), Errno>;"


def test_async_mutable_and_block_on() -> None:
    assert method("(param $p $iovec_array)", config="{ async: * }") == \
        "async fn f<'a>(&mut self, p: &IovecArray<'a>) -> Result<(), Errno>;"
    assert method("", config="{ async: { m::f } }") == "async fn f(&mut self) -> Result<(), Errno>;"
    assert method("", config="{ async: { m::g } }") == "fn f(&mut self) -> Result<(), Errno>;"
    assert method("", config="{ block_on: { m::f } }") == "async fn f(&mut self) -> Result<(), Errno>;"
    assert method("", config="{ mutable: false }") == "fn f(&self) -> Result<(), Errno>;"


def test_keywords_in_names() -> None:
    p = generate(analyze_text('(module $self (@interface func (export "fn") (param $use u32) (param $virtual u32)))'
                              ).document)
    assert p.modules["self"].methods["fn"].one_line() == "fn fn_(&mut self, use_: u32, virtual_: u32) -> ();"
    assert "pub mod self_ {" in p.rust and "    pub trait Self_ {\n" in p.rust


def test_later_profiles() -> None:
    read = '(param $fd $fd) (param $iovs $iovec_array) (param $s $stat)'
    result = "(result $e (expected $size (error $errno)))"
    assert method(read, result, profile=22) == ("fn f(&mut self, mem: &mut wiggle::GuestMemory<'_>, fd: Fd, "
                                               "iovs: IovecArray, s: &Stat) -> Result<Size, Errno>;")
    assert method("(param $p string)", profile=22) == \
        "fn f(&mut self, mem: &mut wiggle::GuestMemory<'_>, p: wiggle::GuestPtr<str>) -> Result<(), Errno>;"
    assert method("", config="{ async: * }", profile=39) == \
        ("fn f(&mut self, mem: &mut wiggle::GuestMemory<'_>) -> impl std::future::Future<Output = "
         "Result<(), Errno>> + Send;")
    assert method("", "", extra="(@witx noreturn)", profile=42) == \
        "fn f(&mut self, mem: &mut wiggle::GuestMemory<'_>) -> wiggle::error::Error;"
    trait = preview('(@interface func (export "f"))', profile=43).modules["m"].trait
    assert trait.endswith("    fn set_hostcall_fuel(&mut self, fuel: usize) {\n        let _ = fuel;\n    }\n}\n")
    assert trait.startswith("pub trait M {\n")  # no #[wiggle::async_trait] from 39


def test_trait_text() -> None:
    p = preview('(@interface func (export "read") (param $fd $fd) (param $iovs $iovec_array) '
                '(result $e (expected $size (error $errno))))')
    assert p.modules["m"].trait == (
        "#[wiggle::async_trait]\npub trait M {\n"
        "    fn read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Errno>;\n"
        "}\n")


def test_abi_function_signatures() -> None:
    body = ('(@interface func (export "read") (param $fd $fd) (param $iovs $iovec_array) (param $off u64) '
            '(result $e (expected $size (error $errno)))) (@interface func (export "exit") (@witx noreturn))')
    rust = preview(body).rust
    assert """    #[allow(unreachable_code)]
    pub fn read<'a>(
        ctx: &'a mut (impl M),
        memory: &dyn wiggle::GuestMemory,
        arg0: i32,
        arg1: i32,
        arg2: i32,
        arg3: i64,
        arg4: i32,
    ) -> wiggle::anyhow::Result<i32> {
""" in rust
    assert """    pub fn exit<'a>(
        ctx: &'a mut (impl M),
        memory: &dyn wiggle::GuestMemory,
    ) -> wiggle::anyhow::Result<()> {
""" in rust  # 108 columns on one line
    rust = preview(body, "{ async: { m::read }, errors: { errno => Rich }, mutable: false }").rust
    assert """    pub fn read<'a>(
        ctx: &'a (impl M + UserErrorConversion),
        memory: &'a dyn wiggle::GuestMemory,
        arg0: i32,
        arg1: i32,
        arg2: i32,
        arg3: i64,
        arg4: i32,
    ) -> impl std::future::Future<Output = wiggle::anyhow::Result<i32>> + 'a {
""" in rust
    rust = preview(body, "{ async: { m::read } }", profile=22).rust
    assert """    pub async fn read(
        ctx: &mut (impl M),
        memory: &mut wiggle::GuestMemory<'_>,
""" in rust


def test_add_to_linker() -> None:
    body = '(@interface func (export "f") (result $e (expected (error $errno))))'
    assert """    /// Adds all instance items to the specified `Linker`.
    pub fn add_to_linker<T, U>(
        linker: &mut wiggle::wasmtime_crate::Linker<T>,
        get_cx: impl Fn(&mut T) -> &mut U + Send + Sync + Copy + 'static,
    ) -> wiggle::anyhow::Result<()>
    where
        U: M,
    {
""" in preview(body).rust
    # async: the Send bound, spliced in twice (wasmtime.rs `U: #ctx_bound #send_bound`); a user error adds its trait.
    assert """        get_cx: impl Fn(&mut T) -> &U + Send + Sync + Copy + 'static,
    ) -> wiggle::anyhow::Result<()>
    where
        U: M + UserErrorConversion + Send,
        T: Send + Send,
        T: Send,
    {
""" in preview(body, "{ async: *, errors: { errno => Rich }, mutable: false }").rust
    assert "U: M,\n" in preview(body, "{ block_on: * }").rust  # blocking functions need no Send
    assert "add_to_linker" not in preview(body, "{ wasmtime: false }").rust
    assert "    where\n        T: 'static,\n        U: M,\n" in preview(body, profile=34).rust
    assert ") -> wiggle::error::Result<()>\n" in preview(body, profile=42).rust


def test_module_layout() -> None:
    rust = preview('(@interface func (export "f") (result $e (expected (error $errno))))').rust
    start = rust.index("pub mod m {")
    module = rust[start:]
    order = [module.index(s) for s in ("use super::types::*;", "pub use super::types::UserErrorConversion;",
                                        "pub fn f<'a>(", "#[wiggle::async_trait]", "pub fn add_to_linker")]
    assert order == sorted(order)

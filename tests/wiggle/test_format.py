"""rustfmt-style layout (max_width 100, 4-space indents): signatures on one line
while they fit, one parameter per line otherwise; `where` clauses; long type
aliases; and blocks."""

from __future__ import annotations

from witx_lsp.wiggle.codegen.rust_writer import FnSig, RustWriter, match_arm, single_child_chain


def lines(level: int, sig: FnSig, body: list[str] | None = None) -> list[str]:
    w = RustWriter(level)
    w.fn(sig, body)
    return w.lines


def test_signature_that_fits_exactly_in_100_columns_stays_on_one_line() -> None:
    # 8 (indent) + 92 = 100 columns, `;` included.
    name = "f" * 48
    sig = FnSig(name, ("&mut self", "fd: Fd"), "Result<(), Errno>")
    one = f"fn {name}(&mut self, fd: Fd) -> Result<(), Errno>;"
    assert len(one) == 92
    assert lines(2, sig) == ["        " + one]
    # One more column and every parameter gets its own line, with a trailing comma.
    sig = FnSig(name + "g", ("&mut self", "fd: Fd"), "Result<(), Errno>")
    assert lines(2, sig) == [f"        fn {name}g(", "            &mut self,", "            fd: Fd,",
                             "        ) -> Result<(), Errno>;"]


def test_body_brace_counts_toward_the_width() -> None:
    sig = FnSig("read", ("location: &wiggle::GuestPtr<'a, Self>",), "Result<Self, wiggle::GuestError>")
    assert lines(2, sig, ["x"]) == [
        "        fn read(location: &wiggle::GuestPtr<'a, Self>) -> Result<Self, wiggle::GuestError> {",
        "            x", "        }"]
    sig = FnSig("write", ("location: &wiggle::GuestPtr<'_, Self>", "val: Self"), "Result<(), wiggle::GuestError>")
    assert lines(2, sig, ["x"]) == ["        fn write(", "            location: &wiggle::GuestPtr<'_, Self>,",
                                    "            val: Self,", "        ) -> Result<(), wiggle::GuestError> {",
                                    "            x", "        }"]
    assert lines(0, FnSig("f"), []) == ["fn f() {}"]


def test_where_clause_goes_on_its_own_lines() -> None:
    sig = FnSig("add_to_linker", ("linker: &mut wiggle::wasmtime_crate::Linker<T>",
                                  "get_cx: impl Fn(&mut T) -> &mut U + Send + Sync + Copy + 'static"),
                "wiggle::anyhow::Result<()>", "<T, U>", "pub ", ("U: Atoms",))
    assert lines(1, sig, ["x"]) == [
        "    pub fn add_to_linker<T, U>(",
        "        linker: &mut wiggle::wasmtime_crate::Linker<T>,",
        "        get_cx: impl Fn(&mut T) -> &mut U + Send + Sync + Copy + 'static,",
        "    ) -> wiggle::anyhow::Result<()>",
        "    where",
        "        U: Atoms,",
        "    {",
        "        x",
        "    }"]
    short = FnSig("f", ("t: T",), None, "<T>", "", ("T: Copy",))
    assert lines(0, short, ["x"]) == ["fn f<T>(t: T)", "where", "    T: Copy,", "{", "    x", "}"]


def test_type_alias_breaks_after_the_equals_sign() -> None:
    w = RustWriter(1)
    w.type_alias("pub type A<'a>", "wiggle::GuestPtr<'a, [B<'a>]>")
    rhs = "wiggle::GuestPtr<'a, [" + "X" * 70 + "<'a>]>"
    w.type_alias("pub type LongName<'a>", rhs)
    assert w.lines == ["    pub type A<'a> = wiggle::GuestPtr<'a, [B<'a>]>;", "    pub type LongName<'a> =",
                       f"        {rhs};"]


def test_writer_blocks_and_blank_lines() -> None:
    w = RustWriter()
    with w.block("pub mod types {"):
        w.line("use std::convert::TryFrom;")
        w.blank()
        w.blank()
        w.line("pub type Size = u32;")
    assert w.text() == "pub mod types {\n    use std::convert::TryFrom;\n\n    pub type Size = u32;\n}\n"


def test_single_child_chain() -> None:
    root, child = "Fl::from_bits(value)", ".ok_or(wiggle::GuestError::InvalidFlagValue(stringify!(Fl)))"
    assert single_child_chain(3, root, child) == [root + child]  # 12 + 80 columns: one line
    root = "CarConfig::from_bits(value)"
    child = ".ok_or(wiggle::GuestError::InvalidFlagValue(stringify!(CarConfig)))"
    assert single_child_chain(2, root, child) == [root, "    " + child]  # 8 + 94 columns
    name = "ImageOptimizerTransformConfigOptions"
    root, child = f"{name}::from_bits(value)", f".ok_or(wiggle::GuestError::InvalidFlagValue(stringify!({name})))"
    assert single_child_chain(3, root, child) == [
        root, "    .ok_or(wiggle::GuestError::InvalidFlagValue(stringify!(", f"        {name}", "    )))"]


def test_match_arm_moves_a_long_body_into_a_block() -> None:
    assert match_arm(4, "0", "Ok(Excuse::DogAte)") == ["0 => Ok(Excuse::DogAte),"]
    body = "Err(wiggle::GuestError::InvalidEnumValue(stringify!(SubscriptionClockFlagsExtended)))"
    assert match_arm(4, "_", body) == ["_ => {", f"    {body}", "}"]

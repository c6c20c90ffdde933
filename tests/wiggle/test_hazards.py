"""Generator hazards W0601-W0611: each one at its construct, with the generator's
behaviour and the fix in the message; and the constructs that are fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, PREVIEW1, needs_corpus
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.model.analysis import analyze, analyze_text
from witx_lsp.wiggle.codegen import hazard_diagnostics, parse_config

ERRNO = "(typename $errno (enum (@witx tag u16) $success $badf))\n"


def hazards(src: str, config: str | None = None) -> list[tuple[str, str, str]]:
    """(code, the source text at the range, message) of each hazard."""
    analysis = analyze_text(src)
    assert not analysis.has_errors(), analysis.diagnostics
    cfg = parse_config(config, require_witx=False) if config else None
    diags: list[Diagnostic] = hazard_diagnostics(analysis, cfg) if cfg else hazard_diagnostics(analysis)
    for d in diags:
        assert d.severity is Severity.WARNING and d.data is not None and d.data["generator"] == "wiggle"
    return [(d.code, src[d.span.start:d.span.end], d.message) for d in diags]


def func(params: str, result: str = "(result $e (expected (error $errno)))") -> str:
    return ERRNO + f'(module $m (@interface func (export "f") {params} {result}))'


def test_w0601_anonymous_bool() -> None:
    [(code, at, message)] = hazards(func("(param $on bool)"))
    assert (code, at) == ("W0601", "bool")
    assert message == ("anonymous `bool` in parameter `on` of `f`: wiggle-generate panics (“not implemented: "
                       "anonymous variant ref”), so the macro fails; define `(typename $flag bool)` and use `$flag`")
    [(code, at, _)] = hazards(func("(param $p (@witx pointer (list bool)))"))
    assert (code, at) == ("W0601", "bool")
    [(code, at, message)] = hazards("(typename $r (record (field $b bool)))")
    assert (code, at) == ("W0601", "bool") and "other anonymous struct members" in message
    assert [h[0] for h in hazards("(typename $v (variant (case $a bool)))")] == ["W0601"]
    assert [h[0] for h in hazards("(typename $l (list bool))")] == ["W0601"]
    # A named bool is fine, and so are flags (whose members are bools inside the model).
    assert hazards("(typename $b bool)\n(typename $f (flags $x $y))\n(typename $r (record (field $b $b)))\n"
                   + func("(param $on $b) (param $f $f)")) == []


def test_w0602_char() -> None:
    [(code, at, message)] = hazards(func("(param $c char)"))
    assert (code, at) == ("W0602", "char")
    assert "wiggle-generate panics (“no implementation for CharFromI32”)" in message
    [(code, at, message)] = hazards("(typename $r (record (field $c char)))")
    assert (code, at) == ("W0602", "char") and "does not compile" in message
    assert [h[:2] for h in hazards("(typename $c char)\n(typename $v (variant (case $a $c)))")] == [("W0602", "$c")]
    assert [h[:2] for h in hazards("(typename $c char)\n" + func("", "(result $e (expected $c (error $errno)))"))] \
        == [("W0602", "(expected $c (error $errno))")]
    assert hazards(func("(param $s string)")) == []  # a string is a list of char: fine


def test_w0603_named_tuple() -> None:
    [(code, at, message)] = hazards("(typename $pair (tuple u32 u64))")
    assert (code, at) == ("W0603", "(tuple u32 u64)")
    assert message.startswith("named tuple `$pair`: wiggle-generate panics (“Ident cannot be a number; use Literal "
                              "instead”)")
    assert "use a record with named fields" in message
    # An anonymous tuple as an ok value is fine: `Result<(Size, Size), Errno>`.
    assert hazards("(typename $size u32)\n" + func("", "(result $e (expected (tuple $size $size) (error $errno)))")) \
        == []


def test_w0604_untagged_union() -> None:
    [(code, at, message)] = hazards("(typename $u (union u8 u64))")
    assert (code, at) == ("W0604", "(union u8 u64)") and "(`(@witx tag $t)`)" in message
    assert hazards("(typename $t (enum $a $b))\n(typename $u (union (@witx tag $t) u8 u64))") == []


def test_w0605_named_string() -> None:
    [(code, at, message)] = hazards("(typename $path string)")
    assert (code, at) == ("W0605", "string")
    assert "`wiggle::GuestPtr<'a, [char]>`, not `wiggle::GuestPtr<'a, str>`" in message
    assert [h[:2] for h in hazards("(typename $c char)\n(typename $s (list $c))")] == [("W0605", "(list $c)")]
    assert hazards("(typename $bytes (list u8))") == []


def test_w0606_result_not_expected() -> None:
    [(code, at, message)] = hazards(func("", "(result $n u32)"))
    assert (code, at) == ("W0606", "u32")
    assert message == ("result `n` of `f` is `u32`, not an `expected`: wiggle-generate panics (“not implemented”); "
                       "return `(expected <ok type> (error $errno))`")
    named = "(typename $size u32)\n(typename $r (expected $size (error $errno)))\n"
    assert hazards(ERRNO + named + '(module $m (@interface func (export "f") (result $e $r)))') == []


def test_w0607_error_not_an_enum() -> None:
    [(code, at, message)] = hazards("(typename $code u32)\n" + func("", "(result $e (expected (error $code)))"))
    assert (code, at) == ("W0607", "(error $code)")
    assert "wiggle-generate panics (“no implementation for I32FromU32”)" in message
    [(code, at, message)] = hazards(func("", "(result $e (expected $errno (error)))"))
    assert (code, at) == ("W0607", "(expected $errno (error))") and "has no error type" in message
    flags = "(typename $fl (flags $a))\n"
    assert "I32FromBitflags" in hazards(flags + func("", "(result $e (expected (error $fl)))"))[0][2]


def test_w0608_anonymous_record_member() -> None:
    [(code, at, message)] = hazards("(typename $message (record (field $body (list u8)) (field $len u32)))")
    assert (code, at) == ("W0608", "(list u8)")
    assert message == ("field `body` of `$message` is an anonymous list, `(list u8)`: wiggle-generate panics (“not "
                       "implemented: other anonymous struct members”); define it as a typename, e.g. "
                       "`(typename $body_list (list u8))`, and use that")
    assert [h[:2] for h in hazards("(typename $r (record (field $s string)))")] == [("W0608", "string")]
    # Pointers and builtins are the anonymous members wiggle accepts.
    assert hazards("(typename $r (record (field $p (@witx pointer u8)) (field $n u64)))") == []


def test_w0609_no_rust_identifier() -> None:
    [(code, at, message)] = hazards("(typename $2fast u32)")
    assert (code, at) == ("W0609", "$2fast")
    assert message == ("typename `$2fast` becomes `2fast` in Rust, which is not an identifier: wiggle-generate panics "
                       "(“\"2fast\" is not a valid Ident”); rename it")
    [(code, at, message)] = hazards("(typename $Self u32)")
    assert (code, at) == ("W0609", "$Self") and "a keyword wiggle does not escape" in message
    assert [h[:2] for h in hazards(func("(param $2x u32)"))] == [("W0609", "$2x")]
    # `2big` is special only as an enum case; `self` is escaped.
    assert hazards("(typename $e (enum $2big $self))\n(typename $self u32)") == []


def test_w0610_rust_name_clash() -> None:
    [(code, at, message)] = hazards("(typename $file_size u64)\n(typename $fileSize u64)")
    assert (code, at) == ("W0610", "$fileSize")
    assert message == ("typename `$fileSize` and typename `$file_size` both become `FileSize` in Rust: the generated "
                       "code defines it twice and does not compile; rename one of them")
    assert [h[:2] for h in hazards("(typename $user_error_conversion u8)")] == [("W0610", "$user_error_conversion")]
    assert [h[:2] for h in hazards(ERRNO + "(typename $error u8)", "{ errors: { errno => trappable Error } }")] \
        == [("W0610", "$error")]
    assert [h[:2] for h in hazards('(module $types (@interface func (export "f")))')] == [("W0610", "$types")]
    assert [h[:2] for h in hazards('(module $m (@interface func (export "add_to_linker")))')] \
        == [("W0610", '"add_to_linker"')]
    assert hazards('(module $m (@interface func (export "add_to_linker")))', "{ wasmtime: false }") == []
    assert [h[:2] for h in hazards(func("(param $a u32) (param $A u32)"))] == [("W0610", "$A")]
    assert [h[:2] for h in hazards("(typename $e (enum $a_b $aB))")] == [("W0610", "$aB")]
    assert [h[:2] for h in hazards("(typename $f (flags $x_y $xY))")] == [("W0610", "$xY")]
    assert [h[:2] for h in hazards("(typename $r (record (field $x_y u8) (field $xY u8)))")] == [("W0610", "$xY")]


def test_w0610_related_information_points_at_the_first_name() -> None:
    src = "(typename $file_size u64)\n(typename $fileSize u64)"
    [d] = hazard_diagnostics(analyze_text(src))
    [rel] = d.related
    assert src[rel.span.start:rel.span.end] == "$file_size"


def test_w0611_shadowed_prelude_name() -> None:
    [(code, at, message)] = hazards("(typename $result u32)")
    assert (code, at) == ("W0611", "$result")
    assert "shadows Rust's prelude `Result`" in message
    assert [h[:2] for h in hazards("(typename $ok (handle))")] == [("W0611", "$ok")]
    assert hazards("(typename $ok u8)") == []  # only a tuple struct (a handle) has a constructor


@needs_corpus
def test_the_corpus_has_one_hazard() -> None:
    """No false positives: of every witx file of the corpus only one named tuple is a hazard."""
    found = []
    for path in sorted(CORPUS.rglob("*.witx")):
        analysis = analyze([str(path)])
        for d in hazard_diagnostics(analysis):
            found.append((str(path.relative_to(CORPUS)), d.code))
    assert found == [("WebAssembly_WASI/use-syntax-reverted_834679b8/tools/witx/tests/witxt/multimodule/"
                      "structured.witx", "W0603")]


@needs_corpus
@pytest.mark.parametrize("config", ["{}", "{ errors: { errno => trappable Error }, async: * }"])
def test_preview1_has_no_hazards(config: str) -> None:
    assert hazard_diagnostics(analyze([str(PREVIEW1)]), parse_config(config, require_witx=False)) == []


def test_paths_of_diagnostics_are_the_defining_file(tmp_path: Path) -> None:
    (tmp_path / "types.witx").write_text("(typename $pair (tuple u32 u32))\n")
    (tmp_path / "api.witx").write_text('(use "types.witx")\n(typename $p $pair)\n')
    analysis = analyze([str(tmp_path / "api.witx")])
    [d] = hazard_diagnostics(analysis)
    assert d.code == "W0603" and d.path.endswith("types.witx")

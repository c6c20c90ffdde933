"""The S-expression printer (witx-language.md §11): forms, doc comments, the
round trip through our own analysis, and deep nesting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, PREVIEW1, WASI, needs_corpus
from tests.printers.samples import SAMPLE, SAMPLE_SEXPR
from witx_lsp.model.analysis import analyze, analyze_text
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Document,
    ListType,
    NamedType,
    RecordKind,
    RecordMember,
    RecordType,
    TypeRef,
)
from witx_lsp.printers import render_document, render_type
from witx_lsp.witxt.runner import reference_errors, round_trip


def _doc(text: str) -> Document:
    a = analyze_text(text)
    assert [d.message for d in reference_errors(a.diagnostics)] == []
    return a.document


def _body(text: str) -> str:
    """The rendering of the one typename `$t` of a document."""
    named = _doc(text).typename("t")
    assert named is not None
    return render_type(named.tref)


@pytest.mark.parametrize(("source", "expected"), [
    ("u8", "u8"),
    ("s64", "s64"),
    ("f32", "f32"),
    ("char", "char"),
    ("(@witx usize)", "(@witx usize)"),
    ("(@witx char8)", "(@witx char8)"),
    ("string", "(list char)"),
    ("(list (list u16))", "(list (list u16))"),
    ("(@witx pointer (@witx const_pointer u8))", "(@witx pointer (@witx const_pointer u8))"),
    ("(tuple)", "(tuple)"),
    ("(tuple u32 (@witx usize))", "(tuple u32 (@witx usize))"),
    ("(flags $a $b)", "(flags (@witx repr u32) $a $b)"),
    ("(flags (@witx repr u64))", "(flags (@witx repr u64))"),
    ("(record (field $a u8) (field $b string))", "(record (field $a u8) (field $b (list char)))"),
    ("bool", "bool"),
    ("(variant (case $false) (case $true))", "bool"),
    ("(enum $a $b)", "(enum (@witx tag u32) $a $b)"),
    ("(enum (@witx tag u8) $a)", "(enum (@witx tag u8) $a)"),
    ("(expected (error))", "(enum (@witx tag u32) $ok $err)"),
    ("(expected u8 (error u16))", "(variant (@witx tag u32) (case $ok u8) (case $err u16))"),
    ("(union u8 f64)", "(variant (@witx tag u32) (case $0 u8) (case $1 f64))"),
    ("(union (@witx tag u8) u8)", "(variant (@witx tag u8) (case $0 u8))"),
    ("(variant)", "(enum (@witx tag u32))"),  # no case has a payload: enum-like, as in render.rs
    ("(variant (case $x) (case $y u8))", "(variant (@witx tag u32) (case $x) (case $y u8))"),
    ("(handle)", "(handle)"),
])
def test_forms(source: str, expected: str) -> None:
    assert _body(f"(typename $t {source})") == expected


def test_union_with_enum_tag_takes_the_tag_names_and_repr() -> None:
    doc = _doc("(typename $k (enum (@witx tag u16) $a $b)) (typename $t (union (@witx tag $k) u8 $k))")
    named = doc.typename("t")
    assert named is not None
    assert render_type(named.tref) == "(variant (@witx tag u16) (case $a u8) (case $b $k))"


def test_variant_cases_follow_the_enum_tag_order() -> None:
    doc = _doc("(typename $k (enum $a $b)) (typename $t (variant (@witx tag $k) (case $b u8) (case $a)))")
    named = doc.typename("t")
    assert named is not None
    assert render_type(named.tref) == "(variant (@witx tag u32) (case $a) (case $b u8))"


def test_modules_functions_and_noreturn() -> None:
    doc = _doc('(module $m (@interface func (export "exit") (param $code u32) (@witx noreturn))'
               '(@interface func (export "g") (result $r u64)))')
    assert render_document(doc) == (
        '(module $m (@interface func (export "exit") (param $code u32) (@witx noreturn))'
        ' (@interface func (export "g") (result $r u64)))\n')


def test_typenames_come_before_modules_and_constants_are_not_printed() -> None:
    doc = _doc("(module $m) (typename $a u8) (@witx const $a $zero 0) (typename $b $a)")
    assert render_document(doc) == "(typename $a u8)\n(typename $b $a)\n(module $m)\n"


def test_empty_document() -> None:
    assert render_document(_doc("")) == ""


def test_sample_renders_as_derived_by_hand() -> None:
    assert render_document(_doc(SAMPLE)) == SAMPLE_SEXPR


def test_sample_round_trips() -> None:
    doc = _doc(SAMPLE)
    assert round_trip(doc) is None
    assert _doc(render_document(doc)) == doc


def test_round_trip_reports_a_difference() -> None:
    # A u8-tagged variant shaped like bool prints as `bool`, which reads back with a
    # u32 tag: the reference's printer loses the tag too.
    doc = _doc("(typename $t (variant (@witx tag u8) (case $false) (case $true)))")
    problem = round_trip(doc)
    assert problem is not None and "`t`" in problem


def test_deep_nesting_does_not_recurse() -> None:
    tref: TypeRef = Builtin(BuiltinKind.U8)
    for _ in range(20000):
        tref = ListType(tref)
    text = render_type(tref)
    assert text.startswith("(list (list ") and text.endswith("u8" + ")" * 20000)
    wide = RecordType(RecordKind.TUPLE, tuple(RecordMember(str(i), tref) for i in range(3)))
    doc = Document((NamedType("t", wide),), ())
    assert len(render_document(doc)) == len("(typename $t (tuple") + 3 * (1 + len(text)) + len("))\n")


@needs_corpus
@pytest.mark.parametrize("root", [
    PREVIEW1,
    WASI / "preview0" / "witx" / "wasi_unstable.witx",
    CORPUS / "fastly_Viceroy" / "HEAD_274febd9" / "wasm_abi" / "compute-at-edge-abi" / "compute-at-edge.witx",
], ids=lambda p: Path(p).name)
def test_corpus_round_trips(root: Path) -> None:
    a = analyze([str(root)])
    assert not a.has_errors()
    assert round_trip(a.document) is None

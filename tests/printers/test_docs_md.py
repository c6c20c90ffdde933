"""The docs.md renderer (witx-language.md §10): a hand-derived document, type
names, the link post-pass, the documents the reference cannot render, the
corpus docs.md files, and the `docs` command."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, WASI, needs_corpus
from tests.printers.samples import SAMPLE, SAMPLE_MD
from witx_lsp.cli import cmd_docs
from witx_lsp.model.analysis import analyze, analyze_text
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Document,
    InterfaceFunc,
    ListType,
    Module,
    NamedType,
    Param,
    PointerType,
    RecordKind,
    RecordMember,
    RecordType,
    TypeRef,
)
from witx_lsp.printers import DocsError, render_docs
from witx_lsp.printers.docs_md import parse_links, type_name

PHASES = CORPUS / "WebAssembly_WASI" / "phases_27faa3a8" / "phases"
# (docs.md, roots loaded together): the four files the reference reproduces byte for byte.
DOCS_CASES = [
    (WASI / "preview0" / "docs.md", [WASI / "preview0" / "witx" / "wasi_unstable.witx"]),
    (PHASES / "snapshot" / "docs.md", [PHASES / "snapshot" / "witx" / "wasi_snapshot_preview1.witx"]),
    (PHASES / "old" / "snapshot_0" / "docs.md", [PHASES / "old" / "snapshot_0" / "witx" / "wasi_unstable.witx"]),
    (PHASES / "ephemeral" / "docs.md", sorted((PHASES / "ephemeral" / "witx").glob("wasi_ephemeral_*.witx"))),
]


def _doc(text: str) -> Document:
    return analyze_text(text).document


def _type(text: str, name: str = "t") -> TypeRef:
    named = _doc(text).typename(name)
    assert named is not None
    return named.tref


def test_sample_renders_as_derived_by_hand() -> None:
    a = analyze_text(SAMPLE)
    assert not a.has_errors()
    assert render_docs(a.document) == SAMPLE_MD


def test_empty_document() -> None:
    assert render_docs(_doc("")) == "# Types\n# Modules\n"


def test_module_without_imports_or_functions() -> None:
    assert render_docs(_doc("(module $m)")) == (
        '# Types\n# Modules\n## <a href="#m" name="m"></a> m\n### Imports\n### Functions\n')


def test_function_header_with_several_results() -> None:
    # Validation rejects two results (an ABI error), but the renderer shows them as
    # the reference's MdFunc does: ` -> (A, B)`.
    u8, ptr = Builtin(BuiltinKind.U8), PointerType(Builtin(BuiltinKind.CHAR))
    func = InterfaceFunc("g", (Param("p", ListType(u8)),), (Param("a", u8), Param("b", ptr)))
    md = render_docs(Document((), (Module("m", (), (func,)),)))
    assert '#### <a href="#g" name="g"></a> `g(p: List<u8>) -> (u8, Pointer<char>)`\n\n' in md
    assert md.endswith('- <a href="#g.a" name="g.a"></a> `a`: `u8`\n\n'
                       '- <a href="#g.b" name="g.b"></a> `b`: `Pointer<char>`\n\n')


def test_nested_anonymous_types_get_nested_sections() -> None:
    md = render_docs(_doc("(typename $t (tuple (tuple u8 u16) bool))"))
    assert md.endswith(
        "### Record members\n"
        '- <a href="#t.0" name="t.0"></a> `0`: `(u8, u16)`\n\nOffset: 0\n\n'
        "#### Record members\n"
        '- <a href="#t.0.0" name="t.0.0"></a> `0`: `u8`\n\nOffset: 0\n\n'
        '- <a href="#t.0.1" name="t.0.1"></a> `1`: `u16`\n\nOffset: 2\n\n'
        '- <a href="#t.1" name="t.1"></a> `1`: `bool`\n\nOffset: 4\n\n'
        "# Modules\n")
    assert "Size: 8\n\nAlignment: 4\n" in md


def test_noreturn_function_without_results() -> None:
    md = render_docs(_doc('(module $m (@interface func (export "exit") (param $c u32) (@witx noreturn)))'))
    assert md.endswith(
        "### Functions\n\n---\n\n"
        '#### <a href="#exit" name="exit"></a> `exit(c: u32)`\n\n'
        "##### Params\n"
        '- <a href="#exit.c" name="exit.c"></a> `c`: `u32`\n\n'
        "##### Results\n")


def test_bool_has_no_sections() -> None:
    assert render_docs(_doc("(typename $t bool)")).endswith("`t`: `bool`\n\nSize: 4\n\nAlignment: 4\n\n# Modules\n")


@pytest.mark.parametrize(("source", "expected"), [
    ("(@witx char8)", "u8"),
    ("(@witx usize)", "usize"),
    ("u32", "u32"),
    ("char", "char"),
    ("string", "string"),
    ("(list char)", "string"),
    ("(list (@witx char8))", "List<u8>"),
    ("(list (list u64))", "List<List<u64>>"),
    ("(@witx pointer (@witx const_pointer s8))", "Pointer<ConstPointer<s8>>"),
    ("(tuple)", "()"),
    ("(tuple u8 (tuple f32 f64))", "(u8, (f32, f64))"),
    ("(flags $a)", "Record"),
    ("(record (field $a u8))", "Record"),
    ("(handle)", "Handle"),
    ("(expected (error))", "Result<(), ()>"),
    ("(expected (list u8) (error u16))", "Result<List<u8>, u16>"),
    ("(variant (case $ok) (case $err))", "Result<(), ()>"),
    ("bool", "bool"),
    ("(enum $a)", "Variant"),
    ("(union u8)", "Variant"),
    ("(variant (case $err) (case $ok))", "Variant"),
])
def test_type_names(source: str, expected: str) -> None:
    assert type_name(_type(f"(typename $t {source})")) == expected


def test_type_names_of_references_and_lists_of_char_aliases() -> None:
    doc = _doc("(typename $c char) (typename $s (list $c)) (typename $l (list $s))")
    s, lst = doc.typename("s"), doc.typename("l")
    assert s is not None and lst is not None
    assert type_name(s) == "s"
    assert type_name(s.tref) == "string"  # the element resolves to char through the alias
    assert type_name(lst.tref) == "List<s>"


def test_type_name_of_deep_nesting() -> None:
    tref: TypeRef = Builtin(BuiltinKind.U8)
    for _ in range(20000):
        tref = ListType(tref)
    assert type_name(tref) == "List<" * 20000 + "u8" + ">" * 20000


@pytest.mark.parametrize(("text", "expected"), [
    ("see `a`.", "see [`a`](#a)."),
    ("see `a::b` and `c`", "see [`a::b`](#a.b) and `c`"),
    ("`x` `` y", "`x` `` y"),
    ("no links", "no links"),
    ("cut `a` here `b and the rest", "cut [`a`](#a) here "),
    ("`a`", "[`a`](#a)"),
    ("", ""),
])
def test_parse_links(text: str, expected: str) -> None:
    assert parse_links(text, {"a", "a.b"}) == expected


def test_constants_of_an_unknown_type_cannot_be_rendered() -> None:
    a = analyze_text("(@witx const $nope $x 1) (typename $t u8)")
    assert a.document.constants, "the model keeps the constant"
    with pytest.raises(DocsError, match="`nope`"):
        render_docs(a.document)


@pytest.mark.parametrize("source", [
    "(typename $t (tuple))",
    "(typename $t (tuple u8 (variant)))",
    "(typename $t (variant (case $a (variant))))",
    '(module $m (@interface func (export "f") (param $p (tuple u8 (variant)))))',
])
def test_types_without_layout_cannot_be_rendered(source: str) -> None:
    with pytest.raises(DocsError):
        render_docs(_doc(source))


def test_a_variant_without_cases_is_zero_sized() -> None:
    md = render_docs(_doc("(typename $t (variant)) (typename $l (list (tuple)))"))
    assert "`t`: `Variant`\n\nSize: 0\n\nAlignment: 0\n\n### Variant cases\n" in md
    assert "`l`: `List<()>`\n\nSize: 8\n\nAlignment: 4\n\n" in md


def test_wide_document() -> None:
    members = tuple(RecordMember(f"m{i}", Builtin(BuiltinKind.U8)) for i in range(300))
    doc = Document((NamedType("t", RecordType(RecordKind.OTHER, members)),), ())
    md = render_docs(doc)
    assert md.count("Offset: ") == 300 and "Offset: 299\n" in md and "Size: 300\n" in md


@needs_corpus
@pytest.mark.parametrize(("docs", "roots"), DOCS_CASES, ids=[str(c[0].relative_to(CORPUS)) for c in DOCS_CASES])
def test_corpus_docs_are_byte_identical(docs: Path, roots: list[Path]) -> None:
    a = analyze([str(r) for r in roots])
    assert not a.has_errors()
    assert render_docs(a.document) == docs.read_text(encoding="utf-8")


@needs_corpus
def test_preview1_docs_match_but_for_stale_doc_text() -> None:
    # preview1/docs.md was generated before some doc comments of its witx changed
    # upstream; every heading, anchor and layout line still agrees.
    a = analyze([str(WASI / "preview1" / "witx" / "wasi_snapshot_preview1.witx")])
    structural = re.compile(r"^(#|- <a |- size|- align|- tag_size|Size: |Alignment: |Offset: |Bit: |---)")
    got = [ln for ln in render_docs(a.document).splitlines() if structural.match(ln)]
    expected = [ln for ln in (WASI / "preview1" / "docs.md").read_text().splitlines() if structural.match(ln)]
    assert len(got) > 1000
    assert got == expected


# -- the `docs` command --------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cmd_docs.register(parser.add_subparsers())
    args = parser.parse_args(["docs", *argv])
    code: int = args.func(args)
    return code


def test_cli_prints_the_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.witx"
    src.write_text(SAMPLE)
    assert _run([str(src)]) == 0
    out, err = capsys.readouterr()
    assert out == SAMPLE_MD and err == ""


def test_cli_loads_paths_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.witx").write_text("(typename $a u8)")
    (tmp_path / "b.witx").write_text("(typename $b $a)")
    assert _run([str(tmp_path / "a.witx"), str(tmp_path / "b.witx")]) == 0
    out = capsys.readouterr().out
    assert "`a`: `u8`" in out and "`b`: [`a`](#a)" in out


def test_cli_with_errors_prints_what_it_can_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.witx"
    src.write_text("(typename $a u8)\n(typename $b $nope)\n")
    assert _run([str(src)]) == 1
    out, err = capsys.readouterr()
    assert "`a`: `u8`" in out and "Unknown name `nope`" in err


def test_cli_unrenderable_document_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "empty.witx"
    src.write_text("(typename $t (tuple))\n")
    assert _run([str(src)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "cannot render" in err


def test_cli_output_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "a.witx", tmp_path / "docs.md"
    src.write_text(SAMPLE)
    assert _run([str(src), "--check", "-o", str(out)]) == 1  # missing
    assert _run([str(src), "-o", str(out)]) == 0
    assert out.read_text() == SAMPLE_MD
    assert _run([str(src), "--check", "-o", str(out)]) == 0
    out.write_text(SAMPLE_MD + "\n")
    assert _run([str(src), "--check", "-o", str(out)]) == 1
    assert _run([str(src), "--check"]) == 2
    assert capsys.readouterr().out == ""


def test_cli_check_does_not_read_a_fifo_or_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, fifo = tmp_path / "a.witx", tmp_path / "docs.md"
    src.write_text(SAMPLE)
    os.mkfifo(fifo)  # nobody writes it: reading it would block forever
    assert _run([str(src), "--check", "-o", str(fifo)]) == 1
    assert _run([str(src), "--check", "-o", str(tmp_path)]) == 1
    assert "is not up to date" in capsys.readouterr().err

"""Formatting on tricky inputs: every result is idempotent, keeps every comment,
and analyses to an equal Document with the same diagnostics."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from witx_lsp.base.span import Span
from witx_lsp.features.formatting import format_document, format_range, format_text
from witx_lsp.model.analysis import analyze_text
from witx_lsp.model.migrate import TextEdit, apply_edits
from witx_lsp.syntax.parser import parse


def fmt(text: str) -> str:
    f = format_text(text)
    assert f is not None
    return f.text


def apply(text: str, edits: list[tuple[Span, str]]) -> str:
    return apply_edits(text, [TextEdit(s.start, s.end, t) for s, t in edits])


def check(text: str) -> str:
    """Format and assert the invariants; returns the formatted text."""
    out = fmt(text)
    assert fmt(out) == out, "not idempotent"
    comments = Counter(c.text.rstrip("\r") for c in parse(text).comments)
    assert Counter(c.text.rstrip("\r") for c in parse(out).comments) == comments
    before, after = analyze_text(text), analyze_text(out)
    assert after.document == before.document
    assert [(d.code, d.message) for d in after.diagnostics] == [(d.code, d.message) for d in before.diagnostics]
    docs = [t.docs for t in before.document.typenames]
    assert [t.docs for t in after.document.typenames] == docs
    return out


def test_short_forms_stay_on_one_line_and_forms_are_separated_by_one_blank_line() -> None:
    text = "(typename $a u32)(typename $b   (list\n $a))\n\n\n\n(typename $c (expected $a (error $b)))"
    assert check(text) == ("(typename $a u32)\n\n(typename $b (list $a))\n\n"
                           "(typename $c (expected $a (error $b)))\n")


def test_typename_bodies_are_broken_one_member_per_line() -> None:
    text = "(typename $e (enum (@witx tag u8) $a $b))\n(typename $r (record (field $x u8) (field $y $e)))"
    assert check(text) == (
        "(typename $e\n  (enum (@witx tag u8)\n    $a\n    $b\n  )\n)\n\n"
        "(typename $r\n  (record\n    (field $x u8)\n    (field $y $e)\n  )\n)\n")


def test_module_and_functions_are_broken() -> None:
    text = ('(typename $errno (enum $ok))(module $m (import "memory" (memory)) (@interface func (export "f") '
            "(param $p u32) (result $e (expected (error $errno))) (@witx noreturn)))")
    assert check(text).endswith(
        '(module $m\n  (import "memory" (memory))\n  (@interface func (export "f")\n    (param $p u32)\n'
        "    (result $e (expected (error $errno)))\n    (@witx noreturn)\n  )\n)\n")


def test_comments_everywhere_stay_where_they_are() -> None:
    text = ("(typename $a u32) ;; after a\n;; own\n(typename $b\n   (record (field $x u8) ;; x\n"
            "  ;;; doc y\n\n  (field $y (; inline ;) u64)\n ;; before close\n ))\n")
    assert check(text) == (
        "(typename $a u32) ;; after a\n\n;; own\n(typename $b\n  (record\n    (field $x u8) ;; x\n"
        "    ;;; doc y\n    (field $y (; inline ;) u64)\n    ;; before close\n  )\n)\n")


def test_comment_right_after_an_open_paren_keeps_a_space() -> None:
    out = check("( ;; why\n typename $a u32)\n(;a;)(typename $b u8)")
    assert "( ;; why\n" in out and "(;a;)" in out


def test_multi_line_block_comments_are_copied_verbatim() -> None:
    text = "(typename $a\n    (; one\n       two\n    ;) u32)\n(; (; nested ;) x\n  y ;)\n(typename $b u8)\n"
    out = check(text)
    assert "(; one\n       two\n    ;)" in out
    assert "(; (; nested ;) x\n  y ;)" in out


def test_doc_comments_sit_directly_above_their_item() -> None:
    text = ";;; Docs of a.\n;;; Second line.\n\n(typename $a u32)\n;; note\n\n(typename $b u32)\n"
    out = check(text)
    assert out == ";;; Docs of a.\n;;; Second line.\n(typename $a u32)\n\n;; note\n\n(typename $b u32)\n"


def test_block_doc_comments_and_member_docs() -> None:
    text = "(typename $f (flags (@witx repr u8)\n (;; first ;) $a\n   ;;; second\n      ;;;   indented\n $b))"
    out = check(text)
    assert "    (;; first ;)\n    $a\n    ;;; second\n    ;;;   indented\n    $b\n" in out


def test_blank_lines_between_members_are_kept_at_most_one() -> None:
    text = "(typename $r (record\n (field $a u8)\n\n\n\n (field $b u8)\n (field $c u8)))"
    assert "(field $a u8)\n\n    (field $b u8)\n    (field $c u8)\n" in check(text)


def test_strings_with_escapes_are_untouched() -> None:
    text = '(module $m (@interface func (export "a\\"b\\\\c\\t\\u{1F600}é\\41")))'
    assert '(export "a\\"b\\\\c\\t\\u{1F600}é\\41")' in check(text)


def test_unknown_annotations_are_formatted_like_any_form() -> None:
    out = check("(@foo   (bar\n baz) 1 \"s\")\n(typename $a (@hint x) u32)")
    assert out == '(@foo (bar baz) 1 "s")\n\n(typename $a (@hint x) u32)\n'


def test_legacy_files_are_formatted_without_changing_their_diagnostics() -> None:
    text = ("(typename $e (enum u8 $a $b))\n(typename $s (struct (field $x $e)\n (field $y char8)))\n"
            "(typename $u (union $e (field $a u8) (empty $b)))\n(typename $l (array u8))")
    out = check(text)
    assert "(typename $s\n  (struct\n" not in out  # `struct` is no block form: it fits on one line
    assert "(typename $l (array u8))" in out


def test_long_forms_are_broken_at_the_width_limit() -> None:
    long = " ".join(f"$type_number_{i}" for i in range(8))
    text = "".join(f"(typename $type_number_{i} u8)" for i in range(8)) + f"(typename $t (tuple {long}))"
    out = check(text)
    assert "(typename $t\n  (tuple\n    $type_number_0\n" in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_crlf_line_endings_are_kept() -> None:
    out = check("(typename $a u32) ;; c\r\n(typename $b\r\n u8)\r\n")
    assert out == "(typename $a u32) ;; c\r\n\r\n(typename $b u8)\r\n"


def test_empty_and_comment_only_files() -> None:
    assert check("") == ""
    assert check("  \n\n") == ""
    assert check(";; only\n\n\n(; block ;)\n") == ";; only\n\n(; block ;)\n"


@pytest.mark.parametrize("text", ["(typename $a u32", "(typename $a u32))", '(module $m (import "x', "(; open"])
def test_syntax_errors_refuse_to_format(text: str) -> None:
    assert format_text(text) is None
    assert format_document(text) is None
    assert format_range(text, Span(0, 1)) is None


def test_document_edits_apply_to_the_canonical_text() -> None:
    text = "(typename $a   u32)\n(typename $b u8)\n"
    edits = format_document(text)
    assert edits is not None and len(edits) == 1
    assert apply(text, edits) == "(typename $a u32)\n\n(typename $b u8)\n"
    assert format_document(apply(text, edits)) == []


def test_range_formatting_touches_only_the_forms_in_the_range() -> None:
    text = "(typename   $a u32)\n(typename   $b u8)\n(typename   $c u8)\n"
    at_b = text.index("$b")
    edits = format_range(text, Span(at_b, at_b))
    assert edits is not None
    assert apply(text, edits) == "(typename   $a u32)\n(typename $b u8)\n(typename   $c u8)\n"
    edits = format_range(text, Span(0, len(text)))
    assert edits is not None
    assert apply(text, edits) == "(typename $a u32)\n(typename $b u8)\n(typename $c u8)\n"


def test_deep_nesting_is_refused_rather_than_crashing() -> None:
    text = "(typename $a " + "(list " * 300 + "u8" + ")" * 300 + ")"
    assert format_text(text) is None


_ATOMS = st.sampled_from(["$a", "$b", "u8", "typename", "record", "field", "enum", "variant", "module", "@witx",
                           "@interface", "func", "tag", '"s"', '"\\""', "42"])
_GAPS = st.sampled_from(["", " ", "\n", "\n\n", "\t", ";; c\n", " ;;; d\n", "(; b ;)", "(;; bd\n  x ;)", "\n;; e\n\n"])
_TREES = st.recursive(_ATOMS, lambda kids: st.lists(kids, max_size=6).map(lambda k: ("list", k)), max_leaves=40)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    out: list[str] = []
    todo: list[object] = list(reversed(draw(st.lists(_TREES, max_size=5))))
    while todo:
        node = todo.pop()
        out.append(draw(_GAPS))
        if isinstance(node, str):
            out.append(node)
            out.append(" ")
        elif isinstance(node, tuple):
            out.append("(")
            todo.append(")")
            todo.extend(reversed(node[1]))
    out.append(draw(_GAPS))
    return "".join(out)


@settings(max_examples=500, deadline=None)
@given(_texts())
def test_any_well_formed_text_formats_idempotently(text: str) -> None:
    if parse(text).errors:
        assert format_text(text) is None
        return
    out = format_text(text)
    assert out is not None, "the safety net refused a well-formed text"
    again = format_text(out.text)
    assert again is not None and again.text == out.text

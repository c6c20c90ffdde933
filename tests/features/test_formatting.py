"""Formatting respects the author: line breaks, blank lines, comments and strings
stay; only indentation that contradicts the nesting and spacing inside lines
change; every FormattingOptions field is honoured; results are idempotent and
keep every token."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from witx_lsp.base.span import Span
from witx_lsp.base.text import LineIndex, PositionEncoding
from witx_lsp.features.format_options import FormatOptions, infer_options
from witx_lsp.features.formatting import format_document, format_range, format_text
from witx_lsp.model.analysis import analyze_text
from witx_lsp.model.migrate import TextEdit, apply_edits
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.scanner import tokens

TWO = FormatOptions()
FOUR = FormatOptions(tab_size=4)


def apply(text: str, edits: list[tuple[Span, str]]) -> str:
    return apply_edits(text, [TextEdit(s.start, s.end, t) for s, t in edits])


def check(text: str, options: FormatOptions = TWO) -> str:
    """Format and assert the invariants; returns the formatted text."""
    out = format_text(text, options)
    assert out is not None
    assert format_text(out, options) == out, "not idempotent"
    edits = format_document(text, options)
    assert edits is not None and apply(text, edits) == out
    assert format_document(out, options) == []
    before, after = analyze_text(text), analyze_text(out)
    assert after.document == before.document
    assert [(d.code, d.message) for d in after.diagnostics] == [(d.code, d.message) for d in before.diagnostics]
    assert [t.docs for t in after.document.typenames] == [t.docs for t in before.document.typenames]
    return out


# An author's file in the WASI preview1 style (2 spaces a level, a blank line and doc
# comments between items, an annotation kept on the line of its form, a final blank line).
WASI_STYLE = """\
;; Types.

;;; An event.
(typename $event
  (union (@witx tag $eventtype)
    ;;; A clock.
    $clock

    ;;; A descriptor.
    (field $fd_readwrite $event_fd_readwrite)
  )
)

(module $m
  (import "memory" (memory))
  (@interface func (export "fd_close")
    (param $fd $fd)
    (result $error (expected (error $errno)))
  )
)

"""


def test_an_author_file_in_the_wasi_style_is_left_alone() -> None:
    assert format_document(WASI_STYLE, TWO) == []
    assert format_document(WASI_STYLE, replace(TWO, insert_final_newline=True)) == []


def test_the_same_file_at_4_spaces_is_left_alone_with_tab_size_4_and_reindented_with_2() -> None:
    four = "\n".join(line.replace("  ", "    ") for line in WASI_STYLE.split("\n"))
    assert format_document(four, FOUR) == []
    assert check(four, TWO) == WASI_STYLE
    assert check(WASI_STYLE, FOUR) == four


def test_line_breaks_are_never_joined_or_split() -> None:
    text = "(typename $e (enum (@witx tag u8) $a $b))\n(typename $r\n(record\n(field $x u8) (field $y u8)))\n"
    out = check(text)
    assert out == ("(typename $e (enum (@witx tag u8) $a $b))\n"
                   "(typename $r\n  (record\n    (field $x u8) (field $y u8)))\n")


def test_only_contradicting_indentation_changes_and_children_follow_their_parent() -> None:
    text = ("(typename $r\n"
            "     (record\n"            # 5: contradicts (1 level = 2)
            "       (field $a u8)\n"    # 7: right for the author's parent, so it moves with it
            "       (field $b u8)\n"
            "     )\n"
            ")\n")
    assert check(text) == "(typename $r\n  (record\n    (field $a u8)\n    (field $b u8)\n  )\n)\n"


@pytest.mark.parametrize("text", [
    # closing parens on the last member's line, at the opener's level, at the members' level
    "(typename $e\n  (enum (@witx tag u8)\n    $a\n    $b))\n",
    "(typename $e\n  (enum (@witx tag u8)\n    $a\n    $b\n  )\n)\n",
    "(typename $e\n  (enum (@witx tag u8)\n    $a\n    $b\n    ))\n",
    # Lisp styles: aligned with the first argument, with the head, one unit past the opening line
    "(typename $e (enum (@witx tag u8)\n                   $a\n                   $b))\n",
    "(typename $p\n  (record (field $x\n                 u8)))\n",
    "(typename $e (enum\n              $a))\n",
    "(typename $e (enum (@witx tag u8)\n  $a\n  $b\n))\n",
    # a comment above a `)` at the `)`'s level, and at the members' level
    "(typename $e\n  (enum\n    $a\n  ;; end\n  )\n)\n",
    "(typename $e\n  (enum\n    $a\n    ;; end\n  )\n)\n",
])
def test_consistent_author_styles_are_accepted(text: str) -> None:
    assert format_document(text, TWO) == []


def test_spacing_inside_a_line() -> None:
    text = '( typename   $a\t(list  u8 ) )\n(module $m (import "m" (memory))(@interface func(export "f")))\n'
    assert check(text) == ('(typename $a (list u8))\n'
                           '(module $m (import "m" (memory))(@interface func(export "f")))\n')


def test_comments_and_strings_are_byte_exact() -> None:
    text = ('(module $m\n'
            '  (@interface func (export "a  b\\t c") ;;   aligned    comment\n'
            '    (param $x u8)      ;; spaced out\n'
            '      (; block   with\n'
            '            its own layout ;)\n'
            '    (result $e (expected (error $x))) (;  inline ;)   \n'
            '  )\n'
            ')\n')
    out = check(text)
    assert '"a  b\\t c") ;;   aligned    comment\n' in out
    assert "(param $x u8)      ;; spaced out\n" in out
    assert "      (; block   with\n            its own layout ;)\n" in out  # starts a multi-line comment: kept
    assert "(;  inline ;)   \n" in out  # trailing blanks stay unless trimming is asked for
    assert out == text


def test_blank_line_runs_longer_than_the_limit_are_shortened() -> None:
    text = "\n\n\n\n(typename $a u8)\n\n(typename $b u8)\n\n\n(typename $c u8)\n   \n\t\n\n \n(typename $d u8)\n"
    assert check(text) == ("\n\n(typename $a u8)\n\n(typename $b u8)\n\n\n(typename $c u8)\n   \n\t\n"
                           "(typename $d u8)\n")
    assert check(text, replace(TWO, max_blank_lines=1)) == (
        "\n(typename $a u8)\n\n(typename $b u8)\n\n(typename $c u8)\n   \n(typename $d u8)\n")


def test_blank_lines_inside_a_block_comment_are_part_of_it() -> None:
    text = "(; a\n\n\n\n\nb ;)\n(typename $a u8)\n"
    assert format_document(text, TWO) == []


def test_tab_size_and_insert_spaces() -> None:
    text = "(typename $e\n  (enum\n    $a\n  )\n)\n"
    assert check(text, FormatOptions(tab_size=3)) == "(typename $e\n   (enum\n      $a\n   )\n)\n"
    assert check(text, FormatOptions(tab_size=4, insert_spaces=False)) == "(typename $e\n\t(enum\n\t\t$a\n\t)\n)\n"
    tabbed = "(typename $e\n\t(enum\n\t\t$a\n\t)\n)\n"
    assert format_document(tabbed, FormatOptions(tab_size=4, insert_spaces=False)) == []
    assert check(tabbed, FormatOptions(tab_size=2)) == text  # a tab two columns wide is one level


def test_alignment_with_tabs_keeps_its_spaces() -> None:
    text = "(typename $p\n\t(record (field $x\n\t               u8)))\n"
    assert format_document(text, FormatOptions(tab_size=4, insert_spaces=False)) == []
    assert check(text, FormatOptions(tab_size=4)) == "(typename $p\n    (record (field $x\n                   u8)))\n"


def test_trim_trailing_whitespace() -> None:
    text = "(typename $a u8)   \n;; note \t\n(; x  \n  y ;)\n\n  \n(typename $b u8)\t"
    assert format_document(text, TWO) == []
    assert check(text, replace(TWO, trim_trailing_whitespace=True)) == (
        "(typename $a u8)\n;; note\n(; x\n  y ;)\n\n\n(typename $b u8)")


def test_insert_final_newline_and_trim_final_newlines() -> None:
    assert format_document("(typename $a u8)", TWO) == []
    assert check("(typename $a u8)", replace(TWO, insert_final_newline=True)) == "(typename $a u8)\n"
    assert check("(typename $a u8)\r\n(typename $b u8)", replace(TWO, insert_final_newline=True)).endswith("u8)\r\n")
    assert check("(typename $a u8)\n\n", TWO) == "(typename $a u8)\n\n"
    assert check("(typename $a u8)\n\n\n  \n", replace(TWO, trim_final_newlines=True)) == "(typename $a u8)\n"
    assert check("(typename $a u8)\n\n", replace(TWO, trim_final_newlines=True,
                                                   insert_final_newline=True)) == "(typename $a u8)\n"
    assert check("", replace(TWO, insert_final_newline=True, trim_final_newlines=True)) == ""


def test_line_endings_are_kept_line_by_line() -> None:
    text = "(typename $r\r\n(record\r(field $a u8)))\n"
    assert check(text) == "(typename $r\r\n  (record\r    (field $a u8)))\n"


def test_a_line_comment_running_past_a_lone_carriage_return_is_one_comment() -> None:
    text = "(typename $a ;; x\r      y\n  u8)\n"  # `;;` ends at \n only: the second line is comment text
    assert check(text) == text


def test_syntax_errors_refuse_formatting() -> None:
    for text in ("(typename $a u8", "(typename $a u8))", '(typename $a "x\n")', "(typename $a \x01)"):
        assert format_text(text) is None
        assert format_document(text) is None
        assert format_range(text, Span(0, 1)) is None


def test_edits_touch_only_the_changed_lines() -> None:
    text = "(typename $r\n(record\n    (field $a u8)\n    (field $b  u8)))\n"
    edits = format_document(text, TWO)
    assert edits is not None
    at = text.index("(record")
    assert edits == [(Span(at, at), "  "), (Span(text.index("$b") + 3, text.index("$b") + 4), "")]


def test_range_formatting_touches_only_the_lines_in_the_range() -> None:
    text = "(typename   $a u32)\n(typename   $b u8)\n(typename   $c u8)\n"
    at_b = text.index("$b")
    edits = format_range(text, Span(at_b, at_b), TWO)
    assert edits is not None
    assert apply(text, edits) == "(typename   $a u32)\n(typename $b u8)\n(typename   $c u8)\n"
    whole_line = Span(text.index("(typename   $b"), text.index("(typename   $c"))  # as editors select a line
    edits = format_range(text, whole_line, TWO)
    assert edits is not None
    assert apply(text, edits) == "(typename   $a u32)\n(typename $b u8)\n(typename   $c u8)\n"
    edits = format_range(text, Span(0, len(text)), TWO)
    assert edits is not None
    assert apply(text, edits) == "(typename $a u32)\n(typename $b u8)\n(typename $c u8)\n"


def test_non_ascii_text_gives_edits_at_the_right_utf16_columns() -> None:
    text = "(typename $s\n  (; ü 😀 ;) (record   (field $x u8)))\n"
    edits = format_document(text, TWO)
    assert edits is not None and len(edits) == 1
    assert apply(text, edits) == "(typename $s\n  (; ü 😀 ;) (record (field $x u8)))\n"
    lines = LineIndex(text)
    (span, new), = edits
    start, end = (lines.position(o, PositionEncoding.UTF16) for o in span)
    assert new == "" and start.line == end.line == 1
    assert (start.character, end.character) == (21, 23)  # `😀` is two UTF-16 code units


def test_deep_nesting_formats_without_recursion() -> None:
    text = "(typename $a\n" + "(list\n" * 300 + "u8" + ")" * 301 + "\n"
    out = format_text(text, TWO)
    assert out is not None and out.splitlines()[300] == " " * 600 + "(list"


def test_infer_options_finds_the_files_own_unit() -> None:
    assert infer_options(WASI_STYLE).tab_size == 2
    assert infer_options(WASI_STYLE.replace("  ", "    ")).tab_size == 4
    assert infer_options("(typename $e\n\t(enum\n\t\t$a))\n").insert_spaces is False
    assert infer_options("(typename $a u8)\n", FormatOptions(tab_size=7)).tab_size == 7  # nothing indented
    # A few lines off by one do not outvote the rest.
    assert infer_options("(typename $e\n  (enum\n     $a\n     $b)\n  (x\n    $y))\n").tab_size == 2


def squeezed(text: str) -> list[str]:
    return [re.sub(r"[ \t]", "", line) for line in re.split(r"\r\n|\r|\n", text) if line.strip(" \t")]


_ATOMS = st.sampled_from(["$a", "$b", "u8", "typename", "record", "field", "enum", "@witx", "tag", '"s  t"', "42"])
_GAPS = st.sampled_from(["", " ", "  ", "\n", "\n\n", "\n\n\n\n", "\t", "\n   ", "\n\t ", " \n", "\r\n", "\r",
                         ";; c\n", " ;;; d  \n", "(; b ;)", "(;; bd\n  x ;)", "\n;; e\n\n", "\n    ;; f\n"])
_TREES = st.recursive(_ATOMS, lambda kids: st.lists(kids, max_size=5).map(lambda k: ("list", k)), max_leaves=30)
_OPTIONS = st.builds(FormatOptions, tab_size=st.integers(1, 8), insert_spaces=st.booleans(),
                     trim_trailing_whitespace=st.booleans(), insert_final_newline=st.booleans(),
                     trim_final_newlines=st.booleans(), max_blank_lines=st.integers(0, 3))


@st.composite
def _texts(draw: st.DrawFn) -> str:
    out: list[str] = []
    todo: list[object] = list(reversed(draw(st.lists(_TREES, max_size=4))))
    while todo:
        node = todo.pop()
        out.append(draw(_GAPS))
        if isinstance(node, str):
            out.append(node)
            out.append(draw(st.sampled_from([" ", "\n", "  "])))
        elif isinstance(node, tuple):
            out.append("(")
            todo.append(")")
            todo.extend(reversed(node[1]))
    out.append(draw(_GAPS))
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_texts(), _OPTIONS)
def test_any_well_formed_text_formats_idempotently_keeping_tokens_and_lines(text: str, options: FormatOptions) -> None:
    if parse(text).errors:  # `(` then `;; c` opens a block comment, say
        assert format_text(text, options) is None
        return
    out = format_text(text, options)
    assert out is not None, "a well-formed text was refused"
    assert format_text(out, options) == out
    assert [text[t.start:t.end] for t in tokens(text) if t.kind is not None and t.kind < 9] == \
        [out[t.start:t.end] for t in tokens(out) if t.kind is not None and t.kind < 9]
    # Never joined or split: the non-blank lines are the same lines, up to blanks.
    assert squeezed(out) == squeezed(text)
    edits = format_document(text, options)
    assert edits is not None and apply(text, edits) == out

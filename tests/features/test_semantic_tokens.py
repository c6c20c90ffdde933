"""Semantic tokens: classification, encoding (per line, in UTF-16 units) and deltas."""

from __future__ import annotations

from tests.support.fakes import apply_delta
from witx_lsp.base.text import LineIndex, PositionEncoding
from witx_lsp.features.semantic_tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    classify,
    delta,
    encode,
    semantic_tokens,
)
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze_text
from witx_lsp.syntax.parser import parse


def roles(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(text[t.start:t.end], t.type, t.modifiers) for t in classify(parse(text))]


def test_declarations_references_builtins_and_keywords() -> None:
    text = "(typename $fd (handle))\n(typename $r (record (field $f $fd) (field $n u32)))"
    assert roles(text) == [
        ("typename", "keyword", ()), ("$fd", "type", ("declaration",)), ("handle", "keyword", ()),
        ("typename", "keyword", ()), ("$r", "type", ("declaration",)), ("record", "keyword", ()),
        ("field", "keyword", ()), ("$f", "property", ("declaration",)), ("$fd", "type", ()),
        ("field", "keyword", ()), ("$n", "property", ("declaration",)), ("u32", "type", ("defaultLibrary",)),
    ]


def test_enum_members_flags_cases_and_annotations() -> None:
    text = "(typename $e (enum (@witx tag u8) $a))(typename $f (flags $x))(typename $v (variant (case $c string)))"
    got = roles(text)
    assert ("@witx", "decorator", ()) in got and ("tag", "decorator", ()) in got
    assert ("u8", "type", ("defaultLibrary",)) in got
    assert ("$a", "enumMember", ("declaration",)) in got
    assert ("$x", "property", ("declaration",)) in got
    assert ("$c", "enumMember", ("declaration",)) in got
    assert ("string", "type", ("defaultLibrary",)) in got


def test_modules_functions_params_strings_numbers_comments() -> None:
    text = ('(typename $t u8)\n(@witx const $t $max 255)\n;;; docs\n(module $m ;; plain\n'
            ' (import "memory" (memory))\n (@interface func (export "f") (param $p $t)))')
    got = roles(text)
    assert ("$max", "enumMember", ("declaration",)) in got and ("255", "number", ()) in got
    assert ("$t", "type", ()) in got
    assert (";;; docs", "comment", ("documentation",)) in got and (";; plain", "comment", ()) in got
    assert ("$m", "namespace", ("declaration",)) in got
    assert ('"memory"', "string", ()) in got
    assert ('"f"', "function", ("declaration",)) in got
    assert ("$p", "parameter", ("declaration",)) in got
    assert ("@interface", "decorator", ()) in got and ("func", "keyword", ()) in got


def test_encoding_is_relative_and_splits_block_comments_per_line() -> None:
    text = "(; a\n  b ;) (typename $x u8)"
    data = encode(classify(parse(text)), LineIndex(text), PositionEncoding.UTF16)
    comment, keyword, ty = TOKEN_TYPES.index("comment"), TOKEN_TYPES.index("keyword"), TOKEN_TYPES.index("type")
    decl, lib = 1 << TOKEN_MODIFIERS.index("declaration"), 1 << TOKEN_MODIFIERS.index("defaultLibrary")
    assert data == [
        0, 0, 4, comment, 0,  # "(; a"
        1, 0, 6, comment, 0,  # "  b ;)"
        0, 8, 8, keyword, 0,  # "typename"
        0, 9, 2, ty, decl,  # "$x"
        0, 3, 2, ty, lib,  # "u8"
    ]


def test_lengths_and_columns_are_utf16_units() -> None:
    text = '(module $m (import "😀" (memory)) (@interface func (export "é")))'
    data = encode(classify(parse(text)), LineIndex(text), PositionEncoding.UTF16)
    tokens = [data[i:i + 5] for i in range(0, len(data), 5)]
    string = tokens[3]  # after module, $m, import
    assert string[2] == 4  # two quotes and one astral character (two units)
    after = tokens[4]  # memory: relative to the string's start
    assert after[1] == 4 + 2
    utf32 = encode(classify(parse(text)), LineIndex(text), PositionEncoding.UTF32)
    assert utf32[3 * 5 + 2] == 3


def test_delta_turns_the_previous_array_into_the_current_one() -> None:
    old_text = "(typename $a u32)\n(typename $b u8)\n"
    new_text = "(typename $a u32)\n(typename $bb (list u8))\n"
    old = semantic_tokens(Snapshot("/x.witx", analyze_text(old_text, "/x.witx")))
    new = semantic_tokens(Snapshot("/x.witx", analyze_text(new_text, "/x.witx")))
    edits = delta(old, new)
    assert len(edits) == 1 and edits[0].start == 20  # the first four tokens are unchanged
    assert apply_delta(old, edits) == new
    assert delta(new, new) == []


def test_unknown_file_has_no_tokens() -> None:
    assert semantic_tokens(Snapshot("/nowhere.witx", analyze_text("", "/x.witx"))) == []

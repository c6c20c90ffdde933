"""The lexical layer (witx-language.md §2: the wast 35 lexer): strings and their
escapes, identifiers, keywords, integers, comments. Checked through both the
token iterator (`scanner.tokens`) and the tree builder (`parser.parse`), which
have separate loops over the same patterns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from witx_lsp.model.analysis import analyze_text
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.scanner import check_string, decode_string, tokens
from witx_lsp.syntax.tree import Atom, Comment, SList, TokenKind

IDCHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&'*+-./:<=>?@\\^_`|~"


def kinds(text: str) -> list[tuple[TokenKind | str, str]]:
    """(kind, text) of every token, with error tokens as their code."""
    return [(t.kind if t.kind is not None else t.code, text[t.start:t.end]) for t in tokens(text)]


def atoms(text: str) -> list[Atom]:
    out: list[Atom] = []
    stack = list(reversed(parse(text).items))
    while stack:
        node = stack.pop()
        if isinstance(node, SList):
            stack.extend(reversed(node.items))
        else:
            out.append(node)
    return out


def error_codes(text: str) -> list[str]:
    return [d.code for d in parse(text).errors]


def test_token_iterator_and_tree_builder_agree() -> None:
    text = ('(typename $a (@witx pointer u8)) ;; c\n(; b ;) "s\\n" 0x1F -1 Reserved $ [x] "bad\\q" '
            '(module $m (@interface func (export "f")))')
    from_tokens = [(k, s) for k, s in kinds(text) if k not in (TokenKind.LPAR, TokenKind.RPAR,
                                                                TokenKind.LINE_COMMENT, TokenKind.BLOCK_COMMENT)]
    from_tree = [(a.kind, a.text) for a in atoms(text)]
    assert [x for x in from_tokens if not isinstance(x[0], str)] == from_tree
    assert [k for k, _ in from_tokens if isinstance(k, str)] == error_codes(text)


# Pieces of witx text, well-formed or not: every kind of token, blanks the lexer knows and
# some it does not (U+000B, U+0085), unterminated strings and comments, bad characters.
_PIECES = st.sampled_from(["(", ")", " ", "\n", "\t", "\r", "\x0b", "\x85", ";", ";;", ";;;", "(;", ";)", '"', "\\",
                           "$", "@", "a", "Z", "0", "0x", "_", "+", "-", "é", "[", "\x00", "\x7f", "$x", "@witx",
                           "typename", "module", "use", "u32", '"s"', '"\\u{41}"', '"\\q"'])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_token_iterator_and_tree_builder_agree_on_any_text(text: str) -> None:
    """The tree builder scans with its own loop (`findall` pieces): its atoms, comments and
    token errors are the token iterator's, offsets included."""
    toks = list(tokens(text))
    tree = parse(text)
    assert [(a.kind, a.start, a.end, a.text) for a in atoms(text)] == [
        (t.kind, t.start, t.end, text[t.start:t.end]) for t in toks
        if t.kind not in (None, TokenKind.LPAR, TokenKind.RPAR, TokenKind.LINE_COMMENT, TokenKind.BLOCK_COMMENT)]
    assert [(c.kind, c.start, c.end) for c in tree.comments] == [
        (t.kind, t.start, t.end) for t in toks if t.kind in (TokenKind.LINE_COMMENT, TokenKind.BLOCK_COMMENT)]
    token_errors = [(d.code, d.span.start, d.span.end) for d in tree.errors if d.code not in ("E0005", "E0006")]
    # (An unterminated block comment is a token to the end of the text, a diagnostic at its `(;`.)
    assert token_errors == [(t.code, t.start, t.start + 2 if t.code == "E0004" else t.end) for t in toks
                            if t.kind is None]


# --- strings ------------------------------------------------------------------------------

@pytest.mark.parametrize("source, value", [
    ('""', ""),
    ('"plain"', "plain"),
    ('"\\t\\n\\r"', "\t\n\r"),
    ('"\\"quoted\\""', '"quoted"'),
    ("\"\\'\"", "'"),
    ('"back\\\\slash"', "back\\slash"),
    ('"\\41\\42\\7a\\7F"', "ABz\x7f"),
    ('"\\00"', "\x00"),
    ('"\\c3\\a9"', "é"),  # `\hh` escapes are bytes of UTF-8
    ('"\\ff"', "\ufffd"),  # a byte that is not UTF-8 decodes with a replacement character
    ('"\\u{41}"', "A"),
    ('"\\u{0}"', "\x00"),
    ('"\\u{e9}"', "é"),
    ('"\\u{1F600}"', "\U0001f600"),
    ('"\\u{1_F6_00}"', "\U0001f600"),
    ('"\\u{10FFFF}"', "\U0010ffff"),
    ('"\\u{00000041}"', "A"),
    ('"héllo \U0001f600"', "héllo \U0001f600"),
    ('"a;;b(;c;)d"', "a;;b(;c;)d"),
    ('"(use)"', "(use)"),
])
def test_valid_strings(source: str, value: str) -> None:
    assert kinds(source) == [(TokenKind.STRING, source)]
    assert check_string(source) == ""
    assert decode_string(source) == value
    assert error_codes(source) == []


@pytest.mark.parametrize("source, message", [
    ('"\\q"', "invalid escape `\\q` in string"),
    ('"\\x41"', "invalid escape `\\x` in string"),
    ('"\\a"', "invalid escape `\\a` in string"),
    ('"\\0"', "invalid escape `\\0` in string"),  # one hex digit only
    ('"\\0g"', "invalid escape `\\0` in string"),
    ('"\\u41"', "invalid escape `\\u` in string"),
    ('"\\u{}"', "invalid escape `\\u` in string"),
    ('"\\u{_41}"', "invalid escape `\\u` in string"),
    ('"\\u{4__1}"', "invalid escape `\\u` in string"),
    ('"\\u{41_}"', "invalid escape `\\u` in string"),
    ('"\\u{41"', "invalid escape `\\u` in string"),
    ('"\\u{g}"', "invalid escape `\\u` in string"),
    ('"\\u{D800}"', "invalid Unicode escape `\\u{D800}` in string"),
    ('"\\u{dfff}"', "invalid Unicode escape `\\u{dfff}` in string"),
    ('"\\u{110000}"', "invalid Unicode escape `\\u{110000}` in string"),
    ('"\\u{FFFFFFFFFF}"', "invalid Unicode escape `\\u{FFFFFFFFFF}` in string"),
    ('"ok\\n then \\z"', "invalid escape `\\z` in string"),
])
def test_bad_escapes(source: str, message: str) -> None:
    assert kinds(source) == [("E0003", source)]
    [d] = parse(source).errors
    assert (d.code, d.message, d.span.start, d.span.end) == ("E0003", message, 0, len(source))


@pytest.mark.parametrize("char", ["\x00", "\x01", "\t", "\x1f", "\x7f"])
def test_control_characters_in_strings(char: str) -> None:
    source = f'(import "ab{char}c" (memory))'
    [d] = parse(source).errors
    assert d.code == "E0003"
    assert (d.span.start, d.span.end) == (11, 12)
    assert f"U+{ord(char):04X}" in d.message


@pytest.mark.parametrize("source, span", [
    ('"abc', (0, 4)),
    ('"abc\n(typename $a u32)', (0, 4)),
    ('(use "x.witx)\n', (5, 13)),
    ('"ends with backslash\\', (0, 21)),
    ('"escaped quote \\"\n', (0, 17)),
    ('"', (0, 1)),
])
def test_unterminated_strings(source: str, span: tuple[int, int]) -> None:
    errors = [d for d in parse(source).errors if d.code == "E0002"]
    assert [(d.span.start, d.span.end) for d in errors] == [span]
    assert errors[0].message == 'unterminated string: a string must end with `"` on the same line'


def test_unterminated_string_does_not_swallow_the_next_line() -> None:
    tree = parse('(typename $a (record (field $x "oops)))\n(typename $b u32)\n')
    assert [(d.code, d.span.start, d.span.end) for d in tree.errors] == [("E0005", 0, 1), ("E0005", 13, 14),
                                                                         ("E0005", 21, 22), ("E0002", 31, 39)]
    assert [n.head.text for n in tree.items if isinstance(n, SList) and n.head] == ["typename", "typename"]


def test_backslash_at_end_of_line_does_not_continue_the_string() -> None:
    """Regression: the scanner was compiled with DOTALL, so `\\.` matched a line
    end and the string ran on to the next line up to its first `"`."""
    text = '(use "a\\\n(typename $b "x")\n'
    tree = parse(text)
    assert [(d.code, d.span.start, d.span.end) for d in tree.errors] == [("E0005", 0, 1), ("E0002", 5, 8)]
    assert [n.head.text for n in tree.items if isinstance(n, SList) and n.head] == ["use", "typename"]


def test_escaped_quote_does_not_close_an_unterminated_string() -> None:
    """Regression: a string ending in `\\"` at the end of a line was taken as
    closed and reported as an invalid escape (E0003) instead of E0002."""
    [d] = parse('"abc \\"\n').errors
    assert (d.code, d.span.start, d.span.end) == ("E0002", 0, 7)


# --- identifiers, keywords, reserved words -----------------------------------------------

def test_identifier_with_every_idchar() -> None:
    source = "$" + IDCHARS
    assert kinds(source) == [(TokenKind.ID, source)]
    [atom] = atoms(source)
    assert atom.name == IDCHARS  # wast's Id::name(): without the `$`


@pytest.mark.parametrize("char", list(IDCHARS))
def test_each_idchar_continues_an_identifier(char: str) -> None:
    assert kinds(f"$a{char}b") == [(TokenKind.ID, f"$a{char}b")]
    assert kinds(f"${char}") == [(TokenKind.ID, f"${char}")]


@pytest.mark.parametrize("source, expected", [
    ("$2big", [(TokenKind.ID, "$2big")]),
    ("$$", [(TokenKind.ID, "$$")]),
    ("$a`b", [(TokenKind.ID, "$a`b")]),
    ("$a(", [(TokenKind.ID, "$a"), (TokenKind.LPAR, "(")]),
    ("$a)", [(TokenKind.ID, "$a"), (TokenKind.RPAR, ")")]),
    ("$a;;c", [(TokenKind.ID, "$a"), (TokenKind.LINE_COMMENT, ";;c")]),
    ('$a"s"', [(TokenKind.ID, "$a"), (TokenKind.STRING, '"s"')]),
    ("$a,b", [(TokenKind.ID, "$a"), ("E0001", ","), (TokenKind.KEYWORD, "b")]),
    ("$", [("E0007", "$")]),
    ("$ a", [("E0007", "$"), (TokenKind.KEYWORD, "a")]),
    ("$é", [("E0007", "$"), ("E0001", "é")]),
    ("typename", [(TokenKind.KEYWORD, "typename")]),
    ("in-buffer", [(TokenKind.KEYWORD, "in-buffer")]),
    ("const_pointer", [(TokenKind.KEYWORD, "const_pointer")]),
    ("u8", [(TokenKind.KEYWORD, "u8")]),
    ("a$b", [(TokenKind.KEYWORD, "a$b")]),
    ("Typename", [(TokenKind.RESERVED, "Typename")]),
    ("_x", [(TokenKind.RESERVED, "_x")]),
    ("*", [(TokenKind.RESERVED, "*")]),
    ("@witx", [(TokenKind.ANNOTATION, "@witx")]),
    ("@", [(TokenKind.RESERVED, "@")]),
])
def test_identifiers_keywords_reserved(source: str, expected: list[tuple[TokenKind | str, str]]) -> None:
    assert kinds(source) == expected


# --- integers -----------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["0", "7", "123", "1_000", "0x0", "0x1F", "0xdead_BEEF", "0xa_b_c", "+1", "-1",
                                    "18446744073709551615", "0xFFFF_FFFF_FFFF_FFFF"])
def test_integers(source: str) -> None:
    assert kinds(source) == [(TokenKind.NUMBER, source)]


@pytest.mark.parametrize("source", ["0x", "0x_1", "1a", "1.5", "0xg", "1e3", "-", "+"])
def test_not_integers(source: str) -> None:
    assert kinds(source) == [(TokenKind.RESERVED, source)]


@pytest.mark.parametrize("literal, value", [
    ("0", 0), ("42", 42), ("1_000", 1000), ("0x10", 16), ("0xFF_FF", 0xFFFF), ("0XAB", None),
    ("18446744073709551615", 2**64 - 1), ("0xFFFF_FFFF_FFFF_FFFF", 2**64 - 1),
    ("18446744073709551616", None), ("-1", None), ("1__0", None), ("1_", None), ("+7", 7),
])
def test_integer_values_of_constants(literal: str, value: int | None) -> None:
    analysis = analyze_text(f"(typename $t u64)\n(@witx const $t $c {literal})\n(typename $u u8)\n")
    if value is None:
        assert [d.code for d in analysis.diagnostics] in (["E0105"], ["E0101"]), analysis.diagnostics
    else:
        assert analysis.diagnostics == []
        assert [c.value for c in analysis.document.constants] == [value]


# --- comments -----------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "(;;)", "(; ;)", "(; a ;)", "(; (; nested ;) ;)", "(;(;(;;););)", "(; ( ; ) ;)", "(; ;; not a line ;)",
    '(; " ;)', "(; \n multi \n line \n ;)", "(;; doc ;)", "(; ;; ;)", "(; \U0001f600 ;)",
])
def test_block_comments(source: str) -> None:
    assert kinds(source) == [(TokenKind.BLOCK_COMMENT, source)]
    tree = parse(source)
    assert tree.errors == [] and tree.items == []
    assert [c.text for c in tree.comments] == [source]


def test_block_comment_between_tokens() -> None:
    assert [k for k, _ in kinds("(typename(; x ;)$a u32)")] == [
        TokenKind.LPAR, TokenKind.KEYWORD, TokenKind.BLOCK_COMMENT, TokenKind.ID, TokenKind.KEYWORD, TokenKind.RPAR]


@pytest.mark.parametrize("source, start", [
    ("(; open", 0),
    ("(; (; inner ;) still open", 0),
    ("(typename $a u32) (; x (; y ;)", 18),
    ("(;", 0),
])
def test_unterminated_block_comments(source: str, start: int) -> None:
    errors = parse(source).errors
    e0004 = [d for d in errors if d.code == "E0004"]
    assert [(d.span.start, d.span.end) for d in e0004] == [(start, start + 2)]
    assert kinds(source)[-1] == ("E0004", source[start:])


def test_close_without_open_is_not_a_comment() -> None:
    assert kinds("(; a ;) ;)") == [(TokenKind.BLOCK_COMMENT, "(; a ;)"), ("E0001", ";"), (TokenKind.RPAR, ")")]
    # As in wast, `;;)` holds a `;)` that closes the comment.
    assert kinds("(; ;;) ;)") == [(TokenKind.BLOCK_COMMENT, "(; ;;)"), ("E0001", ";"), (TokenKind.RPAR, ")")]


@pytest.mark.parametrize("source, is_doc, body", [
    (";;; doc", True, "; doc"),
    (";;;", True, ";"),
    (";;;; four", True, ";; four"),
    (";; plain", False, " plain"),
    (";;", False, ""),
    (";;  ;", False, "  ;"),
    ("(;; doc ;)", True, "; doc "),
    ("(; plain ;)", False, " plain "),
    ("(;;;)", True, ";"),
    ("(;;)", False, ""),
])
def test_doc_comments(source: str, is_doc: bool, body: str) -> None:
    [c] = parse(source).comments
    assert isinstance(c, Comment)
    assert (c.is_doc, c.body) == (is_doc, body)


def test_line_comment_ends_at_newline_not_before_cr() -> None:
    text = ";;; doc\r\n(typename $a u32)"
    tree = parse(text)
    assert [c.text for c in tree.comments] == [";;; doc\r"]
    assert isinstance(tree.items[0], SList) and [c.text for c in tree.items[0].leading] == [";;; doc\r"]


def test_lone_semicolon_is_an_error() -> None:
    assert kinds("; x") == [("E0001", ";"), (TokenKind.KEYWORD, "x")]


# --- whitespace and other characters ----------------------------------------------------

def test_only_four_whitespace_characters() -> None:
    assert kinds(" \t\r\n") == []
    for ch in ("\x0b", "\x0c", "\xa0", "\u2003", "\u3000", "\ufeff"):
        assert kinds(f"a{ch}b") == [(TokenKind.KEYWORD, "a"), ("E0001", ch), (TokenKind.KEYWORD, "b")], ch


def test_runs_of_bad_characters_are_one_error() -> None:
    [d] = parse("[]{}, ").errors
    assert (d.code, d.span.start, d.span.end) == ("E0001", 0, 5)
    assert d.message == "unexpected characters `[]{},`: witx has no such token"
    [d] = parse("é").errors
    assert d.message == "unexpected character `é`: witx has no such token"
    [d] = parse("\U0001f600" * 30).errors
    assert (d.span.start, d.span.end) == (0, 30) and "…" in d.message

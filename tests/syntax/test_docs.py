"""Doc comments, processed exactly as the reference does
(WebAssembly/WASI tools/witx/src/parser.rs, `CommentSyntax::docs`, witx 0.9.1):
keep `;;;` and `(;; ;)` comments, strip trailing whitespace, remove the smallest
indentation of the non-empty lines, and end every line with a newline.

`reference_docs` is a line-by-line port of that Rust function, working in UTF-8
bytes with Rust's notion of whitespace, used as the oracle."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from witx_lsp.model.analysis import analyze_text
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import RUST_WHITESPACE, SList, docs_of

# char::is_whitespace, i.e. the Unicode White_Space property.
WHITE_SPACE = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
               0x202F, 0x205F, 0x3000}


def reference_docs(comments: list[str]) -> str | None:
    """CommentSyntax::docs on the comments' source texts; None where Rust panics
    (a byte index inside a character)."""
    ws = "".join(map(chr, sorted(WHITE_SPACE)))
    bodies = [c[2:] if c.startswith(";;") else c[2:-2] for c in comments]
    docs = [d.rstrip(ws)[1:] for d in bodies if d.rstrip(ws).startswith(";")]
    trims = [len(d.encode()) - len(d.strip(ws).encode()) for d in docs if d]
    to_trim = min(trims) if trims else 0
    out = ""
    for doc in docs:
        if doc:
            raw = doc.encode()
            if to_trim < len(raw) and (raw[to_trim] & 0xC0) == 0x80:
                return None
            out += raw[to_trim:].decode().rstrip(ws)
        out += "\n"
    return out


def docs_before_item(comments: list[str]) -> str:
    """docs_of the comments as the parser attaches them to the next item."""
    text = "\n".join(comments) + "\n(typename $a u32)\n"
    tree = parse(text)
    assert tree.errors == []
    item = tree.items[0]
    assert isinstance(item, SList)
    assert [c.text.rstrip("\r") for c in item.leading] == [c.rstrip("\r") for c in comments]
    return docs_of(item.leading)


def test_whitespace_set_is_rusts() -> None:
    assert {ord(c) for c in RUST_WHITESPACE} == WHITE_SPACE


CASES = [
    ([], ""),
    ([";; plain"], ""),
    ([";;; a", ";;; b"], "a\nb\n"),
    ([";;;   a", ";;;     b"], "a\n  b\n"),
    ([";;;a", ";;;  b"], "a\n  b\n"),
    ([";;; a", ";;;", ";;; b"], "a\n\nb\n"),
    ([";;;", ";;;   a"], "\na\n"),
    ([";;;", ";;;"], "\n\n"),
    ([";;; trailing   \t"], "trailing\n"),
    ([";;;      "], "\n"),
    ([";;; a", ";; not docs", ";;; b"], "a\nb\n"),
    ([";;;\tTab"], "Tab\n"),
    ([";;;; two"], "; two\n"),
    (["(;; block ;)"], "block\n"),
    (["(;; multi\n   line ;)"], "multi\n   line\n"),
    (["(;;\n  x\n  y\n;)"], "x\n  y\n"),  # one doc, trimmed as a whole: `trim` takes the newline too
    ([";;; a", "(;; b ;)", "(; no ;)"], "a\nb\n"),
    ([";;; caf\u00e9 \U0001f600"], "caf\u00e9 \U0001f600\n"),
    # Regressions: Rust's whitespace, not Python's (U+001C-U+001F are not White_Space) ...
    ([";;; \x1cX"], "\x1cX\n"),
    ([";;; a\x1f"], "a\x1f\n"),
    # ... and indentation counted in UTF-8 bytes: a no-break space is 2 bytes.
    ([";;;\u00a0a", ";;;   b"], "a\n b\n"),
    ([";;;\u3000a", ";;;    b"], "a\n b\n"),
]


def test_cases_agree_with_the_port() -> None:
    for comments, expected in CASES:
        assert reference_docs(comments) == expected, comments


def test_cases() -> None:
    for comments, expected in CASES:
        assert docs_before_item(comments) == expected, comments


def test_cut_inside_a_character() -> None:
    """Where the reference would slice inside a character (and panic), the whole
    character is dropped."""
    comments = [";;;\u3000a", ";;;  b"]  # 3 bytes of indentation against 2
    assert reference_docs(comments) is None
    assert docs_before_item(comments) == "a\nb\n"


DOC_TEXT = st.text(alphabet=st.sampled_from([" ", " ", "\t", "\r", "a", "b", ";", "\x1c", "\x1f", "\xa0", "\u2003",
                                             "\u3000", "\u00e9", "\U0001f600", "\x85"]), max_size=12)
LINE = DOC_TEXT.map(lambda s: ";;" + s)
BLOCK = st.lists(DOC_TEXT, min_size=1, max_size=3).map(lambda lines: "(;" + "\n".join(lines) + ";)")
COMMENTS = st.lists(st.one_of(LINE, LINE, BLOCK), max_size=6)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(COMMENTS)
def test_docs_match_the_reference(comments: list[str]) -> None:
    # A block comment's body must not end in `;` (`;;)` ends the comment early)
    # and a line comment must not swallow the `\r` of a CRLF differently: keep it simple.
    assume(all(not c.startswith("(;") or not c[:-2].endswith(("(", ";")) for c in comments))
    expected = reference_docs(comments)
    assume(expected is not None)
    assert docs_before_item(comments) == expected


def test_docs_reach_the_model() -> None:
    text = """
;;; The type.
;;;   Indented.
(typename $r
  (record
    ;;; Field x.
    (field $x u32)
    ;; not docs
    (field $y u32)))
(typename $e
  (enum
    ;;; Member a.
    $a
    (;; Member b. ;)
    $b))
(typename $v
  (variant
    ;;; Case c.
    (case $c u8)))
(typename $u
  (union
    ;;; Member 0.
    u8))
;;; The module.
(module $m
  ;;; Memory.
  (import "memory" (memory))
  ;;; Function f.
  (@interface func (export "f")
    ;;; Param p.
    (param $p u32)
    ;;; Result r.
    (result $r (expected (error $e)))))
"""
    analysis = analyze_text(text)
    assert analysis.diagnostics == []
    types = {t.name: t for t in analysis.document.typenames}
    assert types["r"].docs == "The type.\n  Indented.\n"
    r = types["r"].tref
    e = types["e"].tref
    v = types["v"].tref
    u = types["u"].tref
    assert [m.docs for m in r.members] == ["Field x.\n", ""]  # type: ignore[union-attr]
    assert [c.docs for c in e.cases] == ["Member a.\n", "Member b.\n"]  # type: ignore[union-attr]
    assert [c.docs for c in v.cases] == ["Case c.\n"]  # type: ignore[union-attr]
    assert [c.docs for c in u.cases] == ["Member 0.\n"]  # type: ignore[union-attr]
    [m] = analysis.document.modules
    assert m.docs == "The module.\n"
    assert [i.docs for i in m.imports] == ["Memory.\n"]
    [f] = m.funcs
    assert f.docs == "Function f.\n"
    assert [p.docs for p in f.params] == ["Param p.\n"]
    assert [p.docs for p in f.results] == ["Result r.\n"]

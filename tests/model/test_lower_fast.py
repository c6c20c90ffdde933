"""The fast path of the lowering (`model/lower_fast.py`, declarations straight from the tokens)
against the tree lowering (`syntax/parser.py` + `model/lower.py`): where the fast path answers,
it answers the very same declarations and diagnostics, spans and docs included, and the file
has no syntax errors (its tree is deferred, with errors known to be none); where it gives up,
the tree path reports. Every well-formed corpus file takes the fast path."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, needs_corpus
from tests.differential.strategies import document
from witx_lsp.model.load import parse_and_lower
from witx_lsp.model.lower import LoweredFile, lower
from witx_lsp.model.lower_fast import lower_text
from witx_lsp.syntax.parser import parse

FILES = sorted(CORPUS.rglob("*.witx")) if CORPUS.is_dir() else []
# Mutations: pieces of witx and of its lexical corners, and the layouts the fast path gives up on.
SNIPPETS = ["(", ")", "$", "$a", "u32", "string", "bool", "(list", "(record", "(field $f u8)", "(enum", "(flags",
            "(variant", "(case $c)", "(expected", "(error)", "(tuple", "(union", "(handle)", "(@witx pointer",
            "(@witx tag u8)", "(@witx repr u16)", "(@witx noreturn)", "(@witx const $a $b 1)", "(@foo)", "(param",
            "(result", "(import \"m\" (memory))", ";;; doc\n", ";; note\n", ";", "(;", ";)", "struct", "array",
            "(int", "char8", "usize", "0x10", "\"s\\q\"", "\"", "( ", "\t", "\r\n", "é", "(typename $t", "(module $m"]


def _lowered(text: str) -> tuple[LoweredFile | None, str, bool]:
    """(fast path's result, the tree path's result (repr), whether the tree has syntax errors)."""
    tree = parse(text, "/f.witx")
    return lower_text(text, "/f.witx"), repr(lower(tree, "/f.witx")), bool(tree.errors)


def _agrees(text: str) -> bool:
    """Whether the fast path answered (it must then agree with the tree path)."""
    fast, slow, syntax_errors = _lowered(text)
    if fast is None:
        return False
    assert repr(fast) == slow
    assert not syntax_errors
    return True


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    fast, slow, syntax_errors = _lowered(text)
    well_formed = not syntax_errors and not [d for d in lower(parse(text), "/f.witx").diagnostics
                                             if d.code != "W0102"]
    assert (fast is not None) == well_formed  # every well-formed corpus file takes the fast path
    if fast is not None:
        assert repr(fast) == slow


@needs_corpus
@pytest.mark.parametrize("path", FILES[::3], ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_mutants(path: Path) -> None:
    """Mutants of corpus files (seeded by the path): the fast path agrees or gives up."""
    text = path.read_text(encoding="utf-8", errors="replace")
    rng = random.Random(zlib.crc32(str(path.relative_to(CORPUS)).encode()))
    for _ in range(12):
        chars = text
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars) + 1)
            chars = chars[:at] + rng.choice(SNIPPETS) * rng.randint(0, 2) + chars[at + rng.randint(0, 8):]
        _agrees(chars)


@settings(max_examples=300, deadline=None)
@given(document())
def test_generated_documents(text: str) -> None:
    _agrees(text)


@settings(max_examples=100, deadline=None)
@given(document(), st.sampled_from(["\n", "\t", " ", "\r\n", "\n  ;; note\n  ", "\n;;; doc\n ;;;  more  \n"]))
def test_generated_documents_laid_out(text: str, blank: str) -> None:
    """Other blanks and comments between the tokens: where the fast path reads them, it agrees."""
    _agrees(text.replace(" ", blank))


def test_gives_up_on_what_it_does_not_read() -> None:
    for text in ["(typename $a (enum u8 $b))", "(typename $a (struct (field $b u8)))", "(@foo)",
                 "(typename $a ( list u8))", "(typename $a u8) (; block ;)", "(typename $a u8", "(typename $a $)",
                 "(module $m (@interface func (export \"f\\q\")))", "(typename $a u8) ;", "(typename $a (list u8 u8))"]:
        assert lower_text(text, "/f.witx") is None, text


@pytest.mark.parametrize("end", ["\x1c", "\x85", "\xa0", "\u2028", "\x0b", "\t", "\r", " é", "\u3000x"])
def test_doc_comments_ending_in_any_whitespace(end: str) -> None:
    """Python and Rust do not agree on what is whitespace: the docs are the tree path's."""
    text = f";;; doc{end}\n;;;  more{end}\n(typename $a (enum ;;; member{end}\n $b))\n"
    assert _agrees(text)
    assert not _agrees(f"(typename $a u8){end}\n") or end.strip(" \t\r") == ""


def test_deferred_tree_is_made_when_asked() -> None:
    text = ";;; doc\n(typename $a (list u8)) ;; after\n"
    tree, lowered = parse_and_lower(text, "/f.witx")
    assert lowered.decls and tree.errors == []
    made = parse(text, "/f.witx")
    assert tree == made
    assert [c.text for c in tree.comments] == [";;; doc", ";; after"]

"""Differential test: the hand-written tree builder (witx_lsp.syntax.parse) against
lark's LALR parser built from the normative grammar (grammar/witx.lark). For every
corpus .witx file without block comments (lark cannot express nesting comments)
both give the same tree: the same lists and the same atoms, by kind and text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree

from tests.conftest import CORPUS, needs_corpus
from witx_lsp.syntax.grammar import lark_parser
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Node, SList

Shape = list[tuple[str, "str | Shape"]]

FILES = sorted(CORPUS.rglob("*.witx")) if CORPUS.is_dir() else []


def ours(items: list[Node]) -> Shape:
    out: Shape = []
    for node in items:
        if isinstance(node, SList):
            out.append(("list", ours(node.items)))
        else:
            out.append((node.kind.name, node.text))
    return out


def theirs(tree: Tree[Token]) -> Shape:
    out: Shape = []
    for child in tree.children:
        if isinstance(child, Tree):
            out.append(("list", theirs(child)))
        elif child.type not in ("LPAR", "RPAR"):
            out.append((child.type, str(child)))
    return out


def lark_shape(text: str) -> Shape:
    return theirs(lark_parser().parse(text))


def our_shape(text: str) -> Shape:
    tree = parse(text)
    assert tree.errors == []
    return ours(tree.items)


@needs_corpus
def test_corpus_files_without_block_comments() -> None:
    files = [f for f in FILES if "(;" not in f.read_text(encoding="utf-8")]
    assert len(files) > 200


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_same_tree_as_lark(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if "(;" in text:
        pytest.skip("block comments nest, which the lark grammar cannot express")
    assert our_shape(text) == lark_shape(text)


def test_tricky_tokens() -> None:
    text = ('(a $b "c\\"d" 0x1_F -2 @e Reserved $f`|~ (@witx tag u8) () ((())) "\\u{1F600}" ;; x\n'
            "u8;;y\nin-buffer 1a 0x +)")
    assert our_shape(text) == lark_shape(text)


# No `typename`, `module` or `use`: inside an unclosed declaration they close it
# (recovery), so nesting them gives the builder another tree than the grammar's.
ATOMS = st.sampled_from(["record", "$a", "$b`", '"s"', '"\\n"', "0", "0x1F", "-1", "@witx", "u8", "Up", "1a",
                         "*", "in-buffer", "$0^", ";; c\n", ";;; d\n"])


@st.composite
def balanced(draw: st.DrawFn, depth: int = 0) -> str:
    parts = draw(st.lists(st.one_of(ATOMS, st.just("LIST")) if depth < 4 else ATOMS, max_size=5))
    # `( ;;` keeps the `(` apart from a comment after it (`(;` opens a block comment).
    return " ".join(f"( {draw(balanced(depth + 1))} )" if p == "LIST" else p for p in parts)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(balanced())
def test_random_balanced_text(text: str) -> None:
    assert our_shape(text) == lark_shape(text)

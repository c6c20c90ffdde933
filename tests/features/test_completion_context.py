"""The completion context read off the full tree equals the one of the former
implementation, which parsed the text before the cursor on its own (kept here
as the oracle), on the corpus and on broken text."""

from __future__ import annotations

import dataclasses
import random

from tests.conftest import CORPUS, needs_corpus
from witx_lsp.features.completion_context import (
    Context,
    context,
    context_of_chain,
    list_at,
    parsed_chain,
    word_at,
)
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, SourceTree


def oracle(tree: SourceTree, text: str, offset: int) -> Context:
    """The former `_context`: the text from the top-level form under the cursor to the
    word before it, parsed on its own."""
    word = word_at(text, offset)
    chain = parsed_chain(tree, text, word.start)
    return context_of_chain(chain, word, list_at(tree, chain[-1].start) if chain else None)


def summary(ctx: Context) -> tuple[object, ...]:
    """What completion reads of a context."""
    chain = []
    for lst in ctx.chain:
        second = lst.items[1] if len(lst.items) > 1 else None
        chain.append((lst.start, lst.head.text if lst.head is not None else None, len(lst.items),
                      None if second is None else (second.start, second.text if isinstance(second, Atom) else "(")))
    return ctx.slot, ctx.head_position, ctx.word, ctx.needs_close, chain


class Checker:
    """Compares `context` with the oracle at offsets of texts. The oracle's result depends on
    the offset only through the word at it, so it is computed once per word."""

    def __init__(self) -> None:
        self.offsets = 0

    def check(self, text: str, offsets: list[int] | range) -> None:
        tree = parse(text)
        last: Context | None = None
        for offset in offsets:  # in order: the offsets of a word come one after the other
            word = word_at(text, offset)
            if last is None or last.word.start != word.start:
                last = oracle(tree, text, offset)
            old = dataclasses.replace(last, word=word)
            new = context(tree, text, offset)
            assert summary(new) == summary(old), (text[max(0, offset - 60):offset], offset)
            assert new == old, (text[max(0, offset - 60):offset], offset)  # the lists too, item by item
            self.offsets += 1

    def check_words(self, text: str, rng: random.Random, count: int) -> None:
        """Every offset of `count` words (or blanks) at random."""
        offsets: set[int] = set()
        for _ in range(count):
            word = word_at(text, rng.randrange(len(text) + 1))
            offsets.update(range(word.start, word.end + 1))
        self.check(text, sorted(offsets))


SNIPPETS = [
    "(typename $a u32)\n(typename $b (record (field $x $a) (field $y (list u8))))\n",
    "(typename $e (enum (@witx tag u8) $x $y))\n(typename $v (variant (@witx tag $e) (case $x u8) (case $y)))\n",
    '(module $m (import "memory" (memory))\n (@interface func (export "f") (param $p $a)\n'
    "  (result $r (expected (error $e))) (@witx noreturn)))\n",
    "(@witx const $a $b 1)\n(typename $p (@witx const_pointer u8))\n",
    # recovery: a `(typename` inside an unclosed form closes it, also with the keyword after the cursor
    "(typename $a (record (field $x u8)\n(typename $b u32)\n",
    "(typename $a (record (field $x u8) (  typename $b u32)\n",
    "(typename $a (record (field $x u8) ( ;; c\n typename $b u32)",
    "(typename $a (record (field $x u8) ((; c ;)typename $b u32)",
    "(module $a (@interface func (export \"f\")\n(module $b))",
    "(typename $a (list (module $b)))",
    '(use "a.witx" (typename $b u8)',
    "(" * 25 + "typename $a (record (typename $b u8)",
    "(typename" + " (list" * 24 + " (typename $b u8)",
    # unterminated strings and block comments, cursors that split tokens
    '(module $m (import "mem',
    '(module $m (import "memory\\" (memory)))\n(typename $a u8)',
    "(typename $a (; b (; nested ;) u8 ;) u32)\n(typename $b (;",
    "(typename $a (record (field $x u8) (;",
    "(typename $a u8) ;; line\r(typename $b (record\r\n (field $x",
    "(typename $a u8)) ) (typename $b (list $a",
    "(typename $a \x0c\xa0é, u8 (list ;; x\n",
    "(typename $a 0x (list +1 $ @x",
]


def test_snippets_at_every_offset() -> None:
    checker = Checker()
    for text in SNIPPETS:
        checker.check(text, range(len(text) + 1))
    assert checker.offsets > 1000


def test_an_open_form_cut_before_the_keyword_that_recovery_moved() -> None:
    text = "(typename $a (record (field $x u8) (typename $b u32)"
    offset = text.index("typename $b")
    ctx = context(parse(text), text, offset)
    assert [lst.start for lst in ctx.chain] == [0, text.index("(record"), offset - 1]
    assert ctx.slot == "fielditem" and ctx.head_position and not ctx.needs_close


def mutate(text: str, rng: random.Random) -> str:
    """`text` with `)` deleted, `(` inserted, strings and block comments left open, or cut."""
    for _ in range(rng.randrange(1, 5)):
        i = rng.randrange(len(text) + 1)
        what = rng.randrange(5)
        if what == 0:
            j = text.find(")", i)
            text = text[:j] + text[j + 1:] if j != -1 else text
        elif what == 1:
            text = text[:i] + rng.choice(["(", "(typename", "(module ", "( ", "\n("]) + text[i:]
        elif what == 2:
            text = text[:i] + rng.choice(['"', '"abc', "(;", "(; x", ";;", ";)"]) + text[i:]
        elif what == 3:
            text = text[:i] + text[i + rng.randrange(1, 12):]
        else:
            text = text[:i]
    return text


def test_broken_snippets() -> None:
    rng = random.Random(1)
    checker = Checker()
    for _ in range(400):
        text = mutate("".join(rng.choice(SNIPPETS) for _ in range(rng.randrange(1, 4))), rng)
        checker.check(text, range(len(text) + 1))
    assert checker.offsets > 30_000


def corpus_texts() -> list[tuple[str, str]]:
    """Every distinct .witx file of the corpus."""
    if not CORPUS.is_dir():
        return []
    texts: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*.witx")):
        texts.setdefault(path.read_text(encoding="utf-8", errors="replace"), str(path.relative_to(CORPUS)))
    return [(name, text) for text, name in texts.items()]


@needs_corpus
def test_corpus() -> None:
    rng = random.Random(2)
    checker = Checker()
    texts = corpus_texts()
    assert len(texts) > 100
    for _, text in texts:
        checker.check_words(text, rng, 24)
    assert checker.offsets > 10_000


@needs_corpus
def test_broken_corpus_files() -> None:
    rng = random.Random(3)
    checker = Checker()
    texts = corpus_texts()
    for _, text in rng.sample(texts, 25):
        for _ in range(4):
            checker.check_words(mutate(text, rng), rng, 25)
    assert checker.offsets > 5_000


@needs_corpus
def test_every_offset_of_functions_of_the_wasi_module() -> None:
    # In the oracle, each of them re-parses the module form up to the cursor.
    text = (CORPUS / "WebAssembly_WASI/wasi-0.1_fae981ba/preview1/witx/wasi_snapshot_preview1.witx").read_text()
    start = end = text.index('(@interface func (export "fd_pread")')
    for _ in range(3):
        end = text.index("(@interface func", end + 1)
    checker = Checker()
    checker.check(text, range(start, end))
    assert checker.offsets > 1000

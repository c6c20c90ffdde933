"""The completion context read off the full tree equals what its definition gives: the
text before the word at the cursor, parsed on its own (the former implementation, which
parsed that prefix on every request). The oracle here parses the prefix itself and reads
the open forms off it; it shares nothing with the production code but the parser and
`word_at` (what a completion item replaces, tested on its own below)."""

from __future__ import annotations

import random

import pytest

from tests.conftest import CORPUS, needs_corpus
from witx_lsp.features.completion_context import Context, context, word_at
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Node, SList, SourceTree


def _full_list(tree: SourceTree, start: int) -> SList | None:
    """The list of the full tree whose `(` is at `start` (a plain walk of the whole tree)."""
    todo: list[Node] = list(tree.items)
    while todo:
        n = todo.pop()
        if isinstance(n, SList):
            if n.start == start:
                return n
            todo += n.items
    return None


def oracle(tree: SourceTree, text: str, offset: int) -> tuple[object, ...]:
    """The open forms of `text[:word.start]` parsed on its own, outermost first, and whether
    the innermost is still unclosed in the full text."""
    word = word_at(text, offset)
    prefix = parse(text[:word.start])
    chain: list[SList] = []
    items = prefix.items
    while items and isinstance(items[-1], SList) and not items[-1].closed:
        chain.append(items[-1])
        items = items[-1].items
    full = _full_list(tree, chain[-1].start) if chain else None
    head_position = bool(chain) and not chain[-1].items
    return word, head_position, full is None or not full.closed, _forms(chain)


def _forms(chain: tuple[SList, ...] | list[SList]) -> list[object]:
    """The lists of a chain: where each starts and its items (atoms by text and position,
    lists by where they start and end), and the comments before the inner ones."""
    out: list[object] = []
    for depth, lst in enumerate(chain):
        items = [(n.start, n.end, n.text) if isinstance(n, Atom) else (n.start, "(") for n in lst.items]
        leading = [(c.start, c.end) for c in lst.leading] if depth else None
        out.append((lst.start, lst.closed, items, leading))
    return out


def summary(ctx: Context) -> tuple[object, ...]:
    return ctx.word, ctx.head_position, ctx.needs_close, _forms(ctx.chain)


class Checker:
    """Compares `context` with the oracle at offsets of texts."""

    def __init__(self) -> None:
        self.offsets = 0

    def check(self, text: str, offsets: list[int] | range) -> None:
        tree = parse(text)
        expected: dict[object, tuple[object, ...]] = {}  # the oracle depends on the offset only through the word
        for offset in offsets:
            word = word_at(text, offset)
            if word not in expected:
                expected[word] = oracle(tree, text, offset)
            got = summary(context(tree, text, offset))
            assert got == expected[word], (text[max(0, offset - 60):offset], offset)
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


# What is expected at the end of each text, by the witx 0.9.1 grammar (WebAssembly/WASI
# tools/witx/src/parser.rs at witx 0.9.1: `typename`, `record` fields, `variant` cases, the
# `(@witx tag ...)` / `(@witx repr ...)` annotations, `module` items, `use` paths).
SLOTS = [
    ("", "toplevel", False),
    ("(", "toplevel", True),
    ("(use ", "usepath", False),
    ("(typename $a ", "type:named", False),
    ("(typename $a (record ", "fielditem", False),
    ("(typename $a (record (field $x ", "type", False),
    ("(typename $a (record (", "fielditem", True),
    ("(typename $v (variant ", "case|tagann", False),
    ("(typename $v (variant (case $a) ", "case", False),
    ("(typename $v (variant (@witx tag ", "type", False),
    ("(typename $e (enum (@witx tag ", "reprtype", False),
    ("(typename $f (flags (@witx repr ", "reprtype", False),
    ("(typename $r (expected ", "type|error", False),
    ("(typename $r (expected $a (error ", "type", False),
    ("(typename $p (@witx const_pointer ", "type", False),
    ("(module $m ", "moduleitem", False),
    ('(module $m (@interface func (export "f") (param $p ', "type", False),
    ('(module $m (@interface func (export "f") ', "funcfield", False),
]


@pytest.mark.parametrize(("text", "slot", "head"), SLOTS)
def test_slot_at_the_end(text: str, slot: str, head: bool) -> None:
    ctx = context(parse(text), text, len(text))
    assert (ctx.slot, ctx.head_position) == (slot, head)


@pytest.mark.parametrize(("text", "offset", "word"), [
    ("(param $x $fi", 13, "$fi"), ("(param $x $fi)", 12, "$fi"), ("(list u8", 7, "u8"), ("a\nb", 3, "b"),
    ("( é", 3, ""), ("(x\r$y", 6, "$y"), ("$a.b-c", 2, "$a.b-c"),
])
def test_word_at(text: str, offset: int, word: str) -> None:
    span = word_at(text, offset)
    assert text[span.start:span.end] == word

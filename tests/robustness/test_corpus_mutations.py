"""Mutation tests over every .witx file of the shared corpus: random deletions and
insertions, dropped or doubled parentheses, and random bytes decoded with
`surrogateescape` or `replace`. Analysis must not raise, and every diagnostic
span must lie inside its file. Seeds are derived from the file's path, so every
run mutates the same way; the counts keep the module well under 30 s."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CORPUS, needs_corpus
from tests.robustness.helpers import check_text, span_problems
from witx_lsp.layout.diagnostics import layout_diagnostics

MUTANTS_PER_FILE = 6
FILES = sorted(CORPUS.rglob("*.witx")) if CORPUS.is_dir() else []
SNIPPETS = [
    "(", ")", "((", "))", "$x", "$", " enum ", "(@witx ", "(@witx tag u8)", '"', "(;", ";)", ";;;", "\\", "\x00",
    "\U0001f600", "\ud800", "record", "(field $a u8)", "(case $z)", "u64", "0x_1", "(tuple)", "(variant)", "bool",
    "(list $a)", "(typename $t (list $t))", "(use \"missing.witx\")", "(@foo", "(@interface func (export \"f\")",
]


def _parens(chars: list[str]) -> list[int]:
    return [i for i, c in enumerate(chars) if c in "()"]


def _delete(rng: random.Random, t: list[str]) -> None:
    if t:
        p = rng.randrange(len(t))
        del t[p:p + rng.randint(1, 40)]


def _insert(rng: random.Random, t: list[str]) -> None:
    p = rng.randrange(len(t) + 1)
    t[p:p] = list(rng.choice(SNIPPETS))


def _drop_paren(rng: random.Random, t: list[str]) -> None:
    idx = _parens(t)
    if idx:
        del t[rng.choice(idx)]


def _double_paren(rng: random.Random, t: list[str]) -> None:
    idx = _parens(t)
    if idx:
        i = rng.choice(idx)
        t.insert(i, t[i])


def _random_bytes(rng: random.Random, t: list[str]) -> None:
    raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
    p = rng.randrange(len(t) + 1)
    t[p:p] = list(raw.decode("utf-8", rng.choice(("surrogateescape", "replace"))))


def _copy_span(rng: random.Random, t: list[str]) -> None:
    if t:
        a, b = sorted((rng.randrange(len(t)), rng.randrange(len(t))))
        p = rng.randrange(len(t) + 1)
        t[p:p] = t[a:b][:300]


MUTATIONS: list[Callable[[random.Random, list[str]], None]] = [
    _delete, _insert, _drop_paren, _double_paren, _random_bytes, _copy_span,
]


def mutants(path: Path, text: str) -> list[str]:
    rng = random.Random(zlib.crc32(str(path.relative_to(CORPUS)).encode()))
    out = []
    for i in range(MUTANTS_PER_FILE):
        chars = list(text)
        # Each mutant applies one kind of mutation first (all kinds get used), then a few random ones.
        MUTATIONS[i % len(MUTATIONS)](rng, chars)
        for _ in range(rng.randint(0, 4)):
            rng.choice(MUTATIONS)(rng, chars)
        out.append("".join(chars))
    return out


@needs_corpus
def test_corpus_is_there() -> None:
    assert len(FILES) > 200


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_mutants_of(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    check_text(text)
    for mutant in mutants(path, text):
        analysis = check_text(mutant)
        assert not span_problems(analysis, layout_diagnostics(analysis))


@needs_corpus
def test_whole_file_as_surrogateescape_bytes() -> None:
    """Every corpus file with random bytes flipped, decoded both ways."""
    rng = random.Random(1)
    for path in FILES[::7]:
        data = bytearray(path.read_bytes())
        for _ in range(5):
            data[rng.randrange(len(data))] = rng.randrange(256)
        for errors in ("surrogateescape", "replace"):
            check_text(bytes(data).decode("utf-8", errors))

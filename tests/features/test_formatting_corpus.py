"""Formatting on every witx 0.9 file of the corpus: idempotent, every comment
kept, and the formatted file analyses to an equal Document with the same
diagnostics (codes and messages)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, needs_corpus
from witx_lsp.base.vfs import DiskProvider
from witx_lsp.features.formatting import format_text
from witx_lsp.model.analysis import analyze
from witx_lsp.syntax.parser import parse

# The same selection as tests/layout/test_layout_corpus.py: the witx 0.9 files.
_NOT_09 = ("witx-0.8.8", "use-syntax-reverted", "witx-0.10", "historical", "poc_", "codegen_", "dd9182a5")


def corpus_09_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [p for p in sorted(CORPUS.rglob("*.witx"))
            if not any(s in str(p.relative_to(CORPUS)) for s in _NOT_09)]


def comment_texts(text: str) -> Counter[str]:
    return Counter(c.text.rstrip("\r") for c in parse(text).comments)


def summary(path: str, overlay: dict[str, str] | None = None) -> tuple[object, list[tuple[str, str, str]]]:
    a = analyze([path], DiskProvider(overlay))
    return a.document, [(d.path, d.code, d.message) for d in a.diagnostics]


@needs_corpus
@pytest.mark.parametrize("path", corpus_09_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_formatting_is_idempotent_and_keeps_meaning(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert once is not None, "a corpus file was refused"
    twice = format_text(once.text)
    assert twice is not None and twice.text == once.text
    assert comment_texts(once.text) == comment_texts(text)
    before = summary(str(path))
    after = summary(str(path), {str(path): once.text})
    assert after[0] == before[0]
    assert after[1] == before[1]


@needs_corpus
def test_the_corpus_selection_is_not_empty() -> None:
    assert len(corpus_09_files()) > 50


@needs_corpus
def test_editing_features_never_raise_on_mutated_corpus_text() -> None:
    import random

    from witx_lsp.base.span import Span
    from witx_lsp.features.code_actions import code_actions
    from witx_lsp.features.completion import complete
    from witx_lsp.features.semantic_tokens import semantic_tokens
    from witx_lsp.features.snapshot import Snapshot
    from witx_lsp.model.analysis import analyze_text

    rng = random.Random(7)
    files = corpus_09_files()
    for _ in range(60):
        text = rng.choice(files).read_text(encoding="utf-8")
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(["", "(", ")", "$", ";;", "(;", '"', "\n"]) + text[i + rng.randrange(40):]
        snap = Snapshot("/m.witx", analyze_text(text, "/m.witx"))
        for _ in range(4):
            at = rng.randrange(len(text) + 1)
            complete(snap, at)
            code_actions(snap, Span(at, min(len(text), at + 20)))
        semantic_tokens(snap)
        out = format_text(text)
        if out is not None:
            again = format_text(out.text)
            assert again is not None and again.text == out.text

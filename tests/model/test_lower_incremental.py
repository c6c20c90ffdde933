"""Incremental lowering (`model/lower_incremental.py`: a new text lowered from the previous one,
reusing the declarations whose chunk of text is found again): it answers exactly what the fast
path answers on the new text from scratch (`lower_text`, which `test_lower_fast` compares with the
tree path), on random edit sequences of the fixtures and corpus files, with edits of whole
declarations and of their lexical corners; and it really reuses."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PREVIEW1, needs_corpus
from tests.model.test_lower_fast import SNIPPETS as LEXICAL
from tests.workspace.test_incremental import COMPUTE_AT_EDGE, edit
from witx_lsp.model.load import ParseCache
from witx_lsp.model.lower import LoweredFile
from witx_lsp.model.lower_fast import lower_text
from witx_lsp.model.lower_incremental import relower

CORNERS = [*LEXICAL, "\x1c", "\"(typename $s u8)\n", ";; (typename $c u8)\n", "(typename $dup u8)",
           "\n(typename $dup u8)\n", ")\n(typename $x u8)", "\n(@witx const $a $b 1)\n"]


def _step(rng: random.Random, text: str, history: list[str]) -> str:
    """An edit of whole forms (mostly), or of characters."""
    if rng.random() < 0.7:
        return edit(rng, text, history)
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(CORNERS) * rng.randint(0, 2) + text[at + rng.randint(0, 6):]


def _check(old_text: str, old: LoweredFile, text: str) -> LoweredFile | None:
    got = relower(old_text, old, text, "/f.witx")
    assert repr(got) == repr(lower_text(text, "/f.witx"))
    return got


def run(text: str, seed: int, steps: int) -> int:
    """A random edit sequence from `text`; how many steps lowered a well-formed text from the
    previous one's lowering."""
    rng = random.Random(seed)
    history: list[str] = []
    lowered = lower_text(text, "/f.witx")
    assert lowered is not None
    incremental = 0
    for _ in range(steps):
        history.append(text)
        new = _step(rng, text, history)
        got = _check(text, lowered, new)
        if got is not None:  # (the edits go on from well-formed texts only: the others have no fast lowering)
            incremental += 1
            text, lowered = new, got
    return incremental


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.witx")))
def test_random_edit_sequences_of_the_fixtures(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    done = sum(run(text, seed, 25) for seed in range(zlib.crc32(name.encode()) % 1000, 1000)[:6])
    assert done > 60


@needs_corpus
@pytest.mark.parametrize("path", [PREVIEW1, COMPUTE_AT_EDGE / "compute-at-edge.witx"], ids=lambda p: p.name)
def test_random_edit_sequences_of_big_files(path: Path) -> None:
    assert run(path.read_text(encoding="utf-8"), 7, 20) > 3


def test_unchanged_declarations_are_reused() -> None:
    """Those before an edit are the same objects; those after it are moved copies."""
    text = (FIXTURES / "greenhouse.witx").read_text(encoding="utf-8")
    old = lower_text(text, "/f.witx")
    assert old is not None and len(old.decls) > 10
    middle = old.decls[len(old.decls) // 2].span.start
    new_text = text[:middle] + "(typename $inserted u8)\n" + text[middle:]
    new = _check(text, old, new_text)
    assert new is not None and len(new.decls) == len(old.decls) + 1
    half = len(old.decls) // 2
    assert all(a is b for a, b in zip(old.decls[:half], new.decls[:half], strict=True))
    after = zip(old.decls[half:], new.decls[half + 1:], strict=True)
    assert all(a is not b and a.span.start + 24 == b.span.start for a, b in after)


def test_the_parse_cache_lowers_from_the_previous_text() -> None:
    cache = ParseCache()
    text = (FIXTURES / "greenhouse.witx").read_text(encoding="utf-8")
    tree, first = cache.get("/g.witx", text)
    assert not tree.built
    tree, second = cache.get("/g.witx", text + "\n(typename $appended u8)\n")
    assert not tree.built and second.decls[0] is first.decls[0]
    assert repr(second) == repr(lower_text(text + "\n(typename $appended u8)\n", "/g.witx"))
    tree, _ = cache.get("/g.witx", text + "(")
    assert tree.built and tree.errors  # the tree path reports
    _, again = cache.get("/g.witx", text)
    assert again.decls[0] is not first.decls[0]  # (from scratch: the previous text had no fast lowering)

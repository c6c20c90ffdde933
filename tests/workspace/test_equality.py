"""workspace/equality.py: `equal_values` is `==` on model values, without recursion."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from tests.conftest import FIXTURES, PREVIEW1
from tests.workspace.test_incremental import edit
from witx_lsp.base.vfs import DiskProvider
from witx_lsp.model.analysis import analyze, analyze_text
from witx_lsp.model.types import Document, ListType, NamedType
from witx_lsp.workspace.equality import Known, equal_values


def _values(doc: Document) -> list[object]:
    return [*doc.typenames, *(f for m in doc.modules for f in m.funcs), *doc.modules, *doc.constants]


def test_it_agrees_with_eq_on_values_of_separate_analyses() -> None:
    roots = [str(p) for p in sorted(FIXTURES.glob("*.witx"))] + ([str(PREVIEW1)] if PREVIEW1.is_file() else [])
    rng = random.Random(7)
    checked = equal = 0
    for root in roots:
        text = Path(root).read_text(encoding="utf-8")
        variants = [text] + [edit(rng, text, []) for _ in range(6)]
        docs = [analyze([root], DiskProvider({root: v})).document for v in variants] + [analyze([root]).document]
        for a, b in itertools.combinations(docs, 2):
            mine, theirs = _values(a), _values(b)
            every = list(itertools.product(mine, theirs))
            pairs = list(zip(mine, theirs, strict=False)) + rng.sample(every, min(60, len(every)))
            known: Known = {}
            for x, y in pairs:
                assert equal_values(x, y, known) == (x == y), (x, y)
                checked += 1
                equal += x == y
    assert checked > 1000 and 0 < equal < checked  # both answers were seen


def test_it_remembers_equal_typenames_and_walks_the_deepest_types() -> None:
    depth = 99  # (lowering refuses more: E0108)
    text = "(typename $deep " + "(list " * depth + "u8" + ")" * depth + ")\n"
    one, two = analyze_text(text).document.typenames[0], analyze_text(text).document.typenames[0]
    assert one is not two
    known: Known = {}
    assert equal_values(one, two, known)  # where `one == two` recurses once per level
    assert (id(one), id(two)) in known
    t = one.tref
    for _ in range(depth - 1):
        assert isinstance(t, ListType)
        t = t.element
    changed = analyze_text(text.replace("u8", "u16")).document.typenames[0]
    assert not equal_values(one, changed, {})
    assert isinstance(one, NamedType)

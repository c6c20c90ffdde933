"""Incremental validation (model/incremental.py): an analysis that resumes from a
checkpoint of an earlier one is exactly the analysis made from scratch (document,
diagnostics, symbols), and the checkpoint is really used."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, PREVIEW1, needs_corpus
from witx_lsp.base.vfs import DiskProvider, MemoryProvider
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.model.incremental import ValidationCheckpoints
from witx_lsp.model.load import ParseCache

COMPUTE_AT_EDGE = (CORPUS / "fastly_Viceroy" / "HEAD_274febd9" / "wasm_abi" / "compute-at-edge-abi"
                   / "compute-at-edge.witx")


def facts(a: Analysis) -> tuple[object, ...]:
    symbols = sorted((k.kind.value, k.names, d.name_span, d.full_span, d.docs)
                     for k, d in a.symbols.definitions.items())
    refs = sorted((r.key.kind.value, r.key.names, r.span) for r in a.symbols.references)
    return a.document, [(d.code, d.message, d.path, d.span, d.related) for d in a.diagnostics], symbols, refs


EDITS = [
    "\n(typename $probe u8)\n",  # a new valid declaration at the end
    "\n(typename $probe $nope)\n",  # an unknown name
    "\n(typename $fd u8)\n",  # a redefinition of an included name (when there is one)
    "\n(typename $probe (record (field $a u8) (field $a u16)))\n",
    "\n(module $m2 (@interface func (export \"f\") (result $e (expected (error $probe)))))\n",
    "(",  # a parse error
    "",
]


def _check_edits(root: Path, edits: list[str]) -> int:
    base = root.read_text(encoding="utf-8")
    cache, checkpoints = ParseCache(), ValidationCheckpoints()
    restored = 0
    for edit in edits:
        provider = DiskProvider({str(root): base + edit})
        incremental = analyze([str(root)], provider, cache, checkpoints)
        restored += checkpoints.restored_segments
        fresh = analyze([str(root)], DiskProvider({str(root): base + edit}))
        assert facts(incremental) == facts(fresh), edit
    return restored


@needs_corpus
@pytest.mark.parametrize("root", [PREVIEW1, COMPUTE_AT_EDGE], ids=["preview1", "compute-at-edge"])
def test_edits_of_the_root_file(root: Path) -> None:
    assert _check_edits(root, EDITS) >= len(EDITS) - 1  # every analysis after the first resumes


def test_edit_of_an_included_file_validates_what_follows_it_again() -> None:
    files = {
        "/w/a.witx": "(typename $a u8)\n",
        "/w/b.witx": "(use \"a.witx\")\n(typename $b $a)\n",
        "/w/root.witx": "(use \"b.witx\")\n(typename $r (tuple $a $b))\n",
    }
    cache, checkpoints = ParseCache(), ValidationCheckpoints()
    rng = random.Random(3)
    variants = ["(typename $a u8)\n", "(typename $a u64)\n", "(typename $x u8)\n", "(typename $a (list $a))\n"]
    restored = 0
    for _ in range(12):
        target = rng.choice(["/w/a.witx", "/w/b.witx", "/w/root.witx"])
        if target == "/w/a.witx":
            files[target] = rng.choice(variants)
        else:
            files[target] = files[target] + rng.choice(["(typename $z u8)\n", "(typename $z $a)\n", ""])
        incremental = analyze(["/w/root.witx"], MemoryProvider(dict(files)), cache, checkpoints)
        fresh = analyze(["/w/root.witx"], MemoryProvider(dict(files)))
        assert facts(incremental) == facts(fresh)
        restored += checkpoints.restored_segments
    assert restored > 0


def test_typing_resumes_inside_the_edited_file() -> None:
    """Keystrokes at one place, then another (each text analysed, broken ones included), and
    changes that move nothing: the analyses resume inside the edited file, after declarations
    it shares with its previous lowering, and equal analyses from scratch."""
    names = ("greenhouse.witx", "garden_status.witx")
    files = {f"/w/{n}": (FIXTURES / n).read_text(encoding="utf-8") for n in names}
    root = "/w/greenhouse.witx"
    cache, checkpoints = ParseCache(), ValidationCheckpoints()
    rng = random.Random(5)
    starts = [m.start() for m in re.finditer(r"^\((?:typename|module)", files[root], re.M)]
    restored: list[int] = []
    for typed in ("(typename $typed (list u8))\n", "(typename $fd $nope)\n", ";;; doc\n", ")\n"):
        at = rng.choice(starts[len(starts) // 4:])
        before = files[root]
        for n in range(1, len(typed) + 1):
            files[root] = before[:at] + typed[:n] + before[at:]
            incremental = analyze([root], MemoryProvider(dict(files)), cache, checkpoints)
            assert facts(incremental) == facts(analyze([root], MemoryProvider(dict(files)))), files[root][at:at + n]
            restored.append(checkpoints.restored_decls)
        if rng.random() < 0.5:
            files[root] = before  # (undone)
    found = list(re.finditer(r"\bu(8|16|32)\b", files[root]))
    for m in reversed(found[::max(1, len(found) // 8)]):  # edits that move nothing, each before the last
        files[root] = files[root][:m.start()] + "s" + files[root][m.start() + 1:]
        incremental = analyze([root], MemoryProvider(dict(files)), cache, checkpoints)
        assert facts(incremental) == facts(analyze([root], MemoryProvider(dict(files))))
        restored.append(checkpoints.restored_decls)
    assert max(restored) > len(starts) // 4

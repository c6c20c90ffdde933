"""Where hazards point when a file's tree is deferred (model/lower_fast.py): only the
declaration holding a name is parsed, on its own, and its spans moved to their place
(wiggle/codegen/spans.py). The positions equal those found in the file's whole tree, on
the fixtures, the hazard tests' constructs and random edits of them; and finding them
builds no file's tree."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.workspace.test_incremental import CONFIGS, edit
from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.features.preview import read_config
from witx_lsp.model.analysis import analyze
from witx_lsp.wiggle.codegen import hazard_diagnostics

CONSTRUCTS = """(typename $errno (enum (@witx tag u16) $success $badf))
(typename $r (record (field $b bool) (field $c char) (field $l (list bool)) (field $p (@witx pointer (list bool)))))
(typename $v (variant (case $a bool) (case $b (list char)) (case $c)))
(typename $pair (tuple u32 u32))
(typename $u (union u8 u16))
(typename $s string)
(typename $Result (handle))
(module $m
  (@interface func (export "f") (param $on bool) (param $c char) (result $e (expected char (error $errno))))
  (@interface func (export "g") (result $a u32) (result $b u32))
  (@interface func (export "h") (result $e (expected (error $r))))
  (@interface func (export "k") (result $e (expected u32 (error)))))
"""


def _hazards(diags: list[Diagnostic]) -> list[tuple[Diagnostic, object]]:
    return [(d, d.data) for d in diags]  # (`data` is not part of a Diagnostic's equality)


def check(root: Path, config: str | None) -> int:
    """The hazards of `root` with deferred trees equal those with every tree built; how many were
    found in a deferred tree."""
    cfg = read_config(config)[0]
    lazy = analyze([str(root)])
    built = {p for p, f in lazy.files.items() if f.tree.built}  # (the files lowered from their tree)
    got = hazard_diagnostics(lazy, cfg)
    assert {p for p, f in lazy.files.items() if f.tree.built} == built
    full = analyze([str(root)])
    for f in full.files.values():
        assert f.tree.items is not None  # built now
    assert _hazards(got) == _hazards(hazard_diagnostics(full, cfg))
    return sum(1 for d in got if d.path not in built)


def test_the_constructs_and_the_fixtures(tmp_path: Path) -> None:
    (tmp_path / "constructs.witx").write_text(CONSTRUCTS)
    for name in ("oddities.witx", "greenhouse.witx", "garden_status.witx"):
        (tmp_path / name).write_text((FIXTURES / name).read_text(encoding="utf-8"))
    found = [check(tmp_path / name, config) for name in ("constructs.witx", "oddities.witx") for config in CONFIGS]
    assert min(found) > 5  # (a check that finds nothing compares nothing)


@pytest.mark.parametrize("block", range(2))
def test_random_edits(tmp_path: Path, block: int) -> None:
    path = tmp_path / "edited.witx"
    for name in ("greenhouse.witx", "garden_status.witx"):
        (tmp_path / name).write_text((FIXTURES / name).read_text(encoding="utf-8"))
    found = 0
    for seed in range(block * 6, block * 6 + 6):
        rng = random.Random(seed)
        text = CONSTRUCTS + (FIXTURES / "oddities.witx").read_text(encoding="utf-8")
        history: list[str] = []
        for _ in range(12):
            history.append(text)
            text = edit(rng, text, history)
            path.write_text(text)
            found += check(path, CONFIGS[seed % len(CONFIGS)])
    assert found > 0

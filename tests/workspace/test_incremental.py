"""An editor session's analyses and diagnostics (the workspace layer: parse cache, validator
checkpoints, the hazards and layout diagnostics kept per declaration) equal those of a
from-scratch analysis, after every edit of random edit sequences; and the reuse really happens.

The from-scratch side is a new AnalysisHost (empty caches) over the same files and editor texts,
and `features.diagnostics.collect` with its default, uncached hazard and layout functions."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, PREVIEW1
from tests.model.test_incremental import facts
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.features.diagnostics import collect
from witx_lsp.features.preview import read_config
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import SList
from witx_lsp.wiggle.codegen import DEFAULT_CONFIG, hazard_diagnostics
from witx_lsp.workspace.host import AnalysisHost

COMPUTE_AT_EDGE = CORPUS / "fastly_Viceroy" / "HEAD_274febd9" / "wasm_abi" / "compute-at-edge-abi"

SNIPPETS = [
    "\n(typename $t{n} u32)\n",
    "\n(typename $t{n} (record (field $a bool) (field $b char) (field $c (list bool))))\n",
    "\n(typename $t{n} (variant (case $a bool) (case $b (list char))))\n",
    "\n(typename $t{n} (tuple u8 u64))\n",
    "\n(typename $Result (handle))\n",
    "\n(typename $t{n} string)\n",
    "\n(typename $t{n} (union u8 u16))\n",
    '\n(module $m{n} (@interface func (export "f{n}") (param $p (list bool)) (param $c char)'
    " (result $r (expected u32 (error u32)))))\n",
    '\n  (@interface func (export "g{n}") (param $self u32) (param $Self u8) (result $r u32))\n',
    '\n  (@interface func (export "h{n}") (param $x $nope) (result $e (expected (error $nope))))\n',
    "\n(@witx const $t{n} $c 7)\n",
    ")", "(", "$x ", ";; a comment\n", ";;; a doc comment\n", '"text"', "(@witx tag u8)",
    '\n(use "garden_status.witx")\n',
]
BODIES = ["u32", "char", "bool", "string", "(list bool)", "(enum (@witx tag u8) $a $b)", "(handle)",
          "(record (field $x bool))", "(variant (case $a char))", "(tuple u8 u8)", "(flags $a $b)"]
CONFIGS = (None, "errors: { status => trappable GardenError }", "witx: [], async: *")
OVERRIDES: tuple[Mapping[str, Severity | None], ...] = ({}, {"W0601": None, "W0501": Severity.ERROR})


def _boundaries(text: str) -> list[int]:
    """Offsets between top-level forms (and inside modules: between their functions)."""
    out = {0, len(text)}
    for node in parse(text, "/x.witx").items:
        out.update((node.start, node.end))
        if isinstance(node, SList) and node.head_is("module"):
            out.update(n.start for n in node.items[2:])
    return sorted(out)


def edit(rng: random.Random, text: str, history: list[str]) -> str:
    """One random edit of the kinds an editor makes (and some it makes by accident)."""
    cuts = _boundaries(text)
    forms = [n for n in parse(text, "/x.witx").items if isinstance(n, SList)]
    at = rng.choice(cuts) if rng.random() < 0.7 else rng.randrange(len(text) + 1)
    kind = rng.choice(["insert", "insert", "delete", "duplicate", "move", "rename", "retype", "undo"])
    if kind == "insert":
        return text[:at] + rng.choice(SNIPPETS).format(n=rng.randrange(100)) + text[at:]
    if kind == "delete" and text:
        start = rng.randrange(len(text))
        return text[:start] + text[start + rng.randint(1, 40):]
    if kind in ("duplicate", "move") and forms:
        form = rng.choice(forms)
        piece = text[form.start:form.end] + "\n"
        rest = text if kind == "duplicate" else text[:form.start] + text[form.end:]
        at = min(at, len(rest))
        return rest[:at] + piece + rest[at:]
    if kind == "rename":
        names = list(re.finditer(r"\$[A-Za-z_][\w-]*", text))
        if names:
            m = rng.choice(names)
            new = rng.choice([x.group() for x in names] + ["$renamed", "$Result", "$self"])
            return text[:m.start()] + new + text[m.end():]
    typenames = [f for f in forms if f.head_is("typename") and len(f.items) > 2]
    if kind == "retype" and typenames:  # the functions that use it keep their text, not their meaning
        form = rng.choice(typenames)
        body = rng.choice(BODIES)
        return text[:form.items[2].start] + body + text[form.items[-1].end:]
    if kind == "undo" and history:
        return rng.choice(history[-4:])
    return text + "\n(typename $appended u8)\n"


def _diagnostics(diags: list[Diagnostic]) -> list[tuple[Diagnostic, object]]:
    return [(d, d.data) for d in diags]  # (`data` is not part of a Diagnostic's equality)


def check_against_scratch(host: AnalysisHost, files: list[str], texts: dict[str, str],
                          overrides: Mapping[str, Severity | None], config: str | None) -> None:
    fresh = AnalysisHost()
    for path, text in texts.items():  # (first: the editor's texts are lowered from scratch, not from the disk's)
        fresh.set_text(path, text)
    fresh.add_files(files)
    for path in files:
        mine = host.analysis_for(path)
        theirs = fresh.analysis_for(path)
        assert mine.roots == theirs.roots, path
        assert facts(mine) == facts(theirs), path
        got = host.diagnostics.of(mine, overrides, config)
        assert _diagnostics(got) == _diagnostics(collect(theirs, overrides, read_config(config)[0])), path


def run_sequences(files: list[str], seeds: range, steps: int) -> AnalysisHost:
    host = AnalysisHost()
    host.add_files(files)
    for seed in seeds:
        rng = random.Random(seed)
        texts: dict[str, str] = {}
        history: dict[str, list[str]] = {}
        overrides, config = OVERRIDES[seed % len(OVERRIDES)], CONFIGS[seed % len(CONFIGS)]
        for _ in range(steps):
            path = rng.choice(files)
            text = texts.get(path) or Path(path).read_text(encoding="utf-8")
            history.setdefault(path, []).append(text)
            texts[path] = edit(rng, text, history[path])
            host.set_text(path, texts[path])
            check_against_scratch(host, files, texts, overrides, config)
        for path in texts:  # back to the disk's text for the next sequence
            host.overlay_close(path)
    return host


def _workspace(tmp_path: Path, sources: list[Path], second_root: Path | None) -> list[str]:
    for src in sources:
        shutil.copy(src, tmp_path / src.name)
    if second_root is not None:  # a second root that uses the same files (both must stay right)
        shutil.copy(second_root, tmp_path / f"second_{second_root.name}")
    return sorted(str(p) for p in tmp_path.glob("*.witx"))


@pytest.mark.parametrize("block", range(6))
def test_random_edit_sequences_on_the_fixtures(tmp_path: Path, block: int) -> None:
    files = _workspace(tmp_path, sorted(FIXTURES.glob("*.witx")), FIXTURES / "greenhouse.witx")
    run_sequences(files, range(block * 8, block * 8 + 8), 10)


needs_preview1 = pytest.mark.skipif(not PREVIEW1.is_file(), reason="the shared corpus (preview1) is not present")
needs_cae = pytest.mark.skipif(not COMPUTE_AT_EDGE.is_dir(), reason="the shared corpus (compute-at-edge) is absent")


@needs_preview1
def test_random_edit_sequences_on_preview1(tmp_path: Path) -> None:
    files = _workspace(tmp_path, [PREVIEW1, PREVIEW1.parent / "typenames.witx"], PREVIEW1)
    run_sequences(files, range(100, 104), 8)


@needs_cae
def test_random_edit_sequences_on_compute_at_edge(tmp_path: Path) -> None:
    files = _workspace(tmp_path, sorted(COMPUTE_AT_EDGE.glob("*.witx")), None)
    run_sequences(files, range(200, 203), 6)


def _oddities(tmp_path: Path) -> tuple[AnalysisHost, list[str], str, str]:
    """A host over the oddities fixture and the files it uses: the host, the files, the path
    of oddities.witx and its text."""
    names = ("oddities.witx", "greenhouse.witx", "garden_status.witx")
    files = _workspace(tmp_path, [FIXTURES / n for n in names], None)
    host = AnalysisHost()
    host.add_files(files)
    main = str(tmp_path / "oddities.witx")
    return host, files, main, Path(main).read_text(encoding="utf-8")


def test_unchanged_declarations_are_not_computed_again(tmp_path: Path) -> None:
    """An edit before a module moves every function in it: their hazards and layout diagnostics
    are moved, not computed again; the typenames of the files it uses are the same values, those
    before the edit in the edited file equal values at the same place."""
    host, files, main, text = _oddities(tmp_path)
    decls = host.diagnostics.declarations
    host.diagnostics.of(host.analysis_for(main), {}, None)
    counts = decls.typenames.computed, decls.functions.computed, decls.layouts.computed
    assert min(counts) > 0
    moved = text.replace("(module $dials", "(typename $inserted u8)\n(module $dials", 1)
    assert moved != text
    host.set_text(main, moved)
    after = host.diagnostics.of(host.analysis_for(main), {}, None)
    assert decls.typenames.computed == counts[0] + 1  # $inserted only
    assert (decls.functions.computed, decls.layouts.computed) == counts[1:]
    module = moved.index("(module $dials")
    assert any(d.code.startswith("W06") and d.path == main and d.span.start > module for d in after)
    check_against_scratch(host, files, {main: moved}, {}, None)  # the moved results are where they belong


def test_kept_results_follow_what_a_function_uses(tmp_path: Path) -> None:
    """A function whose text did not move or change, but whose error type did: its hazards
    change (the kept ones are for an equal value only)."""
    path = tmp_path / "m.witx"
    module = '(module $m (@interface func (export "f") (result $r (expected (error $e)))))\n'
    before, after = "(typename $e (enum (@witx tag u8) $a))\n", "(typename $e (record (field $abc u8)))\n"
    assert len(before) == len(after)  # the function stays where it was
    path.write_text(before + module)
    host = AnalysisHost()
    host.add_files([str(path)])
    first = host.diagnostics.of(host.analysis_for(str(path)), {}, None)
    assert "W0607" not in [d.code for d in first]
    host.set_text(str(path), after + module)
    second = host.diagnostics.of(host.analysis_for(str(path)), {}, None)
    assert "W0607" in [d.code for d in second]
    check_against_scratch(host, [str(path)], {str(path): after + module}, {}, None)


def test_kept_hazards_follow_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "m.witx"
    path.write_text('(module $m (@interface func (export "f") (param $mem u32)))\n')
    host = AnalysisHost()
    host.add_files([str(path)])
    a = host.analysis_for(str(path))
    decls = host.diagnostics.declarations
    seen = []
    for config in (DEFAULT_CONFIG, DEFAULT_CONFIG.with_profile(22), DEFAULT_CONFIG):
        got = decls.hazards(a, config)
        assert _diagnostics(got) == _diagnostics(hazard_diagnostics(a, config))
        seen.append([d.code for d in got])
    assert seen == [[], ["W0610"], []]  # from wasmtime v22 on, `mem` is the memory parameter's name


def test_a_keystroke_builds_no_syntax_tree(tmp_path: Path) -> None:
    """The diagnostics of an edit of well-formed files come without building any file's deferred
    syntax tree (model/lower_fast.py): the kept results are found by the lowered declarations'
    spans, and the positions of a new hazard in the declaration parsed alone."""
    host, files, main, text = _oddities(tmp_path)
    host.diagnostics.of(host.analysis_for(main), {}, None)
    probe = "(typename $keystroke_probe (record (field $flag bool)))\n"
    for edited in (text + "\n" + probe, text.replace("(module $dials", probe + "(module $dials", 1)):
        host.set_text(main, edited)
        analysis = host.analysis_for(main)
        diags = host.diagnostics.of(analysis, {}, None)
        at = edited.index(probe)
        assert "W0601" in [d.code for d in diags if d.path == main and at <= d.span.start < at + len(probe)]
        assert len(analysis.files) == 3
        assert [p for p, f in analysis.files.items() if f.tree.built] == []
        check_against_scratch(host, files, {main: edited}, {}, None)

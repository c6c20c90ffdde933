"""Resource limits: deep nesting, huge text, and files that must not be read
(missing, directories, FIFOs, oversized, not UTF-8). Each ends in diagnostics,
without RecursionError; a run that does not end within DEADLINE_S fails (SIGALRM)
instead of hanging the suite. How fast is measured by benchmarks/, not here."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.robustness.helpers import check_text, span_problems
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MAX_FILE_BYTES, DiskProvider
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.model.analysis import Analysis, analyze, analyze_text
from witx_lsp.model.lower_base import MAX_TYPE_DEPTH
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Node, SList

DEADLINE_S = 60
DEPTH = 10_000


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a blocking open of a FIFO is interrupted by SIGALRM)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def bounded(text: str) -> Analysis:
    with deadline(DEADLINE_S):
        return check_text(text)


def codes(analysis: Analysis) -> list[str]:
    return [d.code for d in analysis.diagnostics]


# --- deep nesting -------------------------------------------------------------------------

def test_ten_thousand_open_parens() -> None:
    analysis = bounded("(" * DEPTH)
    assert "E0005" in codes(analysis)
    # The first 20 unclosed `(` are reported one by one, the rest in one diagnostic.
    assert codes(analysis).count("E0005") == 21


def test_ten_thousand_balanced_parens_tree_is_traversable() -> None:
    text = "(" * DEPTH + ")" * DEPTH
    tree = parse(text)
    assert not tree.errors
    depth = 0
    node: Node | None = tree.items[0]
    while isinstance(node, SList):  # iterative walk down the spine
        depth += 1
        node = node.items[0] if node.items else None
    assert depth == DEPTH
    analysis = bounded(text)
    assert analysis.diagnostics


@pytest.mark.parametrize("opening, closing", [
    ("(list ", ")"),
    ("(@witx pointer ", ")"),
    ("(tuple ", ")"),
    ("(variant (case $c ", "))"),
    ("(expected (error ", "))"),
    ("(expected ", " (error))"),
    ("(record (field $f ", "))"),
    ("(union ", ")"),
    ("(", ")"),
])
def test_deep_type_nesting_is_capped(opening: str, closing: str) -> None:
    """Lowering caps type nesting at MAX_TYPE_DEPTH levels (E0108), so neither it
    nor validation and layout recurse without bound."""
    text = "(typename $t " + opening * DEPTH + "u32" + closing * DEPTH + ")"
    analysis = bounded(text)
    if opening != "(":
        assert "E0108" in codes(analysis)
    assert not span_problems(analysis, layout_diagnostics(analysis))


def test_nesting_just_under_the_cap_is_fine() -> None:
    text = "(typename $t " + "(list " * MAX_TYPE_DEPTH + "u32" + ")" * MAX_TYPE_DEPTH + ")"
    analysis = check_text(text)
    assert codes(analysis) == []
    layout_diagnostics(analysis)
    text = "(typename $t " + "(list " * (MAX_TYPE_DEPTH + 1) + "u32" + ")" * (MAX_TYPE_DEPTH + 1) + ")"
    assert codes(check_text(text)) == ["E0108"]


def test_deep_nesting_in_a_function() -> None:
    text = ('(module $m (@interface func (export "f") (param $p ' + "(list " * DEPTH + "u8" + ")" * DEPTH
            + ")))")
    analysis = bounded(text)
    assert "E0108" in codes(analysis)


def test_deep_nesting_under_a_small_recursion_limit() -> None:
    """Analysis of 10,000 levels needs no more stack than 100 levels allow."""
    text = "(typename $t " + "(list " * DEPTH + "u8" + ")" * DEPTH + ")\n" + "(" * DEPTH
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(600, old // 2))
    try:
        analysis = analyze_text(text)
    finally:
        sys.setrecursionlimit(old)
    assert "E0108" in codes(analysis)


# --- huge text ----------------------------------------------------------------------------

def _twenty_megabytes() -> str:
    line = "(typename $t u32)\n"
    return line * (20_000_000 // len(line) + 1)


def test_twenty_megabytes_in_memory() -> None:
    text = _twenty_megabytes()
    with deadline(DEADLINE_S):
        analysis = analyze_text(text)
    assert [(d.code, d.span) for d in analysis.diagnostics] == [("E0404", Span(0, 0))]
    assert "over the limit" in analysis.diagnostics[0].message


def test_twenty_megabytes_on_disk(tmp_path: Path) -> None:
    big = tmp_path / "big.witx"
    big.write_text(_twenty_megabytes(), encoding="utf-8")
    with deadline(DEADLINE_S):
        analysis = analyze([str(big)], DiskProvider())
    assert [d.code for d in analysis.diagnostics] == ["E0404"]


def test_limit_counts_utf8_bytes_of_editor_text(tmp_path: Path) -> None:
    """The limit applies to overlay (editor) text too, in UTF-8 bytes."""
    path = str(tmp_path / "a.witx")
    ok = "(typename $a u32)" + " " * 33  # 50 bytes
    assert [d.code for d in analyze([path], DiskProvider({path: ok}, max_bytes=50)).diagnostics] == []
    over = ok + " "
    assert [d.code for d in analyze([path], DiskProvider({path: over}, max_bytes=50)).diagnostics] == ["E0404"]
    wide = ";; " + "é" * 24  # 3 + 48 bytes, 27 code points
    assert [d.code for d in analyze([path], DiskProvider({path: wide}, max_bytes=50)).diagnostics] == ["E0404"]
    lone = ";; " + "\udcff" * 16  # lone surrogates count 3 bytes each (surrogatepass)
    assert [d.code for d in analyze([path], DiskProvider({path: lone}, max_bytes=50)).diagnostics] == ["E0404"]


# --- files that must not be read ---------------------------------------------------------

def _make_missing(p: Path) -> None:
    pass


def _make_directory(p: Path) -> None:
    p.mkdir()


def _make_fifo(p: Path) -> None:
    os.mkfifo(p)


def _make_large(p: Path) -> None:
    with p.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no 8 MiB written


def _make_not_utf8(p: Path) -> None:
    p.write_bytes(b"(typename $a u32)\n;; caf\xe9\n")


BAD_FILES = [
    ("E0401", _make_missing),
    ("E0402", _make_directory),
    ("E0403", _make_fifo),
    ("E0404", _make_large),
    ("E0405", _make_not_utf8),
]


def _skip_without_fifo(code: str) -> None:
    if code == "E0403" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")


@pytest.mark.parametrize("code, make", BAD_FILES, ids=[c for c, _ in BAD_FILES])
def test_use_of_an_unreadable_file(code: str, make: Callable[[Path], None], tmp_path: Path) -> None:
    _skip_without_fifo(code)
    make(tmp_path / "target.witx")
    main = tmp_path / "main.witx"
    text = '(typename $a u32)\n(use "target.witx")\n(typename $b $a)\n'
    main.write_text(text, encoding="utf-8")
    with deadline(20):
        analysis = analyze([str(main)], DiskProvider())
    assert [d.code for d in analysis.diagnostics] == [code]
    d = analysis.diagnostics[0]
    assert d.path == os.path.realpath(main)
    assert text[d.span.start:d.span.end] == '"target.witx"'
    assert str(tmp_path.resolve() / "target.witx") in d.message


@pytest.mark.parametrize("code, make", BAD_FILES, ids=[c for c, _ in BAD_FILES])
def test_unreadable_root(code: str, make: Callable[[Path], None], tmp_path: Path) -> None:
    _skip_without_fifo(code)
    root = tmp_path / "root.witx"
    make(root)
    with deadline(20):
        analysis = analyze([str(root)], DiskProvider())
    assert [(d.code, d.path, d.span) for d in analysis.diagnostics] == [(code, os.path.realpath(root), Span(0, 0))]
    assert analysis.files == {}


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    root = tmp_path / "root.witx"
    body = b"(typename $a u32)\n"
    root.write_bytes(body + b" " * (MAX_FILE_BYTES - len(body)))
    analysis = analyze([str(root)], DiskProvider())
    assert analysis.diagnostics == []
    assert [t.name for t in analysis.document.typenames] == ["a"]


def test_other_io_errors(tmp_path: Path) -> None:
    main = tmp_path / "main.witx"
    long_name = "x" * 300 + ".witx"
    text = f'(use "{long_name}")\n(use "bad\\00name.witx")\n(use "main.witx/inner.witx")\n'
    main.write_text(text, encoding="utf-8")
    analysis = analyze([str(main)], DiskProvider())
    assert [d.code for d in analysis.diagnostics] == ["E0408", "E0408", "E0408"]
    for d in analysis.diagnostics:
        assert text[d.span.start] == '"' and text[d.span.end - 1] == '"'


def test_cyclic_use_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "a.witx").write_text('(use "b.witx")\n(typename $a u32)\n', encoding="utf-8")
    (tmp_path / "b.witx").write_text('(use "a.witx")\n(typename $b u32)\n', encoding="utf-8")
    analysis = analyze([str(tmp_path / "a.witx")], DiskProvider())
    assert [d.code for d in analysis.diagnostics] == ["E0406"]
    assert analysis.diagnostics[0].path == str((tmp_path / "b.witx").resolve())


def test_long_use_chain_is_iterative(tmp_path: Path) -> None:
    """2,000 files each using the next: no recursion in the loader."""
    n = 2000
    for i in range(n):
        nxt = f'(use "f{i + 1}.witx")\n' if i + 1 < n else ""
        (tmp_path / f"f{i}.witx").write_text(f"{nxt}(typename $t{i} u32)\n", encoding="utf-8")
    analysis = analyze([str(tmp_path / "f0.witx")], DiskProvider())
    assert analysis.diagnostics == []
    assert len(analysis.document.typenames) == n

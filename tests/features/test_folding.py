"""Folding ranges: multi-line lists and comment runs."""

from __future__ import annotations

from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.folding import FoldingRange, folding_ranges
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze


def ranges(text: str) -> list[FoldingRange]:
    return folding_ranges(Snapshot("/f.witx", analyze(["/f.witx"], MemoryProvider({"/f.witx": text}))))


def test_lists_and_comment_runs() -> None:
    text = (";; one\n"          # 0
            ";; two\n"          # 1
            "\n"                # 2
            ";;; doc\n"         # 3
            "(typename $e\n"    # 4
            "  (enum $a\n"      # 5
            "    $b))\n"        # 6
            "(typename $x u8) ;; trailing\n"  # 7
            ";; lone\n"         # 8
            "(; block\n"        # 9
            "   comment ;)\n"   # 10
            "(module $m (@interface func (export \"f\")\n"  # 11
            "  (param $p u8)))")  # 12
    assert ranges(text) == [FoldingRange(0, 1, "comment"), FoldingRange(4, 6), FoldingRange(5, 6),
                            FoldingRange(8, 10, "comment"), FoldingRange(11, 12)]


def test_one_range_per_start_line_and_unclosed_lists() -> None:
    # Both lists start on line 0: only the outer one is kept. The unclosed list still folds.
    assert ranges("(typename $r (record\n  (field $a u8)))\n") == [FoldingRange(0, 1)]
    assert ranges("(module $m\n  (@interface func\n") == [FoldingRange(0, 1)]


def test_single_lines_and_crlf() -> None:
    assert ranges("(typename $a u8)\n;; x\n") == []
    assert ranges("(typename $e\r\n  (enum $a))\r\n") == [FoldingRange(0, 1)]

"""Test-only stand-ins for what the server or a client provides in production."""

from __future__ import annotations

from collections.abc import Iterable

from witx_lsp.features.semantic_tokens import DeltaEdit
from witx_lsp.model.analysis import Analysis
from witx_lsp.witxt.runner import WitxtReport, run_file


class FixedAnalyses:
    """A fixed set of analyses, in place of the server's AnalysisHost."""

    def __init__(self, analyses: Iterable[Analysis]) -> None:
        self.analyses = list(analyses)

    def analyses_reading(self, path: str) -> list[Analysis]:
        return [a for a in self.analyses if path in a.files]


def apply_delta(previous: list[int], edits: list[DeltaEdit]) -> list[int]:
    """`previous` with the edits applied, as a client applies a semantic-tokens delta
    (LSP 3.17 `SemanticTokensEdit`: delete `deleteCount` numbers at `start`, insert `data`)."""
    out = list(previous)
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        out[e.start:e.start + e.delete_count] = list(e.data)
    return out


def run_files(paths: Iterable[str]) -> WitxtReport:
    """Every file's witxt report, summed (the CLI runs files one by one)."""
    report = WitxtReport()
    for p in paths:
        report.extend(run_file(p))
    return report

"""What a feature function receives: one file's text and the analysis it is
checked in. Offsets are code points into `text`."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.text import EMPTY, LineIndex
from witx_lsp.model.analysis import Analysis, SourceFile


@dataclass(frozen=True)
class Snapshot:
    path: str  # canonical path: the key of spans in the analysis
    analysis: Analysis

    @property
    def file(self) -> SourceFile | None:
        return self.analysis.files.get(self.path)

    @property
    def text(self) -> str:
        f = self.file
        return f.text if f is not None else ""

    @property
    def lines(self) -> LineIndex:
        f = self.file
        return f.lines if f is not None else EMPTY

"""Analysing the witx document of a directive, inline or loaded."""

from __future__ import annotations

from witx_lsp.base.vfs import DiskProvider, MemoryProvider
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.witxt.directives import WitxDoc


def analyze_doc(doc: WitxDoc, witxt_path: str) -> Analysis:
    if doc.inline_text is not None:
        # An inline document cannot `use` anything: its only file is itself.
        virtual = f"{witxt_path}#{doc.span.start}"
        return analyze([virtual], MemoryProvider({virtual: doc.inline_text}))
    return analyze(doc.load_paths, DiskProvider())

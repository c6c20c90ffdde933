"""The one entry point of analysis: files (disk text plus an editor overlay) in,
trees, typed model, symbol index and diagnostics out. Never raises on user input.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.text import LineIndex
from witx_lsp.base.vfs import DiskProvider, MemoryProvider, SourceProvider
from witx_lsp.model.symbols import SymbolIndex
from witx_lsp.model.types import Document
from witx_lsp.syntax.tree import SourceTree

if TYPE_CHECKING:
    from witx_lsp.model.incremental import ValidationCheckpoints
    from witx_lsp.model.load import ParseCache


@dataclass
class SourceFile:
    path: str  # canonical path (the key used in spans and diagnostics)
    text: str
    tree: SourceTree
    uses: tuple[str, ...] = ()  # canonical paths this file's `(use ...)` forms name, in order
    _lines: LineIndex | None = field(default=None, repr=False)

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines


@dataclass
class Analysis:
    roots: tuple[str, ...]  # canonical root paths, as given
    files: dict[str, SourceFile]  # every file that was read, in load order
    document: Document
    diagnostics: list[Diagnostic]  # sorted by path, then position
    symbols: SymbolIndex

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def analyze(roots: Sequence[str], provider: SourceProvider | None = None, cache: ParseCache | None = None,
            checkpoints: ValidationCheckpoints | None = None) -> Analysis:
    """Load the root files (and what they `use`) into one document, as the
    reference's `witx::load(&[paths])` does, and validate it. An editor session
    passes a `ParseCache` so that unchanged files are not parsed again, and
    `ValidationCheckpoints` (with the same cache) so that the declarations read
    before the first changed file are not validated again."""
    from witx_lsp.model.load import load

    with cyclic_gc_paused():
        return load(roots, provider or DiskProvider(), cache, checkpoints)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Keep Python's cyclic collector out of one analysis. An analysis allocates
    tens of thousands of small acyclic objects (tokens, nodes, model values), all
    freed by reference counting; every 700 of them the collector would otherwise
    walk the young objects, and now and then the whole heap (an editor's heap holds
    every open analysis): a third of compute-at-edge's median time went there.
    Cycles made meanwhile by other code are collected after the analysis.

    Re-enabled, the collector would first walk every object the analysis made (all
    still young, and all alive): unless the process keeps a frozen heap of its own
    (the language server does), they are moved to the oldest generation instead, in
    constant time (`freeze` then `unfreeze`), where a full collection finds them later
    if any is ever part of a cycle."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def analyze_text(text: str, path: str = "/input.witx", others: dict[str, str] | None = None) -> Analysis:
    """Analyse one text held in memory (with optional other in-memory files for `use`)."""
    files = dict(others or {})
    files[path] = text
    return analyze([path], MemoryProvider(files))

"""The one entry point of analysis: files (disk text plus an editor overlay) in,
trees, typed model, symbol index and diagnostics out. Never raises on user input.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from witx_lsp.base.vfs import DiskProvider, MemoryProvider, SourceProvider
from witx_lsp.model.analysis_result import Analysis, SourceFile
from witx_lsp.model.incremental import ValidationCheckpoints
from witx_lsp.model.load import ParseCache, load


def analyze(roots: Sequence[str], provider: SourceProvider | None = None, cache: ParseCache | None = None,
            checkpoints: ValidationCheckpoints | None = None, frozen_heap: bool | None = None) -> Analysis:
    """Load the root files (and what they `use`) into one document, as the
    reference's `witx::load(&[paths])` does, and validate it. An editor session
    passes a `ParseCache` so that unchanged files are not parsed again, and
    `ValidationCheckpoints` (with the same cache) so that the declarations read
    before the first changed file are not validated again. `frozen_heap`: see
    `cyclic_gc_paused`."""
    with cyclic_gc_paused(frozen_heap):
        return load(roots, provider or DiskProvider(), cache, checkpoints)


@contextmanager
def cyclic_gc_paused(frozen_heap: bool | None = None) -> Iterator[None]:
    """Keep Python's cyclic collector out of one analysis. An analysis allocates
    tens of thousands of small acyclic objects (tokens, nodes, model values), all
    freed by reference counting; every 700 of them the collector would otherwise
    walk the young objects, and now and then the whole heap (an editor's heap holds
    every open analysis): a third of compute-at-edge's median time went there.
    Cycles made meanwhile by other code are collected after the analysis.

    Re-enabled, the collector would first walk every object the analysis made (all
    still young, and all alive): they are moved to the oldest generation instead, in
    constant time (`freeze` then `unfreeze`), where a full collection finds them later
    if any is ever part of a cycle.

    A process that keeps a frozen heap of its own (the language server) says so with
    `frozen_heap=True`: `unfreeze` would thaw its heap, so the analysis' objects join the
    frozen heap instead (`freeze`; when they die, reference counting frees them as any
    other), and the process collects the cycles of its frozen heap itself when it is idle
    (workspace/host.py `AnalysisHost.collect_cycles`). Otherwise a collection of the
    young generation would walk them on a later keystroke: 30-70 ms on compute-at-edge,
    every few edits. None asks `gc.get_freeze_count()` whether there is a frozen heap (and
    then leaves the objects young); it walks the whole frozen heap (CPython 3.11 and 3.12
    Modules/gcmodule.c `gc_get_freeze_count_impl` counts the permanent generation's list),
    10-20 ms in a server, so a caller that knows passes it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if frozen_heap:
            gc.freeze()
        elif frozen_heap is not None or gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def analyze_text(text: str, path: str = "/input.witx", others: dict[str, str] | None = None) -> Analysis:
    """Analyse one text held in memory (with optional other in-memory files for `use`)."""
    files = dict(others or {})
    files[path] = text
    return analyze([path], MemoryProvider(files))


__all__ = ["Analysis", "SourceFile", "analyze", "analyze_text", "cyclic_gc_paused"]

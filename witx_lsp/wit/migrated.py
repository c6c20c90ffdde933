"""The document to convert: witx 0.9 as loaded, or witx <= 0.8 files migrated to 0.9
first (the whole-file migration of `model/migrate.py`, the server's quick fix), with
every diagnostic mapped back onto the text as the user wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import DiskProvider, ReadFailure, SourceProvider
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.model.migrate import TextEdit, apply_edits, migration_edits
from witx_lsp.model.types import Document
from witx_lsp.wit.convert import WitOptions, convert, default_package

# Migration rounds: one is enough for every legacy file of the corpus; a second catches a form
# that only a first round's output exposes.
MAX_ROUNDS = 3


class _Overlay:
    """A SourceProvider: the migrated texts over another provider."""

    def __init__(self, base: SourceProvider, texts: Mapping[str, str]) -> None:
        self.base = base
        self.texts = texts

    def canonical(self, path: str) -> str:
        return self.base.canonical(path)

    def read(self, path: str) -> str | ReadFailure:
        return self.texts[path] if path in self.texts else self.base.read(path)


def _map_offset(x: int, edits: Sequence[TextEdit], end: bool) -> int:
    """An offset in the edited text -> the offset in the text before the edits (an offset inside
    a replacement goes to the start, or for a range's end, the end of what it replaced)."""
    delta = 0
    for e in edits:
        start = e.start + delta
        if x < start or (x == start and not end):
            return x - delta
        stop = start + len(e.new_text)
        if x <= stop:
            return e.end if end else e.start
        delta += len(e.new_text) - (e.end - e.start)
    return x - delta


def _to_original(rounds: Sequence[Mapping[str, list[TextEdit]]], d: Diagnostic) -> Diagnostic:
    """A diagnostic of the migrated texts, placed in the texts as written."""
    start, end = d.span
    for edits in reversed(rounds):
        path_edits = edits.get(d.path, [])
        start, end = _map_offset(start, path_edits, False), _map_offset(end, path_edits, True)
    return d if (start, end) == tuple(d.span) else replace(d, span=Span(start, max(start, end)))


@dataclass(frozen=True)
class MigratedAnalysis:
    analysis: Analysis  # of the files as written: diagnostics point into these texts
    document: Document  # the model to convert (of the migrated texts when there were 0.8 forms)
    migrated: tuple[str, ...]  # canonical paths that were migrated from witx 0.8
    errors: tuple[Diagnostic, ...]  # the errors left after the migration, placed in the texts as written
    rounds: tuple[dict[str, list[TextEdit]], ...] = ()  # the edits of each round, per path

    def original(self, d: Diagnostic) -> Diagnostic:
        return _to_original(self.rounds, d)


def analyze_migrated(roots: Sequence[str], provider: SourceProvider | None = None) -> MigratedAnalysis:
    base = provider or DiskProvider()
    first = analyze(roots, base)
    current = first
    texts: dict[str, str] = {}
    rounds: list[dict[str, list[TextEdit]]] = []
    for _ in range(MAX_ROUNDS):
        edits = {p: e for p in current.files if (e := migration_edits(current.diagnostics, p))}
        if not edits:
            break
        rounds.append(edits)
        for path, path_edits in edits.items():
            texts[path] = apply_edits(current.files[path].text, path_edits)
        current = analyze(roots, _Overlay(base, texts))
    errors = tuple(_to_original(rounds, d) for d in current.diagnostics if d.severity is Severity.ERROR)
    return MigratedAnalysis(first, current.document, tuple(sorted(texts)), errors, tuple(rounds))


def conversion_diagnostics(analysis: Analysis) -> list[Diagnostic]:
    """The W07xx diagnostics of converting an analysed document with the default options."""
    if not analysis.roots:
        return []
    return list(convert(analysis.document, WitOptions(default_package(analysis.roots[0]))).diagnostics)

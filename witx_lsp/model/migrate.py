"""Whole-file migration of witx ≤0.8 syntax to 0.9, from the edits that the
dialect diagnostics carry in their `data` (the server offers it as one quick fix)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from witx_lsp.base.diagnostic import Diagnostic


@dataclass(frozen=True, slots=True)
class TextEdit:
    start: int
    end: int
    new_text: str


def migration_edits(diagnostics: Iterable[Diagnostic], path: str) -> list[TextEdit]:
    """The non-overlapping edits of every dialect diagnostic of one file, in order."""
    edits: list[TextEdit] = []
    for d in diagnostics:
        if d.path != path or not d.data or d.data.get("dialect") != "witx-0.8":
            continue
        for e in d.data.get("edits", []):
            edits.append(TextEdit(int(e["start"]), int(e["end"]), str(e["newText"])))
    edits.sort(key=lambda e: (e.start, e.end))
    kept: list[TextEdit] = []
    for e in edits:
        if kept and e.start < kept[-1].end:
            continue  # overlapping edits come from one form reported twice; keep the first
        kept.append(e)
    return kept


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    out = []
    pos = 0
    for e in edits:
        out.append(text[pos:e.start])
        out.append(e.new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)

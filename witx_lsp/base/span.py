"""Source spans: half-open ranges of code-point offsets in one file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def contains(self, offset: int) -> bool:
        """True when offset lies in the span, its end included (a cursor after a name)."""
        return self.start <= offset <= self.end

    def cover(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True, slots=True)
class FileSpan:
    """A span in a named file (a normalised path or an editor URI key)."""

    path: str
    span: Span

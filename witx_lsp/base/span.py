"""Source spans: half-open ranges of code-point offsets in one file.

Named tuples rather than dataclasses: an analysis creates thousands of them, and
a tuple is several times cheaper to build than a frozen dataclass.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int

    def contains(self, offset: int) -> bool:
        """True when offset lies in the span, its end included (a cursor after a name)."""
        return self.start <= offset <= self.end

    def cover(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


class FileSpan(NamedTuple):
    """A span in a named file (a normalised path or an editor URI key)."""

    path: str
    span: Span

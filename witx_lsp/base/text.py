"""Offsets (Python ``str`` indices, i.e. code points) to lines and columns: the one
description of LSP's line and column rules.

Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line (LSP 3.17, "Text Documents");
``str.splitlines`` would also split on form feeds and Unicode separators. A column
counts the code units of the position encoding (LSP 3.17 ``PositionEncodingKind``:
UTF-16 by default, UTF-8 or UTF-32 when negotiated).

Every consumer goes through this module: an analysed file keeps its `LineIndex`
(`SourceFile.lines`), answers and reports that point into several files look them up
through a `LineMap`, and the server's open documents (`server/documents.py`) keep their
line starts through edits with `line_breaks` and `column_offset`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate

from witx_lsp.base.span import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class PositionEncoding(str, Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


@dataclass(frozen=True, slots=True)
class Position:
    """A zero-based line and a column counted in the units of some encoding."""

    line: int
    character: int


def line_breaks(text: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """The end of each line break in `text[start:end]` (read as if the text ended at `end`:
    a ``\\r`` just before `end` is a line break of its own)."""
    return (m.end() for m in _LINE_BREAK.finditer(text, start, len(text) if end is None else end))


def line_starts(text: str) -> list[int]:
    """The offset where each line starts: 0, then the end of every line break."""
    if "\r" not in text or text.count("\r") == text.count("\r\n"):
        # Only `\n` ends a line here (a `\r\n` ends where its `\n` does): the starts follow
        # from the lengths of the pieces between the `\n`s, all counted in C.
        starts = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))
        starts.pop()
        return starts
    return [0, *line_breaks(text)]


def code_units(s: str, encoding: PositionEncoding) -> int:
    """The length of `s` in the code units of `encoding`."""
    if encoding is PositionEncoding.UTF32 or s.isascii():
        return len(s)
    if encoding is PositionEncoding.UTF16:
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


def column_offset(content: str, character: int, encoding: PositionEncoding) -> int:
    """The code points of a line's `content` (without its line break) before column
    `character`, clamped to the line. A column that falls inside a UTF-16 surrogate pair
    or a UTF-8 sequence rounds up to the end of that character."""
    if character <= 0:
        return 0
    if encoding is PositionEncoding.UTF32 or content.isascii():
        return min(character, len(content))
    units = 0
    for i, ch in enumerate(content):
        if units >= character:
            return i
        units += code_units(ch, encoding)
    return len(content)


class LineIndex:
    """Line starts of one text, for fast offset <-> position conversion."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)

    def line_of(self, offset: int) -> int:
        """The line an offset is on (an offset between the `\\r` and `\\n` of a CRLF is on
        the line the CRLF ends)."""
        offset = max(0, min(offset, len(self.text)))
        return bisect.bisect_right(self.starts, offset) - 1

    def line_text(self, line: int) -> str:
        """The text of a line without its line terminator."""
        if line < 0 or line >= len(self.starts):
            return ""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_end(self, line: int) -> int:
        """Offset of the end of a line's content (before its terminator)."""
        return self.starts[line] + len(self.line_text(line))

    def position(self, offset: int, encoding: PositionEncoding = PositionEncoding.UTF16) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.starts[line]
        end = min(offset, self.line_end(line))
        return Position(line, code_units(self.text[start:end], encoding))

    def range(self, span: Span, encoding: PositionEncoding = PositionEncoding.UTF16) -> tuple[Position, Position]:
        return self.position(span.start, encoding), self.position(span.end, encoding)

    def offset(self, pos: Position, encoding: PositionEncoding = PositionEncoding.UTF16) -> int:
        """The offset of a position; a line past the end is the end of the text, a column
        past the line's end clamps to it (see `column_offset`)."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.text)
        return self.starts[pos.line] + column_offset(self.line_text(pos.line), pos.character, encoding)


EMPTY = LineIndex("")  # the index of a file without text: every offset is at 0:0


class LineMap:
    """The line index of each of several files, by path, each found (or built) once, on
    first use: an answer or a report that points into several files converts all its
    offsets through one of these. A path without an index maps to `EMPTY`."""

    __slots__ = ("_find", "_known")

    def __init__(self, find: Callable[[str], LineIndex | None]) -> None:
        self._find = find
        self._known: dict[str, LineIndex | None] = {}

    @classmethod
    def of_texts(cls, texts: Mapping[str, str]) -> LineMap:
        """Indexes built from the texts (by path) when first asked for."""
        return cls(lambda path: LineIndex(texts[path]) if path in texts else None)

    def get(self, path: str) -> LineIndex | None:
        try:
            return self._known[path]
        except KeyError:
            found = self._known[path] = self._find(path)
            return found

    def __call__(self, path: str) -> LineIndex:
        found = self.get(path)
        return found if found is not None else EMPTY

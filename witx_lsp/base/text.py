"""Offsets (Python ``str`` indices, i.e. code points) to lines and columns.

Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line, as in LSP; ``str.splitlines``
would also split on form feeds and Unicode separators.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum

_NEWLINE = re.compile(r"\r\n|\r|\n")


class PositionEncoding(str, Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


@dataclass(frozen=True, slots=True)
class Position:
    """A zero-based line and a column counted in the units of some encoding."""

    line: int
    character: int


def _units(s: str, encoding: PositionEncoding) -> int:
    if encoding is PositionEncoding.UTF32 or s.isascii():
        return len(s)
    if encoding is PositionEncoding.UTF16:
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Line starts of one text, for fast offset <-> position conversion."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line_of(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        # An offset between the \r and \n of a CRLF belongs to the line it ends.
        return line

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
        return Position(line, _units(self.text[start:end], encoding))

    def offset(self, pos: Position, encoding: PositionEncoding = PositionEncoding.UTF16) -> int:
        """The offset of a position; columns past the line end clamp to it.

        A column that falls inside a UTF-16 surrogate pair or a UTF-8 sequence
        rounds up to the end of that character.
        """
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        content = self.line_text(pos.line)
        if pos.character <= 0:
            return start
        if encoding is PositionEncoding.UTF32 or content.isascii():
            return start + min(pos.character, len(content))
        units = 0
        for i, ch in enumerate(content):
            if units >= pos.character:
                return start + i
            units += _units(ch, encoding)
        return start + len(content)

"""base/text.py, the one description of LSP's line and column rules (LSP 3.17, "Text
Documents": lines end at `\\n`, `\\r\\n` and `\\r`; columns in UTF-16 code units by
default, or UTF-8 / UTF-32), checked against independent references: a re-split of
the text on the three terminators and Python's own codecs for the code units."""

from __future__ import annotations

import random
import re

from tests.robustness.test_documents import reference_offset
from witx_lsp.base.span import Span
from witx_lsp.base.text import EMPTY, LineIndex, LineMap, Position, PositionEncoding, line_starts

_ALPHABET = ["a", "(", " ", "\n", "\r", "\r\n", "\x0c", "\x85", "\x1c", "\u2028", "é", "😀", "\t"]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


def _reference_starts(text: str) -> list[int]:
    starts, pos = [0], 0
    for piece in re.split(r"(\r\n|\r|\n)", text):
        pos += len(piece)
        if piece in ("\r\n", "\r", "\n"):
            starts.append(pos)
    return starts


def _units(s: str, encoding: PositionEncoding) -> int:
    if encoding is PositionEncoding.UTF16:
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    if encoding is PositionEncoding.UTF8:
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s)


def test_line_starts_follow_lsp_line_breaks_only() -> None:
    for text in [*_random_texts(3000, 7), "", "\r", "\r\n", "\n\r", "a\r\rb", "x\r\n\ny", "\u2028\x0c\x85"]:
        assert line_starts(text) == _reference_starts(text), repr(text)


def test_positions_count_the_code_units_of_the_encoding() -> None:
    for text in _random_texts(500, 11):
        index, starts = LineIndex(text), _reference_starts(text)
        for offset in range(len(text) + 1):
            line = sum(1 for s in starts if s <= offset) - 1
            start = starts[line]
            if text[start:offset].endswith("\r") and text[offset:offset + 1] == "\n":
                before = text[start:offset - 1]  # inside a CRLF: the end of the line's content
            else:
                before = text[start:offset]
            for encoding in PositionEncoding:
                assert index.position(offset, encoding) == Position(line, _units(before, encoding)), (text, offset)


def test_offsets_match_the_reference_and_round_trip() -> None:
    rnd = random.Random(3)
    for text in _random_texts(500, 5):
        index = LineIndex(text)
        for _ in range(20):
            line, character = rnd.randint(-1, 6), rnd.randint(-1, 8)
            encoding = rnd.choice(list(PositionEncoding))
            expected = 0 if line < 0 else reference_offset(text, line, max(character, 0), encoding)
            assert index.offset(Position(line, character), encoding) == expected, (text, line, character)
        for offset in index.starts:
            for encoding in PositionEncoding:
                assert index.offset(index.position(offset, encoding), encoding) == offset


def test_a_column_inside_a_character_rounds_up_to_its_end() -> None:
    index = LineIndex("a😀b")
    assert index.offset(Position(0, 2), PositionEncoding.UTF16) == 2  # between the surrogates
    assert index.offset(Position(0, 2), PositionEncoding.UTF8) == 2  # inside the 4-byte sequence
    assert index.range(Span(1, 2), PositionEncoding.UTF16) == (Position(0, 1), Position(0, 3))


def test_a_line_map_finds_each_file_once_and_maps_the_unknown_to_0_0() -> None:
    asked: list[str] = []
    texts = {"a": "x\ny", "b": "z"}

    def find(path: str) -> LineIndex | None:
        asked.append(path)
        return LineIndex(texts[path]) if path in texts else None

    lines_of = LineMap(find)
    assert lines_of("a") is lines_of("a")
    assert lines_of("a").position(2) == Position(1, 0)
    assert lines_of.get("nowhere") is None and lines_of("nowhere") is EMPTY
    assert lines_of("nowhere").position(5) == Position(0, 0)
    assert asked == ["a", "nowhere"]
    built = LineMap.of_texts(texts)
    assert built("b").text == "z" and built.get("c") is None

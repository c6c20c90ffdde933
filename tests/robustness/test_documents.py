"""The server's copy of a document follows LSP's line rules (issue 13, fault 2): only
`\\n`, `\\r\\n` and `\\r` end a line. Edits are checked against an independent
reference (a plain re-split of the text on those three terminators), in-process
for thousands of random edit sequences and through the server for the reported
case; inverted ranges, versions going backwards and changes to documents that are
not open are refused or normalised without a traceback."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from tests.robustness.wire import WireClient
from witx_lsp.base.text import PositionEncoding
from witx_lsp.server.documents import EditableLines

_ALPHABET = ["a", "(", ")", " ", "\n", "\r", "\r\n", "\x0c", "\x85", "\x1c", "\u2028", "é", "😀", "\udcff"]


def reference_offset(text: str, line: int, character: int, encoding: PositionEncoding) -> int:
    """LSP 3.17 "Text Documents": lines end at \\n, \\r\\n, \\r; a column past the line
    end is the line end; positions past the last line are the end of the text."""
    pieces = re.split(r"(\r\n|\r|\n)", text)
    lines = pieces[0::2]
    if line >= len(lines):
        return len(text)
    start = sum(len(p) for p in pieces[:2 * line])
    units = 0
    for i, ch in enumerate(lines[line]):
        if units >= character:
            return start + i
        units += {PositionEncoding.UTF8: len(ch.encode("utf-8", "surrogatepass")),
                  PositionEncoding.UTF16: 2 if ord(ch) > 0xFFFF else 1, PositionEncoding.UTF32: 1}[encoding]
    return start + len(lines[line])


def test_random_edits_match_the_reference() -> None:
    rnd = random.Random(13)
    for _ in range(2000):
        text = "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 30)))
        doc = EditableLines(text)
        for _ in range(rnd.randint(1, 10)):
            encoding = rnd.choice(list(PositionEncoding))
            n_lines = len(re.split(r"\r\n|\r|\n", text))
            ends = [(rnd.randint(0, n_lines + 1), rnd.randint(0, 6)) for _ in range(2)]
            new = "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 5)))
            a, b = (reference_offset(text, line, ch, encoding) for line, ch in ends)
            text = text[:min(a, b)] + new + text[max(a, b):]
            doc.replace(types.Range(start=types.Position(line=ends[0][0], character=ends[0][1]),
                                    end=types.Position(line=ends[1][0], character=ends[1][1])), new, encoding)
            assert doc.text == text
            starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
            assert [doc.start(k) for k in range(len(doc.starts))] == starts


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WireClient, Path]]:
    root = tmp_path_factory.mktemp("documents")
    with WireClient() as client:
        client.initialize(root)
        yield client, root
        assert client.close() == 0
        assert client.tracebacks() == [], "".join(client.stderr_lines[-40:])


def diagnostics(client: WireClient, uri: str) -> list[str]:
    answer = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    return [f"{d['code']} {d['message']}" for d in answer["result"]["items"]]


def symbols(client: WireClient, uri: str) -> list[str]:
    answer = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    return [s["name"] for s in answer["result"]]


def insert(line: int, character: int, text: str) -> dict[str, object]:
    at = {"line": line, "character": character}
    return {"range": {"start": at, "end": at}, "text": text}


@pytest.mark.parametrize("separator", ["\x0c", "\x85", "\x1c", "\u2028"])
def test_edit_after_a_separator_that_ends_no_line(server: tuple[WireClient, Path], separator: str) -> None:
    """The reported case: pygls split lines on \\x0c and inserted into the wrong line."""
    client, root = server
    uri = (root / f"sep{ord(separator)}.witx").as_uri()
    client.open(uri, f";; a{separator}b\n(typename $x u8)\n")
    client.change(uri, 2, [insert(1, 0, "(typename $y u16)\n")])
    assert diagnostics(client, uri) == []
    assert symbols(client, uri) == ["y", "x"]


def test_inverted_range_does_not_duplicate(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "inverted.witx").as_uri()
    client.open(uri, "(typename $a u8)\n(typename $b u8)\n")
    client.change(uri, 2, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 0, "character": 0}},
                            "text": ""}])  # deletes line 0, as if start and end were in order
    assert symbols(client, uri) == ["b"]


def test_versions_going_backwards_and_unopened_documents(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "versions.witx").as_uri()
    client.open(uri, "(typename $a u8)\n", version=5)
    client.change(uri, 3, [{"text": "(typename $older u8)\n"}])  # refused
    assert symbols(client, uri) == ["a"]
    client.change(uri, 6, [{"text": "(typename $newer u8)\n"}])
    assert symbols(client, uri) == ["newer"]
    never = (root / "never-opened.witx").as_uri()
    client.change(never, 2, [insert(0, 0, "x")])
    client.notify("textDocument/didClose", {"textDocument": {"uri": never}})
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})  # twice
    assert client.request("textDocument/documentSymbol", {"textDocument": {"uri": never}})["result"] is None
    assert client.alive()
    assert not any("KeyError" in line for line in client.stderr_lines)


def test_crlf_split_and_joined_by_edits(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "crlf.witx").as_uri()
    client.open(uri, "(typename $a u8)\r\n(typename $b u8)\r\n")
    client.change(uri, 2, [insert(0, 16, "\n(typename $c u8)\r")])  # between `)` and `\r\n`
    assert symbols(client, uri) == ["a", "c", "b"]
    # Lines now: `a` \n, `c` \r, empty \r\n, `b` \r\n, empty: line 4 is after `b`.
    client.change(uri, 3, [insert(4, 0, "(typename $d u8)\r")])
    assert symbols(client, uri) == ["a", "c", "b", "d"]

"""Broken frames (issue 13, fault 1): each one is answered with ParseError (-32700)
or read as the frame it clearly is, and the next well-formed request is answered:
the stream is never out of step for good, and nothing is logged as a traceback.

The reader is tested twice: in-process (`FrameReader` over a byte string) and
through a real server process on pipes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness.wire import WireClient, frame
from witx_lsp.server.framing import MAX_HEADER_LINE, BadFrame, FrameReader, Message

HOVER = {"textDocument": {"uri": "file:///nowhere/x.witx"}, "position": {"line": 0, "character": 0}}


def request(msg_id: int) -> bytes:
    return frame({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": HOVER})


def body(msg_id: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": HOVER}).encode()


# name -> (bytes of the broken frame (a request with id 1 where there is one), is it read as that request?)
CASES: dict[str, tuple[bytes, bool]] = {
    "length 10^15": (b"Content-Length: 1000000000000000\r\n\r\n{}", False),
    "4301 nines": (b"Content-Length: " + b"9" * 4301 + b"\r\n\r\n{}", False),
    "4300 nines": (b"Content-Length: " + b"9" * 4300 + b"\r\n\r\n{}", False),
    "10 bytes short": (b"Content-Length: %d\r\n\r\n%s" % (len(body(1)) - 10, body(1)), False),
    "10 bytes long": (b"Content-Length: %d\r\n\r\n%s" % (len(body(1)) + 10, body(1)), False),
    "no header": (body(1), False),
    "lowercase header": (b"content-length: %d\r\n\r\n%s" % (len(body(1)), body(1)), True),
    "equal duplicate headers": (b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n%s"
                                % (len(body(1)), len(body(1)), body(1)), True),
    "differing duplicate headers": (b"Content-Length: %d\r\nContent-Length: 3\r\n\r\n%s"
                                    % (len(body(1)), body(1)), False),
    "LF-only line ends": (b"Content-Length: %d\n\n%s" % (len(body(1)), body(1)), True),
    "length 0": (b"Content-Length: 0\r\n\r\n", False),
    "length -5": (b"Content-Length: -5\r\n\r\n{}", False),
    "50 MB announced": (b"Content-Length: 52428800\r\n\r\n" + body(1), False),
    "10 MB header line": (b"X-Junk: " + b"a" * 10_000_000 + b"\r\nContent-Length: 2\r\n\r\n{}", False),
    "no Content-Length": (b"Content-Type: application/json\r\n\r\n{}", False),
    "not JSON": (b"Content-Length: 5\r\n\r\nhello", False),
    "invalid UTF-8": (b"Content-Length: 4\r\n\r\n\"\xff\xfe\"", False),
    "too deep for JSON": (b"Content-Length: 200000\r\n\r\n" + b"[" * 100_000 + b"]" * 100_000, False),
}


def read_all(data: bytes, max_body: int = 32 * 1024 * 1024) -> list[Message | BadFrame]:
    chunks = iter([data[i:i + 4096] for i in range(0, len(data), 4096)])

    async def read() -> bytes:
        return next(chunks, b"")

    async def run() -> list[Message | BadFrame]:
        reader, out = FrameReader(read, max_body), []
        while (item := await reader.next()) is not None:
            out.append(item)
        return out

    return asyncio.run(run())


@pytest.mark.parametrize("name", CASES)
def test_reader_recovers(name: str) -> None:
    broken, is_request = CASES[name]
    items = read_all(broken + request(2))
    last = items[-1]
    assert isinstance(last, Message) and last.value["id"] == 2, items
    if is_request:
        assert len(items) == 2 and isinstance(items[0], Message) and items[0].value["id"] == 1
    else:  # one ParseError for the broken frame (or the bytes skipped before the next one)
        reported = [i for i in items if isinstance(i, BadFrame) or i.skipped]
        assert reported, items
        assert not [i for i in items if isinstance(i, Message) and isinstance(i.value, dict) and i.value.get("id") == 1]


def test_a_recovered_id_is_answered() -> None:
    """A complete request followed by more bytes than announced keeps its id."""
    [first, second] = read_all(CASES["10 bytes long"][0] + request(2))
    assert isinstance(first, BadFrame) and first.id == 1
    assert isinstance(second, Message) and second.value["id"] == 2


def test_an_over_long_line_keeps_memory_bounded() -> None:
    """The reader never holds much more than a header line of a line without an end."""
    chunks = iter([b"x" * 65536] * 200 + [request(2)])
    peak = 0

    async def read() -> bytes:
        return next(chunks, b"")

    async def run() -> Message | BadFrame | None:
        nonlocal peak
        reader = FrameReader(read)
        original = reader._fill

        async def fill() -> bool:
            nonlocal peak
            got = await original()
            peak = max(peak, len(reader._buf))
            return got

        reader._fill = fill  # type: ignore[method-assign]
        return await reader.next()

    got = asyncio.run(run())
    assert isinstance(got, Message) and got.value["id"] == 2 and got.skipped >= 200 * 65536 - MAX_HEADER_LINE
    assert peak <= MAX_HEADER_LINE + 65536 + 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireClient]:
    with WireClient() as client:
        assert "result" in client.initialize(tmp_path_factory.mktemp("framing"))
        yield client
        assert client.close() == 0
        assert client.tracebacks() == [], "".join(client.stderr_lines[-40:])


@pytest.mark.parametrize("name", CASES)
def test_server_answers_after_a_broken_frame(server: WireClient, name: str) -> None:
    broken, is_request = CASES[name]
    server.answers.clear()
    server.null_id_answers.clear()
    msg_id = server.new_id() + 1000
    server.send_bytes(broken + b"Content-Length: %d\r\n\r\n%s" % (len(body(msg_id)), body(msg_id)))
    answer = server.wait_for(msg_id, timeout=60)
    assert answer.get("result", "missing") is None  # hover on a document the server cannot read: null
    if is_request:
        assert server.wait_for(1, timeout=5).get("result", "missing") is None
    else:
        errors = [a for a in [*server.answers.values(), *server.null_id_answers]
                  if a.get("error", {}).get("code") == -32700]
        assert errors, (server.answers, server.null_id_answers)
    assert server.alive()


def test_server_survives_broken_frames_on_stdin_end(tmp_path: Path) -> None:
    """A frame cut off by the end of the stream: the server just ends (exit code 0)."""
    with WireClient() as client:
        client.initialize(tmp_path)
        client.send_bytes(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")
        assert client.proc.stdin is not None
        client.proc.stdin.close()
        assert client.proc.wait(timeout=30) == 0
        client.drain(1)
        assert client.tracebacks() == []

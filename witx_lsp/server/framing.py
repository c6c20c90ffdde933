"""The LSP base protocol's framing, read defensively: `Content-Length` headers, a
blank line, then exactly that many bytes of JSON.

pygls 2.1 reads frames with an unbounded `int()` of the header and an unbounded
read of the body (pygls/io_.py `run_async`): a length of 10^15 is a MemoryError, a
header of 4,301 digits a ValueError, a length that is off by a few bytes puts
the stream out of step for good, and nothing tells the client. This reader
bounds every header line and every body, reports each broken frame as a
`BadFrame` (the server answers it with ParseError, -32700), and finds the next
frame again:

- header names are case-insensitive, lines may end in `\\n` alone (as HTTP
  readers accept, RFC 9112 §2.2), equal duplicate `Content-Length` headers are
  one header, differing ones are a broken frame (RFC 9112 §6.3);
- bytes that are no header (a body longer than announced, a frame without
  headers, a header line over `MAX_HEADER_LINE` bytes) are skipped up to the
  next `Content-Length:`, with memory bounded by `MAX_HEADER_LINE`;
- a body that is not JSON is searched for the start of the next frame (a
  `Content-Length` announced too short) or ends in one (announced too long),
  and the reader goes on from there;
- a length over `max_body` is refused without reading the body; the bytes
  after it are skipped like any others that are no header.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

MAX_HEADER_LINE = 8 * 1024
MAX_HEADER_LINES = 32
# Four times the 8 MiB document limit: an 8 MiB document still fits when JSON escaping
# doubles or triples it (non-ASCII sent as \\uXXXX), and a larger one is diagnosed E0404.
MAX_BODY_BYTES = 32 * 1024 * 1024
_MAX_LENGTH_DIGITS = 12
_NEXT_HEADER = b"content-length:"
_TOKEN_CHARS = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True, slots=True)
class Message:
    """A frame whose body is JSON. `skipped`: bytes before it were no frame."""

    value: Any
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class BadFrame:
    """A frame that cannot be read; `id` is the request's id when it could still be
    recovered from a body that is not JSON as a whole."""

    reason: str
    id: int | str | None = None


Read = Callable[[], Awaitable[bytes]]  # the next bytes of the stream, b"" at its end


class FrameReader:
    def __init__(self, read: Read, max_body: int = MAX_BODY_BYTES) -> None:
        self._read = read
        self.max_body = max_body
        self._buf = bytearray()
        self._eof = False
        self._skipped = 0  # bytes dropped since the last frame

    async def _fill(self) -> bool:
        if self._eof:
            return False
        data = await self._read()
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    async def _line(self) -> bytes | None:
        """The next line without its terminator (None at the end of the stream). Of an
        over-long line only the tail is kept, where a header may begin."""
        while True:
            i = self._buf.find(b"\n")
            if 0 <= i <= MAX_HEADER_LINE:
                line = bytes(self._buf[:i])
                del self._buf[:i + 1]
                return line[:-1] if line.endswith(b"\r") else line
            if len(self._buf) > MAX_HEADER_LINE:
                cut = len(self._buf) - len(_NEXT_HEADER) if i < 0 else i + 1 - MAX_HEADER_LINE
                keep = self._buf.lower().find(_NEXT_HEADER, 0, cut + len(_NEXT_HEADER))
                cut = keep if keep > 0 else cut
                self._skipped += cut
                del self._buf[:cut]
                continue
            if not await self._fill():
                self._skipped += len(self._buf)
                self._buf.clear()
                return None

    async def next(self) -> Message | BadFrame | None:
        """The next message or broken frame; None at the end of the stream."""
        length: int | None = None
        problem: str | None = None
        headers = 0
        while True:
            line = await self._line()
            if line is None:
                return None
            if not line:
                if headers:
                    break
                continue  # blank lines between frames
            at = line.lower().find(_NEXT_HEADER)
            if at > 0 and not headers:  # garbage, then a header (a body announced too short)
                self._skipped += at
                line = line[at:]
            name, sep, value = line.partition(b":")
            if not sep or not name or not set(name) <= _TOKEN_CHARS:
                self._skipped += len(line) + 1
                if headers:  # a header block that breaks off: look for the next one
                    headers, length, problem = 0, None, None
                continue
            headers += 1
            if headers > MAX_HEADER_LINES:
                problem = f"more than {MAX_HEADER_LINES} header lines"
            if name.lower() == b"content-length":
                n = _length(value)
                if n is None:
                    problem = "the Content-Length header is not a byte count"
                elif length is not None and n != length:
                    problem = "two Content-Length headers that differ"
                length = n if length is None else length
        if problem is None and length is None:
            problem = "no Content-Length header"
        if problem is None and length is not None and length > self.max_body:
            problem = f"a message of {length} bytes is over the limit of {self.max_body} bytes"
        if problem is not None or length is None:
            self._skipped = 0
            return BadFrame(problem or "no Content-Length header")
        while len(self._buf) < length:
            if not await self._fill():
                return None
        body = bytes(self._buf[:length])
        del self._buf[:length]
        skipped, self._skipped = self._skipped, 0
        return self._decode(body, skipped)

    def _decode(self, body: bytes, skipped: int) -> Message | BadFrame:
        try:
            return Message(json.loads(body), skipped)
        except RecursionError:
            return BadFrame("the message is nested too deeply")
        except ValueError:
            pass
        # Resynchronise: the next frame starts inside the body (announced too short), or
        # the body ends with the start of the next frame (announced too long).
        lowered = body.lower()
        at = lowered.find(_NEXT_HEADER, 1)
        if at < 0:
            at = next((len(body) - k for k in range(len(_NEXT_HEADER) - 1, 0, -1)
                       if lowered.endswith(_NEXT_HEADER[:k])), -1)
        if at > 0:
            self._buf[:0] = body[at:]
        return BadFrame("the message body is not JSON (is its Content-Length right?)", _recover_id(body))


def _length(value: bytes) -> int | None:
    digits = value.strip(b" \t")
    if not digits.isdigit() or len(digits) > _MAX_LENGTH_DIGITS:
        return None
    return int(digits)


def _recover_id(body: bytes) -> int | str | None:
    """The id of a request whose JSON object is complete but followed by more bytes."""
    try:
        value, _ = json.JSONDecoder().raw_decode(body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    msg_id = value.get("id") if isinstance(value, dict) else None
    return msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None

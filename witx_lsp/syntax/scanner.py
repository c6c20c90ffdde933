"""Tokens of witx text, by the terminals of grammar/witx.lark plus recovery
patterns for malformed input. Never raises."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from witx_lsp.syntax.grammar import terminal_patterns
from witx_lsp.syntax.tree import TokenKind

# Order matters: the first alternative that matches wins.
_GRAMMAR_ORDER = (
    "WHITESPACE", "LINE_COMMENT", "BLOCK_COMMENT_OPEN", "LPAR", "RPAR", "STRING",
    "ID", "NUMBER", "ANNOTATION", "KEYWORD", "RESERVED",
)
# Recovery patterns (not part of the language): a string that is unterminated or
# holds a forbidden character, a lone `$`, and runs of characters witx never uses.
_RECOVERY = (
    ("BAD_STRING", r'"(?:[^"\\\n]|\\[^\n])*"?'),
    ("BAD_CHARS", r"[^ \t\r\n()\";0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+|;"),
)

_KIND = {
    "LPAR": TokenKind.LPAR, "RPAR": TokenKind.RPAR, "STRING": TokenKind.STRING, "ID": TokenKind.ID,
    "KEYWORD": TokenKind.KEYWORD, "NUMBER": TokenKind.NUMBER, "ANNOTATION": TokenKind.ANNOTATION,
    "RESERVED": TokenKind.RESERVED, "LINE_COMMENT": TokenKind.LINE_COMMENT,
}


@dataclass(slots=True)
class Token:
    kind: TokenKind | None  # None: an error token (see `problem`)
    start: int
    end: int
    problem: str = ""  # non-empty for malformed input: the message
    code: str = ""


@functools.lru_cache(maxsize=1)
def _master() -> re.Pattern[str]:
    pats = terminal_patterns()
    alts = [f"(?P<{n}>{pats[n]})" for n in _GRAMMAR_ORDER]
    alts += [f"(?P<{n}>{p})" for n, p in _RECOVERY]
    return re.compile("|".join(alts), re.DOTALL)


_BLOCK = re.compile(r"\(;|;\)")
_ESCAPE = re.compile(r"\\(?:[tnr\"'\\]|[0-9a-fA-F]{2}|u\{[0-9a-fA-F](?:_?[0-9a-fA-F])*\})")


def _block_comment_end(text: str, start: int) -> int:
    """End offset of the nested block comment opening at `start`, or -1."""
    depth = 0
    for m in _BLOCK.finditer(text, start):
        if m.group() == "(;":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def check_string(text: str) -> str:
    """The problem with a complete string token's escapes and characters, or ''."""
    body = text[1:-1]
    i = body.find("\\")
    while i != -1:
        m = _ESCAPE.match(body, i)
        if m is None:
            return f"invalid escape `{body[i:i + 2]}` in string"
        if body[i + 1] == "u":
            value = int(m.group()[3:-1].replace("_", ""), 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                return f"invalid Unicode escape `{m.group()}` in string"
        i = body.find("\\", m.end())
    return ""


def tokens(text: str) -> Iterator[Token]:
    """Every token and comment of `text` in order; whitespace is skipped."""
    master = _master()
    pos = 0
    n = len(text)
    while pos < n:
        m = master.match(text, pos)
        if m is None:  # unreachable: BAD_CHARS matches anything else
            yield Token(None, pos, pos + 1, "unexpected character", "E0001")
            pos += 1
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "WHITESPACE":
            pass
        elif kind == "BLOCK_COMMENT_OPEN":
            close = _block_comment_end(text, pos)
            if close == -1:
                yield Token(None, pos, pos + 2, "unterminated block comment: `(;` has no matching `;)`", "E0004")
                end = n
            else:
                end = close
                yield Token(TokenKind.BLOCK_COMMENT, pos, end)
        elif kind == "BAD_STRING":
            if end - pos < 2 or text[end - 1] != '"':
                yield Token(None, pos, end, "unterminated string: a string must end with `\"` on the same line",
                            "E0002")
            else:
                bad = next((i for i in range(pos + 1, end - 1) if ord(text[i]) < 0x20 or text[i] == "\x7f"), None)
                if bad is not None:
                    yield Token(None, bad, bad + 1, f"character U+{ord(text[bad]):04X} is not allowed in a string; "
                                "write it as an escape", "E0003")
                else:
                    yield Token(None, pos, end, check_string(text[pos:end]) or "malformed string", "E0003")
        elif kind == "BAD_CHARS":
            chars = m.group()
            shown = chars if len(chars) <= 20 else chars[:20] + "…"
            what = "character" if len(chars) == 1 else "characters"
            yield Token(None, pos, end, f"unexpected {what} `{shown}`: witx has no such token", "E0001")
        elif kind == "STRING":
            problem = check_string(m.group())
            if problem:
                yield Token(None, pos, end, problem, "E0003")
            else:
                yield Token(TokenKind.STRING, pos, end)
        elif kind == "RESERVED" and m.group() == "$":
            yield Token(None, pos, end, "an identifier needs at least one character after `$`", "E0007")
        elif kind is not None:
            yield Token(_KIND[kind], pos, end)
        pos = end


def decode_string(token: str) -> str:
    """The value of a well-formed string token (escapes resolved; a `\\hh` byte
    sequence that is not UTF-8 decodes with replacement characters)."""
    body = token[1:-1] if len(token) >= 2 and token.endswith('"') else token[1:]
    if "\\" not in body:
        return body
    out = bytearray()
    i = 0
    simple = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out += ch.encode("utf-8", "surrogatepass")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in simple:
            out += simple[nxt].encode()
            i += 2
        elif nxt == "u" and i + 2 < len(body) and body[i + 2] == "{":
            close = body.find("}", i)
            with contextlib.suppress(ValueError, OverflowError):
                out += chr(int(body[i + 3:close].replace("_", ""), 16)).encode("utf-8", "surrogatepass")
            i = close + 1 if close != -1 else len(body)
        else:
            with contextlib.suppress(ValueError):
                out.append(int(body[i + 1:i + 3], 16))
            i += 3
    return out.decode("utf-8", "replace")

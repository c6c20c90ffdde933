"""Rust tokens and token trees for the argument of `wiggle::from_witx!`.

What the compiler hands a proc macro: identifiers (keywords included),
literals, punctuation and delimited groups, with comments and whitespace
dropped. Offsets are code points into the configuration text. A lexical error
(an unterminated string, an unbalanced delimiter) is a `ConfigError` with the
compiler's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConfigError(Exception):
    """A configuration error at code-point offsets start..end of the configuration text."""

    message: str
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return self.message

    def location(self, text: str) -> tuple[int, int]:
        """1-based line and column of the start."""
        before = text[:self.start]
        line = before.count("\n") + 1
        return line, self.start - (before.rfind("\n") + 1) + 1


IDENT, LITERAL, STRING, PUNCT, GROUP = "ident", "literal", "string", "punct", "group"
_CLOSE = {"{": "}", "[": "]", "(": ")"}
_DELIM_NAME = {"{": "curly braces", "[": "square brackets", "(": "parentheses"}


@dataclass
class Token:
    kind: str
    text: str  # identifier, punctuation, literal source text; the opening delimiter of a group
    start: int
    end: int
    value: str = ""  # a string literal's value
    children: list[Token] = field(default_factory=list)  # a group's tokens
    close_start: int = 0  # a group's closing delimiter

    @property
    def delimiter(self) -> str:
        return _DELIM_NAME.get(self.text, "")


_IDENT_RE = re.compile(r"(?:r#)?[^\W\d]\w*", re.UNICODE)
_NUMBER_RE = re.compile(r"\d[\w.]*")
_RAW_START_RE = re.compile(r'r#*"')
_ESCAPE_RE = re.compile(r"\\(?:x[0-7][0-9a-fA-F]|u\{[0-9a-fA-F_]{1,8}\}|[nrt\\0'\"]|\n\s*)")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "0": "\0", "'": "'", '"': '"'}
_MULTI_PUNCT = ("::", "=>", "->", "..", "==", "!=", "<=", ">=", "&&", "||")


def _unescape(body: str, start: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        m = _ESCAPE_RE.match(body, i)
        if m is None:
            raise ConfigError("unknown character escape", start + i, start + i + 2)
        esc = m.group(0)
        if esc[1] == "x":
            out.append(chr(int(esc[2:], 16)))
        elif esc[1] == "u":
            code = int(esc[3:-1].replace("_", ""), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise ConfigError("invalid unicode character escape", start + i, start + m.end())
            out.append(chr(code))
        elif esc[1] == "\n":
            pass  # a line continuation skips the newline and the leading whitespace after it
        else:
            out.append(_SIMPLE_ESCAPES[esc[1]])
        i = m.end()
    return "".join(out)


def _skip_trivia(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while depth and j < n:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                raise ConfigError("unterminated block comment", i, i + 2)
            i = j
        else:
            return i
    return i


def _string(text: str, i: int) -> Token:
    """A (raw) string literal starting at i (at `"`, `r"` or `r#`)."""
    start = i
    if text[i] == "r":
        j = i + 1
        while j < len(text) and text[j] == "#":
            j += 1
        hashes = j - i - 1
        if j >= len(text) or text[j] != '"':
            raise ConfigError("found invalid character; only `#` is allowed in raw string delimitation", j, j + 1)
        close = '"' + "#" * hashes
        end = text.find(close, j + 1)
        if end < 0:
            raise ConfigError("unterminated raw string", start, j + 1)
        return Token(STRING, text[start:end + len(close)], start, end + len(close), value=text[j + 1:end])
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == '"':
            return Token(STRING, text[start:j + 1], start, j + 1, value=_unescape(text[i + 1:j], i + 1))
        j += 1
    raise ConfigError("unterminated double quote string", start, start + 1)


def tokenize(text: str) -> list[Token]:
    """The token trees of `text`."""
    root = Token(GROUP, "", 0, len(text))
    stack = [root]
    i = _skip_trivia(text, 0)
    while i < len(text):
        c = text[i]
        top = stack[-1]
        if c in "{[(":
            group = Token(GROUP, c, i, i + 1)
            top.children.append(group)
            stack.append(group)
            i += 1
        elif c in "}])":
            if len(stack) == 1:
                raise ConfigError(f"unexpected closing delimiter: `{c}`", i, i + 1)
            if _CLOSE[top.text] != c:
                raise ConfigError(f"mismatched closing delimiter: `{c}`", i, i + 1)
            top.end, top.close_start = i + 1, i
            stack.pop()
            i += 1
        elif c == '"' or _RAW_START_RE.match(text, i):
            top.children.append(_string(text, i))
            i = top.children[-1].end
        elif c.isdigit():
            m = _NUMBER_RE.match(text, i)
            assert m is not None
            top.children.append(Token(LITERAL, m.group(0), i, m.end()))
            i = m.end()
        elif c == "'":
            j = text.find("'", i + 1)
            end = j + 1 if 0 < j <= i + 4 else i + 1
            top.children.append(Token(LITERAL if end > i + 1 else PUNCT, text[i:end], i, end))
            i = end
        elif (m := _IDENT_RE.match(text, i)) is not None:
            if text[m.end():m.end() + 1] == '"' and m.group(0) in ("b", "br", "c", "cr"):
                lit = _string(text, m.end()) if m.group(0) in ("b", "c") else _string(text, m.end() - 1)
                top.children.append(Token(LITERAL, text[i:lit.end], i, lit.end))
                i = lit.end
            else:
                top.children.append(Token(IDENT, m.group(0), i, m.end()))
                i = m.end()
        else:
            punct = next((p for p in _MULTI_PUNCT if text.startswith(p, i)), c)
            top.children.append(Token(PUNCT, punct, i, i + len(punct)))
            i += len(punct)
        i = _skip_trivia(text, i)
    if len(stack) > 1:
        open_ = stack[-1]
        raise ConfigError("this file contains an unclosed delimiter", open_.start, open_.start + 1)
    return root.children


__all__ = ["GROUP", "IDENT", "LITERAL", "PUNCT", "STRING", "ConfigError", "Token", "tokenize"]

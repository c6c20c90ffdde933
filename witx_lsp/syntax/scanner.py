"""Tokens of witx text, by the terminals of grammar/witx.lark plus recovery
patterns for malformed input. Never raises."""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from witx_lsp.syntax.grammar import idchar_class, terminal_patterns
from witx_lsp.syntax.tree import TokenKind

# Order matters: the first alternative that matches wins.
_GRAMMAR_ORDER = (
    "WHITESPACE", "LINE_COMMENT", "BLOCK_COMMENT_OPEN", "LPAR", "RPAR", "STRING",
    "ID", "NUMBER", "ANNOTATION", "KEYWORD", "RESERVED",
)


def _recovery() -> tuple[tuple[str, str], ...]:
    """Recovery patterns (not part of the language): a string that is unterminated or holds a
    forbidden character, and runs of characters witx never uses (neither blanks, parentheses,
    quotes, `;` nor idchars), or a lone `;`."""
    idchars = idchar_class()[1:-1]
    return (("BAD_STRING", r'"(?:[^"\\\n]|\\[^\n])*\\?"?'),
            ("BAD_CHARS", f"[^ \\t\\r\\n()\";{idchars}]+|;"))


KIND_OF = {
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
def fast_master() -> re.Pattern[str]:
    """The master pattern with leading whitespace folded into every match, for
    `re.finditer` loops (a token starts at `m.start(m.lastgroup)`). Compiled
    without DOTALL, as lark compiles the grammar: `.` in the STRING escape `\\.`
    must not match a line end, or a string would run on to the next line."""
    pats = terminal_patterns()
    alts = [f"(?P<{n}>{pats[n]})" for n in _GRAMMAR_ORDER if n != "WHITESPACE"]
    alts += [f"(?P<{n}>{p})" for n, p in _recovery()]
    return re.compile(f"(?:{pats['WHITESPACE']})?(?:" + "|".join(alts) + r"|(?P<EOF>\Z))")


@functools.lru_cache(maxsize=2)
def piece_pattern(heads: bool = False) -> re.Pattern[str]:
    """Tokens with the blanks after them ("pieces"), for `findall`: the pieces from a
    token onwards cover the text without a gap, so their offsets are running sums of
    their lengths, and no match object is made per token. The alternatives match what
    `fast_master` does, except that every run of idchars is one piece (an ID, NUMBER,
    ANNOTATION, KEYWORD or RESERVED token: each of those terminals takes a whole run,
    NUMBER by its look-ahead), classified by `atom_kind`, and that a string piece is
    a STRING or a BAD_STRING token (`string_end` tells which). With `heads`, a `(` and
    the run of idchars right after it are one piece (`(typename`: a list and its head)."""
    pats = terminal_patterns()
    idchars = idchar_class()
    lpar = f"{pats['LPAR']}(?:{idchars}+)?" if heads else pats["LPAR"]
    alts = [pats["LINE_COMMENT"], pats["BLOCK_COMMENT_OPEN"], lpar, pats["RPAR"], f"{idchars}+",
            pats["STRING"], *(p for _, p in _recovery())]
    blank = pats["WHITESPACE"]
    blanks_after = blank[:-1] + "*" if blank.endswith("]+") else f"(?:{blank})*"
    if sys.version_info >= (3, 11):
        # Possessive (3.11): nothing after the blanks can fail, so the matcher need not keep the
        # positions to give them back from (an eighth of the scan's instructions).
        blanks_after += "+"
    return re.compile("(?:" + "|".join(alts) + ")" + blanks_after)


@functools.lru_cache(maxsize=1)
def blanks() -> re.Pattern[str]:
    """The WHITESPACE terminal, or nothing (skips the blanks before a piece)."""
    return re.compile(f"(?:{terminal_patterns()['WHITESPACE']})?")


@functools.lru_cache(maxsize=1)
def number_pattern() -> re.Pattern[str]:
    """The NUMBER terminal without its look-ahead, to `fullmatch` a run of idchars."""
    pat = terminal_patterns()["NUMBER"]
    return re.compile(pat[:pat.rindex("(?!")])


def atom_kind(run: str) -> str:
    """The terminal of a whole run of idchars (see `piece_pattern`)."""
    first = run[0]
    if first == "$" and len(run) > 1:
        return "ID"
    if first == "@" and len(run) > 1:
        return "ANNOTATION"
    if "a" <= first <= "z":
        return "KEYWORD"
    if first in "0123456789+-" and number_pattern().fullmatch(run) is not None:
        return "NUMBER"
    return "RESERVED"


def string_end(text: str, start: int) -> tuple[str, int]:
    """The terminal (STRING or BAD_STRING) of the string token at `start`, and its end."""
    good, bad = _string_patterns()
    m = good.match(text, start) or bad.match(text, start)
    assert m is not None  # BAD_STRING matches at every `"`
    return "STRING" if m.re is good else "BAD_STRING", m.end()


@functools.lru_cache(maxsize=1)
def _string_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(terminal_patterns()["STRING"]), re.compile(dict(_recovery())["BAD_STRING"])
_BLOCK = re.compile(r"\(;|;\)")
_CLOSED_STRING = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"')
_ESCAPE = re.compile(r"\\(?:[tnr\"'\\]|[0-9a-fA-F]{2}|u\{[0-9a-fA-F](?:_?[0-9a-fA-F])*\})")


def block_comment_end(text: str, start: int) -> int:
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


def block_comment(text: str, start: int) -> Token:
    """The block comment opening at `start` (nesting counted), or its error."""
    close = block_comment_end(text, start)
    if close == -1:
        return Token(None, start, len(text), "unterminated block comment: `(;` has no matching `;)`", "E0004")
    return Token(TokenKind.BLOCK_COMMENT, start, close)


def malformed(kind: str, text: str, start: int, end: int) -> Token | None:
    """The error token for a recovery match or a bad string, or None when the
    match is a well-formed token."""
    if kind == "BAD_STRING":
        if _CLOSED_STRING.fullmatch(text, start, end) is None:  # the last `"` may be escaped
            return Token(None, start, end, "unterminated string: a string must end with `\"` on the same line",
                         "E0002")
        bad = next((i for i in range(start + 1, end - 1) if ord(text[i]) < 0x20 or text[i] == "\x7f"), None)
        if bad is not None:
            return Token(None, bad, bad + 1, f"character U+{ord(text[bad]):04X} is not allowed in a string; "
                         "write it as an escape", "E0003")
        return Token(None, start, end, check_string(text[start:end]) or "malformed string", "E0003")
    if kind == "BAD_CHARS":
        chars = text[start:end]
        shown = "".join(ch if ch.isprintable() else f"\\u{{{ord(ch):04x}}}" for ch in chars[:20])
        shown += "…" if len(chars) > 20 else ""
        what = "character" if len(chars) == 1 else "characters"
        return Token(None, start, end, f"unexpected {what} `{shown}`: witx has no such token", "E0001")
    if kind == "STRING":
        problem = check_string(text[start:end])
        return Token(None, start, end, problem, "E0003") if problem else None
    if kind == "RESERVED" and end - start == 1 and text[start] == "$":
        return Token(None, start, end, "an identifier needs at least one character after `$`", "E0007")
    return None


def tokens(text: str) -> Iterator[Token]:
    """Every token and comment of `text` in order; whitespace is skipped."""
    master = fast_master()
    pos = 0
    n = len(text)
    while pos < n:
        for m in master.finditer(text, pos):
            kind = m.lastgroup
            if kind == "EOF" or kind is None:
                pos = n
                break
            start = m.start(kind)
            end = m.end()
            if kind == "BLOCK_COMMENT_OPEN":
                tok = block_comment(text, start)
                yield tok
                pos = tok.end if tok.kind is not None else n
                break
            bad = malformed(kind, text, start, end)
            if bad is not None:
                yield bad
            else:
                yield Token(KIND_OF[kind], start, end)
        else:
            pos = n


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

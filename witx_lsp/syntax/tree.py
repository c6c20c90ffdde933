"""The S-expression tree. Nodes carry code-point offsets into the source text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import Span


class TokenKind(IntEnum):
    LPAR = 1
    RPAR = 2
    STRING = 3
    ID = 4
    KEYWORD = 5
    NUMBER = 6
    ANNOTATION = 7  # `@name` directly after `(`
    RESERVED = 8
    LINE_COMMENT = 9
    BLOCK_COMMENT = 10


@dataclass(slots=True)
class Comment:
    kind: TokenKind  # LINE_COMMENT or BLOCK_COMMENT
    start: int
    end: int
    text: str

    @property
    def is_doc(self) -> bool:
        """`;;;` and `(;; ;)` are documentation; `;;` and `(; ;)` are not."""
        return self.body.rstrip().startswith(";")

    @property
    def body(self) -> str:
        """The comment text without its delimiters (as the reference strips them)."""
        if self.kind is TokenKind.LINE_COMMENT:
            return self.text[2:]
        inner = self.text[2:]
        return inner[:-2] if inner.endswith(";)") else inner


@dataclass(slots=True)
class Atom:
    kind: TokenKind
    start: int
    end: int
    text: str
    leading: list[Comment] = field(default_factory=list)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def name(self) -> str:
        """An identifier's name without its `$` (wast's `Id::name`)."""
        return self.text[1:] if self.kind is TokenKind.ID else self.text


@dataclass(slots=True)
class SList:
    start: int  # offset of `(`
    end: int  # offset after `)`, or after the last thing inside when unclosed
    items: list[Node] = field(default_factory=list)
    closed: bool = True
    leading: list[Comment] = field(default_factory=list)  # comments before `(`
    trailing: list[Comment] = field(default_factory=list)  # comments before `)`

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def head(self) -> Atom | None:
        """The first item when it is an atom (the form's keyword)."""
        if self.items and isinstance(self.items[0], Atom):
            return self.items[0]
        return None

    def head_is(self, *texts: str) -> bool:
        h = self.head
        return h is not None and h.text in texts


Node = Atom | SList


@dataclass(slots=True)
class SourceTree:
    text: str
    items: list[Node]
    comments: list[Comment]
    errors: list[Diagnostic]
    # Comments after the last item of the file.
    trailing: list[Comment] = field(default_factory=list)
    # Every annotation name (`@witx`, `@interface`, `@foo`, ...) that opens a list.
    annotations: set[str] = field(default_factory=set)


# Rust's `char::is_whitespace` (the Unicode White_Space property), which the
# reference's `trim`/`trim_end` use; Python's `str.strip()` also strips U+001C-U+001F.
RUST_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                   + "\u2028\u2029\u202f\u205f\u3000")


def docs_of(comments: list[Comment]) -> str:
    """Documentation text of the comments before an item, processed exactly as
    the reference does (WebAssembly/WASI tools/witx/src/parser.rs, CommentSyntax::docs):
    keep comments whose body starts with `;`, strip trailing whitespace, remove the
    smallest indentation, and end every line with a newline. As in the reference,
    whitespace is Rust's and the indentation is counted in UTF-8 bytes (where the
    reference would cut a character in two, and panic, the whole character goes)."""
    if not comments:
        return ""
    ws = RUST_WHITESPACE
    docs = []
    for c in comments:
        body = c.body.rstrip(ws)
        if body.startswith(";"):
            docs.append(body[1:])
    if not docs:
        return ""
    if all(d.isascii() for d in docs):  # the common case: bytes are characters
        trim = min((len(d) - len(d.lstrip(ws)) for d in docs if d), default=0)
        return "".join(d[trim:].rstrip(ws) + "\n" if d else "\n" for d in docs)
    indents = [_utf8_len(d) - _utf8_len(d.lstrip(ws)) for d in docs if d]
    trim = min(indents) if indents else 0
    return "".join((_drop_bytes(d, trim).rstrip(ws) if d else "") + "\n" for d in docs)


def _utf8_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def _drop_bytes(s: str, n: int) -> str:
    """`s` without its first `n` UTF-8 bytes (rounded up to a whole character)."""
    if s.isascii():
        return s[n:]
    i = used = 0
    while used < n and i < len(s):
        used += _utf8_len(s[i])
        i += 1
    return s[i:]

"""The S-expression tree. Nodes carry code-point offsets into the source text."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import Span

# `tuple.__new__(Span, (start, end))` makes the same Span as `Span(start, end)`, without
# the Python-level `__new__` of a named tuple (half the cost; spans are made by the thousand).
_new = tuple.__new__


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
        return _new(Span, (self.start, self.end))

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
        return _new(Span, (self.start, self.end))

    @property
    def head(self) -> Atom | None:
        """The first item when it is an atom (the form's keyword)."""
        items = self.items
        if items:
            first = items[0]
            if isinstance(first, Atom):
                return first
        return None

    def head_is(self, *texts: str) -> bool:
        items = self.items
        if not items:
            return False
        first = items[0]
        return isinstance(first, Atom) and first.text in texts


Node = Atom | SList


_BUILDING = threading.Lock()  # two threads asking for the same deferred tree make it once


class SourceTree:
    """A file's tree. Made either at once by the parser, or `deferred`: then the parser runs
    on the first question (most analyses, a `check`'s or a keystroke's, never ask: the
    declarations come straight from the tokens, see `model/lower_fast.py`)."""

    __slots__ = ("_annotations", "_build", "_comments", "_errors", "_items", "_trailing", "text")

    def __init__(self, text: str, items: list[Node], comments: list[Comment], errors: list[Diagnostic],
                 trailing: list[Comment] | None = None, annotations: set[str] | None = None) -> None:
        self.text = text
        self._items = items
        self._comments = comments
        self._errors = errors
        # Comments after the last item of the file.
        self._trailing: list[Comment] = trailing if trailing is not None else []
        # Every annotation name (`@witx`, `@interface`, `@foo`, ...) that opens a list.
        self._annotations: set[str] = annotations if annotations is not None else set()
        self._build: Callable[[], SourceTree] | None = None

    @classmethod
    def deferred(cls, text: str, build: Callable[[], SourceTree]) -> SourceTree:
        """The tree that `build()` makes, made when first asked for, of a text known to be
        free of syntax errors (its `errors` are known: none)."""
        tree = cls(text, [], [], [])
        tree._build = build
        return tree

    def _made(self) -> None:
        with _BUILDING:
            build = self._build
            if build is None:  # another thread made it meanwhile
                return
            made = build()
            self._items, self._comments, self._errors = made.items, made.comments, made.errors
            self._trailing, self._annotations = made.trailing, made.annotations
            self._build = None  # last: a reader that sees no `_build` finds the tree made

    @property
    def built(self) -> bool:
        """Whether the tree is made (a `deferred` one is not until first asked)."""
        return self._build is None

    @property
    def items(self) -> list[Node]:
        if self._build is not None:
            self._made()
        return self._items

    @property
    def comments(self) -> list[Comment]:
        if self._build is not None:
            self._made()
        return self._comments

    @property
    def errors(self) -> list[Diagnostic]:
        return self._errors

    @property
    def trailing(self) -> list[Comment]:
        if self._build is not None:
            self._made()
        return self._trailing

    @property
    def annotations(self) -> set[str]:
        if self._build is not None:
            self._made()
        return self._annotations

    def __repr__(self) -> str:
        return (f"SourceTree(text={self.text!r}, items={self.items!r}, comments={self.comments!r}, "
                f"errors={self.errors!r}, trailing={self.trailing!r}, annotations={self.annotations!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceTree):
            return NotImplemented
        return (self.text, self.items, self.comments, self.errors, self.trailing, self.annotations) == (
            other.text, other.items, other.comments, other.errors, other.trailing, other.annotations)

    __hash__ = None  # type: ignore[assignment]  # (as the dataclass it replaces: mutable, unhashable)


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
    line = TokenKind.LINE_COMMENT
    for c in comments:
        if c.kind is line:  # the body is the text after `;;`: a doc comment is `;;;…`
            if c.text.startswith(";;;"):
                docs.append(c.text[3:].rstrip(ws))
            continue
        body = c.body.rstrip(ws)
        if body.startswith(";"):
            docs.append(body[1:])
    return doc_text(docs)


def doc_text(docs: list[str]) -> str:
    """The documentation made of doc comment bodies (each without its `;` and its trailing
    whitespace), as `docs_of` describes."""
    if not docs:
        return ""
    ws = RUST_WHITESPACE
    if len(docs) == 1:  # the most common case: its own indentation is the smallest
        return docs[0].lstrip(ws) + "\n"
    joined = "\n".join(docs)
    if joined.isascii():  # the common case: bytes are characters
        trim = -1
        for d in docs:
            if d:
                indent = len(d) - len(d.lstrip(ws))
                if indent < trim or trim < 0:
                    trim = indent
        return ("\n".join([d[trim:] for d in docs]) if trim > 0 else joined) + "\n"
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

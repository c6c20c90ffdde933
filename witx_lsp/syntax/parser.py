"""Builds the S-expression tree of grammar/witx.lark from the scanner's tokens.

This is the LR automaton of `start: _item*; list: LPAR _item* RPAR` written out
as a stack, with recovery: a stray `)` is reported and dropped; lists still open
at the end are reported at their `(`; a new top-level `(typename`, `(module` or
`(use` inside an unclosed declaration closes it (so one missing `)` does not
swallow the rest of the file). Iterative: no recursion, whatever the nesting.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import accumulate

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.syntax.grammar import idchar_class
from witx_lsp.syntax.scanner import (
    KIND_OF,
    atom_kind,
    blanks,
    block_comment_end,
    malformed,
    piece_pattern,
    string_end,
)
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

# Unclosed lists reported one by one at most; the rest share one diagnostic.
MAX_UNCLOSED_REPORTS = 20
# Unmatched `)` reported one by one at most; the rest share one diagnostic (a megabyte of
# `)` is not a million diagnostic objects).
MAX_UNMATCHED_REPORTS = 100
_TOP_LEVEL_ONLY = frozenset({"typename", "module", "use"})


def parse(text: str, path: str = "") -> SourceTree:
    b = _Builder(text, path)
    b.run()
    return b.finish()


# What a piece is, by its first character: a list's `(` or `)`, a comment's `;`, a string's `"`,
# the kind of a run of idchars (its first character decides, see `scanner.atom_kind`), or
# `_BAD` (characters witx does not use). Compared by identity in the hot loop.
_LPAR, _RPAR, _SEMI, _QUOTE, _BAD = "(", ")", ";", '"', "bad"
_BLANKS = " \t\r\n"
# One empty comment list for the nodes that have no comments (nothing mutates a tree).
_NO_COMMENTS: list[Comment] = []
# The terminals whose text is checked before it becomes an atom (the others are well-formed).
_CHECKED = frozenset({"STRING", "RESERVED", "BAD_STRING", "BAD_CHARS"})


@functools.lru_cache(maxsize=1)
def _first_chars() -> dict[str, str | TokenKind]:
    idchars = re.compile(idchar_class())
    return {**{chr(i): TokenKind.RESERVED for i in range(128) if idchars.fullmatch(chr(i))},
            **{ch: TokenKind.KEYWORD for ch in "abcdefghijklmnopqrstuvwxyz"},
            **{ch: TokenKind.NUMBER for ch in "0123456789+-"},
            "$": TokenKind.ID, "@": TokenKind.ANNOTATION, "(": _LPAR, ")": _RPAR, ";": _SEMI, '"': _QUOTE}


class _Builder:
    """The tree under construction (one parse)."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.errors: list[Diagnostic] = []
        self.comments: list[Comment] = []
        self.root: list[Node] = []
        self.stack: list[SList] = []
        self.unclosed: list[SList] = []
        self.annotations: set[str] = set()
        self.pending: list[Comment] = _NO_COMMENTS  # comments since the last token
        self.unmatched = 0
        self.first_unreported = Span(0, 0)

    def run(self) -> None:
        """The pieces in order (the hot loop: locals only, the common pieces first)."""
        text = self.text
        stack = self.stack
        items = self.root  # the items of the innermost open list
        pending = _NO_COMMENTS
        expecting_head = False  # just after `(`: the head decides top-level recovery
        first = _first_chars()
        keyword, ident, annotation = TokenKind.KEYWORD, TokenKind.ID, TokenKind.ANNOTATION
        for piece, start in _pieces(text):
            kind = first.get(piece[0], _BAD)
            if kind is keyword or kind is ident:
                atom_text = piece.rstrip(_BLANKS)
                if atom_text == "$":  # `$` alone is a reserved word, and an error
                    self.other(TokenKind.RESERVED, piece, start)
                    continue
                if expecting_head:
                    expecting_head = False
                    if len(stack) > 1 and atom_text in _TOP_LEVEL_ONLY and _recoverable(stack, atom_text):
                        items = self.recover()
                items.append(Atom(kind, start, start + len(atom_text), atom_text, pending))
                pending = _NO_COMMENTS
            elif kind is _LPAR and (len(piece) == 1 or piece[1] != ";"):
                lst = SList(start, start + 1, [], True, pending, _NO_COMMENTS)
                pending = _NO_COMMENTS
                stack.append(lst)
                items = lst.items
                expecting_head = True
            elif kind is _RPAR:
                expecting_head = False
                if stack:
                    lst = stack.pop()
                    lst.trailing = pending
                    lst.end = start + 1
                    # (The end of a list still open is set when it is closed or found unclosed.)
                    items = stack[-1].items if stack else self.root
                    items.append(lst)
                else:
                    self.unmatched_rpar(start)
                pending = _NO_COMMENTS
            elif kind is _SEMI and piece.startswith(";;"):
                line_end = piece.find("\n")
                comment = piece if line_end == -1 else piece[:line_end]
                c = Comment(TokenKind.LINE_COMMENT, start, start + len(comment), comment)
                self.comments.append(c)
                if pending is _NO_COMMENTS:
                    pending = [c]
                else:
                    pending.append(c)
            elif kind is _LPAR:
                c2 = self.block_comment(piece, start)
                if c2 is not None:
                    if pending is _NO_COMMENTS:
                        pending = [c2]
                    else:
                        pending.append(c2)
            else:
                atom = self.other(kind, piece, start)
                if atom is None:
                    continue
                if expecting_head:
                    expecting_head = False
                    if atom.kind is annotation:
                        self.annotations.add(atom.text)
                    if len(stack) > 1 and atom.text in _TOP_LEVEL_ONLY and _recoverable(stack, atom.text):
                        items = self.recover()
                atom.leading = pending
                items.append(atom)
                pending = _NO_COMMENTS
        self.pending = pending

    def other(self, kind: str | TokenKind, piece: str, start: int) -> Atom | None:
        """The atom of a string, number, annotation or reserved word; None after
        reporting a malformed token."""
        text = self.text
        if kind is _QUOTE:
            terminal, end = string_end(text, start)
        elif isinstance(kind, TokenKind):
            end = start + len(piece.rstrip(_BLANKS))
            terminal = atom_kind(text[start:end])
        else:  # a lone `;`, or characters witx does not use
            terminal, end = "BAD_CHARS", start + len(piece.rstrip(_BLANKS))
        bad = malformed(terminal, text, start, end) if terminal in _CHECKED else None
        if bad is not None:
            self.errors.append(Diagnostic(bad.code, Severity.ERROR, bad.problem, self.path, Span(bad.start, bad.end)))
            return None
        return Atom(KIND_OF[terminal], start, end, text[start:end], _NO_COMMENTS)

    def block_comment(self, piece: str, start: int) -> Comment | None:
        """The block comment that `_pieces` gave whole, or None after reporting it unterminated."""
        if piece == "(;":
            self.errors.append(Diagnostic("E0004", Severity.ERROR, "unterminated block comment: `(;` has no "
                                          "matching `;)`", self.path, Span(start, start + 2)))
            return None
        c = Comment(TokenKind.BLOCK_COMMENT, start, start + len(piece), piece)
        self.comments.append(c)
        return c

    def unmatched_rpar(self, start: int) -> None:
        if self.unmatched < MAX_UNMATCHED_REPORTS:
            self.errors.append(Diagnostic("E0006", Severity.ERROR, "unexpected `)`: there is no open `(` "
                                          "for it to close", self.path, Span(start, start + 1)))
        elif self.unmatched == MAX_UNMATCHED_REPORTS:
            self.first_unreported = Span(start, start + 1)
        self.unmatched += 1

    def recover(self) -> list[Node]:
        """`(typename` inside an unclosed top-level form: close what is open around
        the list just opened; its items (where the head goes) are returned."""
        opened = self.stack.pop()
        self.close_unclosed(_end_before(self.text, opened.start))
        self.stack.append(opened)
        return opened.items

    def close_unclosed(self, at: int) -> None:
        """Close every open list, reporting each at its `(`."""
        stack = self.stack
        while stack:
            lst = stack.pop()
            lst.closed = False
            lst.end = max(lst.start + 1, at)
            self.unclosed.append(lst)
            (stack[-1].items if stack else self.root).append(lst)

    def finish(self) -> SourceTree:
        text, path, errors = self.text, self.path, self.errors
        self.close_unclosed(_end_before(text, len(text)))
        if self.unmatched > MAX_UNMATCHED_REPORTS:
            errors.append(Diagnostic("E0006", Severity.ERROR, f"{self.unmatched - MAX_UNMATCHED_REPORTS} more "
                                     "unexpected `)`", path, self.first_unreported))
        for i, lst in enumerate(self.unclosed):
            if i == MAX_UNCLOSED_REPORTS:
                rest = len(self.unclosed) - i
                errors.append(Diagnostic("E0005", Severity.ERROR, f"{rest} more unclosed `(`", path,
                                         Span(lst.start, lst.start + 1)))
                break
            errors.append(Diagnostic("E0005", Severity.ERROR, f"unclosed `(`{_what(lst)}: add a matching `)`", path,
                                     Span(lst.start, lst.start + 1)))
        errors.sort(key=lambda d: (d.span.start, d.span.end))
        return SourceTree(text, self.root, self.comments, errors, trailing=self.pending, annotations=self.annotations)


def _pieces(text: str) -> Iterable[tuple[str, int]]:
    """(piece, offset) of every token of `text` with the blanks after it (see
    `scanner.piece_pattern`). Without block comments: one `findall` and running sums.
    With them, a generator that gives each block comment whole as one piece (without
    its blanks; `(;` alone when it is unterminated, and nothing after it)."""
    start = blanks().match(text).end()  # type: ignore[union-attr]  # it matches the empty string
    if "(;" not in text:
        pieces = piece_pattern().findall(text, start)
        return zip(pieces, accumulate(map(len, pieces), initial=start), strict=False)
    return _pieces_with_block_comments(text, start)


def _pieces_with_block_comments(text: str, pos: int) -> Iterator[tuple[str, int]]:
    pattern, skip = piece_pattern(), blanks()
    while pos < len(text):
        for m in pattern.finditer(text, pos):
            piece, start = m.group(), m.start()
            if not piece.startswith("(;"):
                yield piece, start
                continue
            close = block_comment_end(text, start)
            if close == -1:
                yield "(;", start
                return
            yield text[start:close], start
            pos = skip.match(text, close).end()  # type: ignore[union-attr]
            break
        else:
            return


def _recoverable(stack: list[SList], keyword: str) -> bool:
    """Whether a `(keyword` inside the open top-level form means that form lacks
    its `)`. Only inside witx declarations: the unreleased witx 0.10 dialect
    nests `typename` and `use` inside `module`, and witxt directives nest whole
    documents."""
    outer = stack[0].head
    if outer is None:
        return False
    if outer.text == "module":
        return keyword == "module"
    return outer.text in ("typename", "use", "@witx", "@interface")


def _what(lst: SList) -> str:
    head = lst.head
    if head is None:
        return ""
    shown = head.text if len(head.text) <= 30 else head.text[:30] + "…"
    return f" of `({shown}`"


def _end_before(text: str, offset: int) -> int:
    """The offset after the last non-blank character (`str.isspace`) before `offset`
    (in time proportional to the blanks, not to the offset)."""
    while offset > 0 and text[offset - 1].isspace():
        offset -= 1
    return offset

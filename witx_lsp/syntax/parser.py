"""Builds the S-expression tree of grammar/witx.lark from the scanner's tokens.

This is the LR automaton of `start: _item*; list: LPAR _item* RPAR` written out
as a stack, with recovery: a stray `)` is reported and dropped; lists still open
at the end are reported at their `(`; a new top-level `(typename`, `(module` or
`(use` inside an unclosed declaration closes it (so one missing `)` does not
swallow the rest of the file). Iterative: no recursion, whatever the nesting.
"""

from __future__ import annotations

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.syntax.scanner import KIND_OF, block_comment, fast_master, malformed
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

# Unclosed lists reported one by one at most; the rest share one diagnostic.
MAX_UNCLOSED_REPORTS = 20
# Unmatched `)` reported one by one at most; the rest share one diagnostic (a megabyte of
# `)` is not a million diagnostic objects).
MAX_UNMATCHED_REPORTS = 100
_TOP_LEVEL_ONLY = frozenset({"typename", "module", "use"})


def parse(text: str, path: str = "") -> SourceTree:
    errors: list[Diagnostic] = []
    comments: list[Comment] = []
    root: list[Node] = []
    stack: list[SList] = []
    unclosed: list[SList] = []
    annotations: set[str] = set()
    pending: list[Comment] = []  # comments since the last token
    expecting_head = False  # just after `(`: the head decides top-level recovery

    def add(node: Node) -> None:
        (stack[-1].items if stack else root).append(node)

    def close_unclosed(at: int) -> None:
        """Close every open list, reporting each at its `(`."""
        while stack:
            lst = stack.pop()
            lst.closed = False
            lst.end = max(lst.start + 1, at)
            unclosed.append(lst)
            add(lst)

    unmatched = 0
    first_unreported = Span(0, 0)
    master = fast_master()
    n = len(text)
    pos = 0
    lpar, rpar, line_comment, block_open = "LPAR", "RPAR", "LINE_COMMENT", "BLOCK_COMMENT_OPEN"
    while pos < n:
        for m in master.finditer(text, pos):
            kind = m.lastgroup
            if kind == "EOF" or kind is None:
                pos = n
                break
            start, end = m.span(kind)
            if kind == lpar:
                lst = SList(start, end, leading=pending)
                pending = []
                stack.append(lst)
                expecting_head = True
                continue
            if kind == rpar:
                expecting_head = False
                if not stack:
                    if unmatched < MAX_UNMATCHED_REPORTS:
                        errors.append(Diagnostic("E0006", Severity.ERROR, "unexpected `)`: there is no open `(` "
                                                 "for it to close", path, Span(start, end)))
                    elif unmatched == MAX_UNMATCHED_REPORTS:
                        first_unreported = Span(start, end)
                    unmatched += 1
                    pending = []
                    continue
                lst = stack.pop()
                lst.trailing = pending
                pending = []
                lst.end = end
                # (The end of a list still open is set when it is closed or found unclosed.)
                (stack[-1].items if stack else root).append(lst)
                continue
            if kind == line_comment:
                c = Comment(TokenKind.LINE_COMMENT, start, end, text[start:end])
                comments.append(c)
                pending.append(c)
                continue
            if kind == block_open:
                tok = block_comment(text, start)
                if tok.kind is None:
                    errors.append(Diagnostic(tok.code, Severity.ERROR, tok.problem, path, Span(start, start + 2)))
                    pos = n
                else:
                    c = Comment(TokenKind.BLOCK_COMMENT, start, tok.end, text[start:tok.end])
                    comments.append(c)
                    pending.append(c)
                    pos = tok.end
                break
            atom_kind = KIND_OF.get(kind)
            bad = malformed(kind, text, start, end) if atom_kind is None or kind in _CHECKED else None
            if bad is not None:
                errors.append(Diagnostic(bad.code, Severity.ERROR, bad.problem, path, Span(bad.start, bad.end)))
                continue
            assert atom_kind is not None
            atom = Atom(atom_kind, start, end, text[start:end], pending)
            if atom_kind is TokenKind.ANNOTATION and expecting_head:
                annotations.add(atom.text)
            pending = []
            if expecting_head and len(stack) > 1 and atom.text in _TOP_LEVEL_ONLY and _recoverable(stack, atom.text):
                # `(typename` inside an unclosed top-level form: close what is open.
                opened = stack.pop()
                close_unclosed(_end_before(text, opened.start))
                stack.append(opened)
            expecting_head = False
            (stack[-1].items if stack else root).append(atom)
        else:
            pos = n

    close_unclosed(_end_before(text, n))
    if unmatched > MAX_UNMATCHED_REPORTS:
        errors.append(Diagnostic("E0006", Severity.ERROR, f"{unmatched - MAX_UNMATCHED_REPORTS} more unexpected `)`",
                                 path, first_unreported))
    for i, lst in enumerate(unclosed):
        if i == MAX_UNCLOSED_REPORTS:
            rest = len(unclosed) - i
            errors.append(Diagnostic("E0005", Severity.ERROR, f"{rest} more unclosed `(`", path,
                                     Span(lst.start, lst.start + 1)))
            break
        errors.append(Diagnostic("E0005", Severity.ERROR, f"unclosed `(`{_what(lst)}: add a matching `)`", path,
                                 Span(lst.start, lst.start + 1)))
    errors.sort(key=lambda d: (d.span.start, d.span.end))
    return SourceTree(text, root, comments, errors, trailing=pending, annotations=annotations)


# Token kinds whose text must be checked before it becomes an atom.
_CHECKED = frozenset({"STRING", "RESERVED"})


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
    """The offset after the last non-blank character before `offset`."""
    return len(text[:offset].rstrip())

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
from witx_lsp.syntax.scanner import tokens
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

# Unclosed lists reported one by one at most; the rest share one diagnostic.
MAX_UNCLOSED_REPORTS = 20
_TOP_LEVEL_ONLY = frozenset({"typename", "module", "use"})


def parse(text: str, path: str = "") -> SourceTree:
    errors: list[Diagnostic] = []
    comments: list[Comment] = []
    root: list[Node] = []
    stack: list[SList] = []
    pending: list[Comment] = []  # comments since the last token
    # `(` just seen: the head of the list decides top-level recovery.
    expecting_head = False

    def err(code: str, message: str, start: int, end: int) -> None:
        errors.append(Diagnostic(code, Severity.ERROR, message, path, Span(start, end)))

    def add(node: Node) -> None:
        (stack[-1].items if stack else root).append(node)

    def close_unclosed(upto: int, at: int) -> None:
        """Close every open list above depth `upto`, reporting each at its `(`."""
        while len(stack) > upto:
            lst = stack.pop()
            lst.closed = False
            lst.end = max(lst.start + 1, at)
            unclosed.append(lst)
            add(lst)

    unclosed: list[SList] = []

    for tok in tokens(text):
        kind = tok.kind
        if kind is None:
            err(tok.code, tok.problem, tok.start, tok.end)
            continue
        if kind is TokenKind.LINE_COMMENT or kind is TokenKind.BLOCK_COMMENT:
            c = Comment(kind, tok.start, tok.end, text[tok.start:tok.end])
            comments.append(c)
            pending.append(c)
            continue
        if kind is TokenKind.LPAR:
            lst = SList(tok.start, tok.end, leading=pending)
            pending = []
            if stack:
                stack[-1].end = tok.end
            stack.append(lst)
            expecting_head = True
            continue
        if kind is TokenKind.RPAR:
            expecting_head = False
            if not stack:
                err("E0006", "unexpected `)`: there is no open `(` for it to close", tok.start, tok.end)
                pending = []
                continue
            lst = stack.pop()
            lst.trailing = pending
            pending = []
            lst.end = tok.end
            add(lst)
            if stack:
                stack[-1].end = tok.end
            continue
        atom = Atom(kind, tok.start, tok.end, text[tok.start:tok.end], pending)
        pending = []
        if expecting_head and len(stack) > 1 and atom.text in _TOP_LEVEL_ONLY and _recoverable(stack, atom.text):
            # `(typename` inside an unclosed top-level form: close what is open.
            opened = stack.pop()
            close_unclosed(0, _end_before(text, opened.start))
            stack.append(opened)
        expecting_head = False
        add(atom)
        if stack:
            stack[-1].end = tok.end

    close_unclosed(0, _end_before(text, len(text)))
    for i, lst in enumerate(unclosed):
        if i == MAX_UNCLOSED_REPORTS:
            rest = len(unclosed) - i
            err("E0005", f"{rest} more unclosed `(`", lst.start, lst.start + 1)
            break
        err("E0005", f"unclosed `(`{_what(lst)}: add a matching `)`", lst.start, lst.start + 1)
    errors.sort(key=lambda d: (d.span.start, d.span.end))
    return SourceTree(text, root, comments, errors, trailing=pending)


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

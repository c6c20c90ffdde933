"""Incremental lowering: the declarations of a file's new text (an editor's keystroke), reading
again only the declarations whose text changed.

A well-formed file (model/lower_fast.py) is cut into chunks: each top-level declaration with
the blanks and comments before it (its documentation), from the `)` that ends the one before
(or the start of the file). The scanner starts afresh after a top-level `)` (no token spans
one: a line comment ends at its line, there are no block comments on the fast path, a string
that does not end makes the fast path give up), and a declaration is read from its own chunk
only (docs included), so the declarations of a text are those of its chunks in order. A chunk
of the previous text found again, whole, where the new text's next chunk starts, gives the same
declaration, moved by the distance it moved (model/lower_shift.py; the same object when it did
not move); the text between the chunks found is read again (`lower_fast.read_decls`), and must
end with the `)` of its last declaration right where the next chunk found starts, else that chunk
is read again too. Block comments, which the fast path refuses anywhere, are looked for in the
whole new text, and the trailing constants are dropped from the whole list, as `lower_text`
does. (What else the fast path reads of the whole text, whether it holds U+001C-U+001F, only
picks a quicker way to the same docs.)

Results equal `lower_text(text, path)` (tests/model/test_lower_incremental.py compares them on
random edit sequences); the previous lowering must be `lower_text`'s (or this module's).
"""

from __future__ import annotations

from witx_lsp.model.lower import LoweredFile, drop_trailing_consts
from witx_lsp.model.lower_base import Reporter
from witx_lsp.model.lower_fast import lower_text, read_decls
from witx_lsp.model.lower_shift import decl as moved
from witx_lsp.model.syntax_ast import Decl

MAX_SEARCHES = 32  # chunks of the previous text looked for elsewhere before the rest is read again


def relower(old_text: str, old: LoweredFile, text: str, path: str) -> LoweredFile | None:
    """`lower_text(text, path)`, given `old`, the fast path's lowering of `old_text`."""
    if "(;" in text:
        return None
    decls = _reuse(old_text, [*old.decls, *old.dropped_consts], text)
    if decls is None:
        return lower_text(text, path)
    r = Reporter(path, text)
    dropped = drop_trailing_consts(decls, r)
    return LoweredFile(decls, r.diagnostics, False, dropped)


def _reuse(old_text: str, old_decls: list[Decl], text: str) -> list[Decl] | None:
    """The declarations of `text`, from the chunks of `old_text` (whose declarations are
    `old_decls`, trailing constants included) found again and the text between them read
    again; None when the fast path gave up on a piece of text read again (which may be cut
    where the whole text is not: a chunk found inside a string), or when more than the whole
    text would be read again."""
    out: list[Decl] = []
    pending = 0  # where the text not accounted for starts: 0 or right after a top-level `)`
    searches = 0  # chunks looked for further on
    budget = len(text)  # characters that may be read again before the chunks found
    end = 0
    for d in old_decls:
        start, end = end, d.span.end
        chunk = old_text[start:end]
        if text.startswith(chunk, pending):
            at = pending
        elif searches < MAX_SEARCHES:
            searches += 1
            at = text.find(chunk, pending)
            if at < 0:
                continue
            budget -= at - pending
            got = read_decls(text, pending, at) if budget >= 0 else None
            if got is None:
                return None
            if not got or got[-1].span.end != at:
                continue  # (then this chunk is read again, with the text before it)
            out += got
        else:
            break
        out.append(moved(d, at - start))
        pending = at + len(chunk)
    rest = read_decls(text, pending, len(text))
    return None if rest is None else out + rest

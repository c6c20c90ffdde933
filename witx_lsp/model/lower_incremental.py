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

Through an editor's broken states (`lower_edit`), a piece of text read again that the fast path
gives up on is parsed alone and its items lowered by the tree lowering (`lower.lower_items`), where
that is what the whole text's tree gives: the piece has no syntax error (the previous text's
chunks have none: the fast path read them), so that the tokens of the whole text are those of its
pieces and the parser is at the top level, with no comment pending, where each piece starts; and
it ends with a top-level `)` right where the next chunk found starts (or at the end of the text).
The lowering of an item depends on nothing else but its Reporter (`lower_items`): the items of
all such pieces are lowered together, with one Reporter, after the chunks and pieces are found,
and their declarations merged with the others by offset. The chunks found and the pieces the
fast path read report nothing under the tree lowering (the fast path reads only what it lowers
without a report), so the diagnostics are the whole text's, in its order.

Results equal `lower_text(text, path)` (tests/model/test_lower_incremental.py compares them on
random edit sequences), and, through broken states, `lower(parse(text, path), path)`; the previous
lowering must be `lower_text`'s (or this module's on the fast path alone).
"""

from __future__ import annotations

from witx_lsp.model.lower import LoweredFile, drop_trailing_consts, is_foreign, lower_items
from witx_lsp.model.lower_base import Reporter
from witx_lsp.model.lower_fast import lower_text, read_decls
from witx_lsp.model.lower_shift import decl as moved
from witx_lsp.model.syntax_ast import Decl
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Node, SList

MAX_SEARCHES = 32  # chunks of the previous text looked for elsewhere before the rest is read again


def relower(old_text: str, old: LoweredFile, text: str, path: str) -> LoweredFile | None:
    """`lower_text(text, path)`, given `old`, the fast path's lowering of `old_text`."""
    got = lower_edit(old_text, old, text, path, trees=False)
    return None if got is None else got[0]


def lower_edit(old_text: str, old: LoweredFile, text: str, path: str,
               trees: bool = True) -> tuple[LoweredFile, bool] | None:
    """The lowering of `text` that the whole-file path gives, given `old`, the fast path's
    lowering of `old_text`, and whether it is the fast path's (`lower_text(text, path)`); else,
    with `trees`, `lower(parse(text, path), path)` where the pieces read again show it (see the
    module's doc); None otherwise (the caller parses and lowers the whole text)."""
    if "(;" in text:
        return None
    gaps = _TreeGaps(text) if trees else None
    decls = _reuse(old_text, [*old.decls, *old.dropped_consts], text, gaps)
    if decls is None:
        fast = lower_text(text, path)
        return None if fast is None else (fast, True)
    r = Reporter(path, text)
    tree_made = gaps is not None and bool(gaps.items)
    if gaps is not None and tree_made:  # (the reused declarations and those read fast report nothing)
        decls = sorted([*decls, *lower_items(gaps.items, gaps.annotations, r)], key=lambda d: d.span.start)
    dropped = drop_trailing_consts(decls, r)
    return LoweredFile(decls, r.diagnostics, is_foreign(r), dropped), not tree_made


class _TreeGaps:
    """The top-level items of the pieces of `text` read again that the fast path gave up on."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[Node] = []
        self.annotations: set[str] = set()  # (the chunks found and the pieces read fast have only known ones)

    def read(self, start: int, end: int) -> bool | None:
        """Parse `text[start:end]` alone, at its offsets in the text: True when it has no syntax
        error and, unless it goes on to the end of the text, ends with a list that ends at `end`
        (its items are kept); False when it ends otherwise; None on a syntax error."""
        tree = parse(" " * start + self.text[start:end])  # (blanks before a piece are skipped)
        if tree.errors:
            return None
        items = tree.items
        if end < len(self.text) and not (items and isinstance(items[-1], SList) and items[-1].end == end):
            return False
        self.items += items
        self.annotations |= tree.annotations
        return True


def _read(text: str, start: int, end: int, gaps: _TreeGaps | None) -> list[Decl] | bool | None:
    """The declarations of `text[start:end]` read fast; else, with `gaps`, whether the tree
    read it (`_TreeGaps.read`); None when neither did."""
    got = read_decls(text, start, end)
    if got is not None or gaps is None:
        return got
    return gaps.read(start, end)


def _reuse(old_text: str, old_decls: list[Decl], text: str, gaps: _TreeGaps | None) -> list[Decl] | None:
    """The declarations of `text`, from the chunks of `old_text` (whose declarations are
    `old_decls`, trailing constants included) found again and the text between them read
    again (with `gaps`, the pieces the fast path gave up on go there instead); None when a
    piece of text read again could not be (it may be cut where the whole text is not: a chunk
    found inside a string), or when more than the whole text would be read again."""
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
            got = _read(text, pending, at, gaps) if budget >= 0 else None
            if got is None:
                return None
            if got is False or (isinstance(got, list) and (not got or got[-1].span.end != at)):
                continue  # (then this chunk is read again, with the text before it)
            if isinstance(got, list):
                out += got
        else:
            break
        out.append(moved(d, at - start))
        pending = at + len(chunk)
    rest = _read(text, pending, len(text), gaps)
    if rest is None:
        return None
    return out + rest if isinstance(rest, list) else out

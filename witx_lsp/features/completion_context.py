"""The cursor's context for completion: the forms open before the word at the
cursor, as the text up to that word parses on its own (so unfinished forms such
as `(field $x ` or `(typename $t (rec` give their context), and what is
expected there.

That text is not parsed again. The tree builder (witx_lsp/syntax/parser.py)
works left to right, so the lists that were open when it reached the word are
in the full tree, each holding first the items it had then: the context is
read off the full tree, with those lists cut to those items. Two cases differ.
A `(` before the word whose `typename`, `module` or `use` comes after it:
recovery moved that list to the top level of the full tree, but before its
keyword it was still inside the unclosed form, where it is put back. A `(;`
split by the cursor: the text before it ends with a `(`; that rare case is
parsed.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.syntax.grammar import idchar_class
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Node, SList, SourceTree, TokenKind

_SLOTS: dict[str, tuple[str, ...]] = {
    # head: slots of items 1, 2, 3, … (the last one repeats)
    "typename": ("name", "type:named", "none"), "module": ("name", "moduleitem"), "use": ("usepath", "none"),
    "field": ("name", "type", "none"), "param": ("name", "type", "none"), "result": ("name", "type", "none"),
    "case": ("casename", "type", "none"), "list": ("type", "none"), "tuple": ("type",),
    "union": ("type|tagann", "type"), "variant": ("case|tagann", "case"), "enum": ("member|tagann", "none"),
    "flags": ("flag|reprann", "none"), "record": ("fielditem",), "expected": ("type|error", "error", "none"),
    "error": ("type", "none"), "@interface": ("func", "export", "funcfield"), "import": ("string", "memory"),
    "export": ("string", "none"),
}


@dataclass(frozen=True, slots=True)
class Context:
    slot: str  # what is expected at the cursor (see slot_of)
    head_position: bool  # right after `(`: a form keyword is expected
    # Open forms around the cursor, outermost first, as the text from the top-level form there
    # (the first one that is unclosed or ends after the word) up to the word parses on its own:
    # unclosed lists holding the items before the word.
    chain: tuple[SList, ...]
    word: Span
    needs_close: bool  # the form at the cursor has no `)` yet in the full text


def slot_of(lst: SList | None, i: int, outer: str) -> str:
    """What item `i` of `lst` is, `outer` being the slot of `lst` itself."""
    if lst is None:
        return "toplevel"
    head = lst.head.text if lst.head is not None else ""
    word = lst.items[1].text if len(lst.items) > 1 and isinstance(lst.items[1], Atom) else ""
    if head == "@witx":
        if i == 1:
            return "witxword:" + outer
        if i == 2 and word in ("tag", "repr"):
            return "reprtype" if outer in ("member|tagann", "flag|reprann") or word == "repr" else "type"
        if i == 2 and word in ("pointer", "const_pointer"):
            return "type"
        if i == 2 and word == "const":
            return "typeref"
        return "none"
    slots = _SLOTS.get(head)
    if not slots or i < 1:
        return "none"
    return slots[min(i, len(slots)) - 1]


@functools.cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The idchars before the cursor (up to it) and after it."""
    idchars = idchar_class()
    return re.compile(idchars + "*\\Z"), re.compile(idchars + "*")


def word_at(text: str, offset: int) -> Span:
    """The word around `offset` (what a completion item replaces)."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    word, tail_pattern = _word_patterns()
    m = word.search(text, line_start, offset)
    tail = tail_pattern.match(text, offset)
    return Span(m.start() if m is not None else offset, tail.end() if tail is not None else offset)


def context(tree: SourceTree, text: str, offset: int) -> Context:
    """The context at `offset` of `text`, whose full tree is `tree`."""
    word = word_at(text, offset)
    word_start = word.start
    if word_start > 0 and text.startswith("(;", word_start - 1):
        # A `(;` cut after its `(`: the text before the word ends with a `(` (rare).
        chain = parsed_chain(text, word_start)
        full = list_at(tree, chain[-1].start) if chain else None
    else:
        chain, full = _open_forms(tree, text, word_start)
    return context_of_chain(chain, word, full)


def context_of_chain(chain: list[SList], word: Span, full: SList | None) -> Context:
    """The context of the open forms `chain` (outermost first) before `word`; `full` is the
    innermost one as the full tree has it."""
    slot = "toplevel"
    for k in range(len(chain)):
        parent = chain[k - 1] if k > 0 else None
        slot = slot_of(parent, len(parent.items) - 1 if parent is not None else 0, slot)
    inner = chain[-1] if chain else None
    if inner is not None and inner.items:
        slot = slot_of(inner, len(inner.items), slot)
    return Context(slot, inner is not None and not inner.items, tuple(chain), word, full is None or not full.closed)


def _open_forms(tree: SourceTree, text: str, at: int) -> tuple[list[SList], SList | None]:
    """The lists open when the builder reached `at`, each cut to the items it had then, and
    the innermost one as the full tree has it."""
    k = _last_starting_before(tree.items, at)
    top = tree.items[k] if k >= 0 else None
    if not (isinstance(top, SList) and _open_at(top, at)):
        return [], None
    levels: list[tuple[SList, int]] = []  # (list of the full tree, how many of its items came before `at`)
    before = tree.items[k - 1] if k > 0 else None
    if isinstance(before, SList) and not before.closed and (not top.items or top.items[0].end > at):
        # `top` is the `(typename` that closed the unclosed form before it, but the keyword is
        # past `at`: there, it was still the innermost list of that form.
        k -= 1
        levels += _levels(before, at)
    levels += _levels(top, at)
    full = levels[-1][0]
    # Parsed on its own, the text before `at` ends its unclosed lists at its last non-blank character.
    end = full.start + len(text[full.start:at].rstrip())
    chain: list[SList] = []
    child: SList | None = None
    for i, (lst, count) in enumerate(reversed(levels), 1):
        items = lst.items[:count] if child is None else [*lst.items[:count], child]
        # The comments before the first top-level form that is unclosed or ends after `at` are
        # not in the text that `chain` is the parse of.
        outermost = i == len(levels) and not _unclosed_before(tree, k)
        child = SList(lst.start, end, items, closed=False, leading=[] if outermost else lst.leading)
        chain.append(child)
    chain.reverse()
    return chain, full


def _unclosed_before(tree: SourceTree, k: int) -> bool:
    """Whether a top-level list before item `k` is unclosed."""
    # The parser reports unclosed lists (E0005): without that error there are none.
    if not any(e.code == "E0005" for e in tree.errors):
        return False
    return any(isinstance(n, SList) and not n.closed for n in tree.items[:k])


def _levels(lst: SList, at: int) -> list[tuple[SList, int]]:
    """`lst` and its lists open at `at`, outermost first, with their item counts before `at`."""
    out = []
    while True:
        k = _last_starting_before(lst.items, at)
        last = lst.items[k] if k >= 0 else None
        if isinstance(last, SList) and _open_at(last, at):
            out.append((lst, k))
            lst = last
            continue
        # `last` is done before `at`, or a string that runs past it (the prefix ends inside it).
        out.append((lst, k + 1 if last is None or last.end <= at else k))
        return out


def _last_starting_before(items: list[Node], at: int) -> int:
    # Siblings do not overlap and come in text order.
    return bisect_left(items, at, key=lambda n: n.start) - 1


def _open_at(lst: SList, at: int) -> bool:
    """Whether `lst`, starting before `at`, is still open there. An unclosed list was closed by
    recovery or at the end of the text: past `at` when it is the last list starting before it."""
    return not lst.closed or at < lst.end


def parsed_chain(text: str, at: int) -> list[SList]:
    """The open forms of the text before `at`, parsed on its own (the definition that
    `_open_forms` reads off the full tree instead). Used only when a `(;` is cut after its `(`:
    the whole prefix is parsed, since the full tree may hold that `(` in a comment, a string or
    nothing at all (an unterminated comment)."""
    prefix = parse(text[:at])
    chain: list[SList] = []
    items = prefix.items
    while items and isinstance(items[-1], SList) and not items[-1].closed:
        chain.append(items[-1])
        items = items[-1].items
    return chain


def list_at(tree: SourceTree, start: int) -> SList | None:
    """The list of the full tree whose `(` is at `start`."""
    items = tree.items
    while True:
        nxt = None
        for n in items:
            if isinstance(n, SList) and n.start <= start < max(n.end, n.start + 1):
                nxt = n
                break
        if nxt is None:
            return None
        if nxt.start == start:
            return nxt
        items = nxt.items


def in_trivia(tree: SourceTree, offset: int) -> bool:
    """Inside a comment or a string: nothing to complete."""
    for c in tree.comments:
        if c.start < offset < c.end or (c.kind is TokenKind.LINE_COMMENT and offset == c.end and c.start < offset):
            return True
    items: list[Node] = list(tree.items)
    while items:
        n = items.pop()
        if n.start < offset < n.end or (isinstance(n, SList) and not n.closed and n.start < offset):
            if isinstance(n, SList):
                items = list(n.items)
            elif n.kind is TokenKind.STRING:
                return True
    return False

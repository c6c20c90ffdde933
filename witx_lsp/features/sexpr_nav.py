"""Finding and printing S-expression nodes for the editor features (hover, inlay
hints, the syntax-tree command). Everything here is iterative, so nesting depth
never reaches Python's recursion limit."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind

# Beyond this many characters a one-line rendering is cut with `…`.
MAX_INLINE_CHARS = 400
# Lists nested deeper than this are never broken over several lines.
MAX_BREAK_DEPTH = 8
# At most this many member lines of one list; the rest are summarised.
MAX_MEMBER_LINES = 200
WIDTH = 72


def _child_at(items: list[Node], offset: int) -> Node | None:
    i = bisect.bisect_right(items, offset, key=lambda n: n.start) - 1
    if i < 0:
        return None
    node = items[i]
    if isinstance(node, Atom):
        return node if offset <= node.end else None
    if offset < node.end or (not node.closed and offset <= node.end):
        return node
    return None


def chain_at(items: list[Node], offset: int) -> list[Node]:
    """The nodes that contain `offset`, outermost first; the last one is the atom
    under the cursor when there is one (an atom's end counts as inside it)."""
    out: list[Node] = []
    level = items
    while True:
        node = _child_at(level, offset)
        if node is None:
            return out
        out.append(node)
        if isinstance(node, Atom):
            return out
        level = node.items


def typename_around(items: list[Node], offset: int) -> str | None:
    """The name of the top-level `(typename $name …)` holding `offset`, if any."""
    chain = chain_at(items, offset)
    top = chain[0] if chain else None
    if isinstance(top, SList) and top.head_is("typename") and len(top.items) > 1:
        name = top.items[1]
        if isinstance(name, Atom) and name.kind is TokenKind.ID:
            return name.name
    return None


def toplevel_at(items: list[Node], start: int) -> SList | None:
    """The top-level list that begins at `start`."""
    i = bisect.bisect_left(items, start, key=lambda n: n.start)
    if i < len(items) and items[i].start == start and isinstance(items[i], SList):
        node = items[i]
        assert isinstance(node, SList)
        return node
    return None


def list_at(items: list[Node], start: int, end: int) -> SList | None:
    """The list (at any depth) whose span is exactly start..end."""
    level = items
    while True:
        i = bisect.bisect_right(level, start, key=lambda n: n.start) - 1
        if i < 0:
            return None
        node = level[i]
        if not isinstance(node, SList) or node.end < end:
            return None
        if node.start == start and node.end == end:
            return node
        level = node.items


def walk(items: list[Node]) -> Iterator[tuple[Node, int]]:
    """Every node with its depth, in source order (pre-order)."""
    stack: list[tuple[Node, int]] = [(n, 0) for n in reversed(items)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        if isinstance(node, SList):
            stack.extend((c, depth + 1) for c in reversed(node.items))


def inline(node: Node, limit: int = MAX_INLINE_CHARS) -> str:
    """A node on one line, comments dropped, whitespace normalised."""
    out: list[str] = []
    length = 0
    # Entries: a node to print, or a literal string (closing parens).
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            piece = item
        elif isinstance(item, Atom):
            piece = item.text
        else:
            piece = "("
            stack.append(")" if item.closed else "")
            for i, child in enumerate(reversed(item.items)):
                stack.append(child)
                if i < len(item.items) - 1:
                    stack.append(" ")
        if out and out[-1] == " " and piece == ")":
            out.pop()
        out.append(piece)
        length += len(piece)
        if length > limit:
            return "".join(out)[:limit] + "…"
    return "".join(out)


def is_annotation_list(node: Node) -> bool:
    """`(@witx …)` and friends, and `(export "…")`: attributes kept on the
    first line of a broken list."""
    if not isinstance(node, SList):
        return False
    head = node.head
    return head is not None and (head.kind is TokenKind.ANNOTATION or head.text == "export")


_MEMBER_IDS = frozenset({"enum", "flags", "union"})

# A comment for `node` (a member of `parent`) at the end of its line, or None.
Annotate = Callable[[Node, SList], "str | None"]


def _no_annotation(node: Node, parent: SList) -> str | None:
    return None


def pretty(node: Node, annotate: Annotate = _no_annotation, width: int = WIDTH) -> str:
    """A node as readable witx: a list that does not fit on one line, or that
    holds an annotated member, gets one member per line; `annotate(member,
    list)` returns a comment shown at the end of that member's line."""
    must_break = _annotated_ancestors(node, annotate)
    lines: list[list[str]] = []  # [text, comment]
    _emit(node, 0, annotate, width, lines, 0, must_break)
    col = min(max((len(t) for t, c in lines if c), default=0), width)
    return "\n".join(f"{t.ljust(col)}  ;; {c}" if c else t for t, c in lines)


def _annotated_ancestors(root: Node, annotate: Annotate) -> set[int]:
    """ids of the lists (up to MAX_BREAK_DEPTH) that contain an annotated member."""
    out: set[int] = set()
    stack: list[tuple[Node, tuple[SList, ...]]] = [(root, ())]
    while stack:
        node, parents = stack.pop()
        if parents and annotate(node, parents[-1]):
            out.update(id(p) for p in parents)
        if isinstance(node, SList) and len(parents) < MAX_BREAK_DEPTH:
            stack.extend((c, (*parents, node)) for c in node.items)
    return out


def _emit(node: Node, indent: int, annotate: Annotate, width: int, lines: list[list[str]], depth: int,
          must_break: set[int]) -> None:
    """Append the lines of `node`; its last line is left open for closing parens."""
    pad = "  " * indent
    if isinstance(node, Atom) or depth >= MAX_BREAK_DEPTH:
        lines.append([pad + inline(node), ""])
        return
    flat = inline(node)
    if id(node) not in must_break and len(pad) + len(flat) <= width:
        lines.append([pad + flat, ""])
        return
    head = node.head
    members_are_ids = head is not None and head.text in _MEMBER_IDS
    first = ["(" + (head.text if head is not None else "")]
    i = 1 if head is not None else 0
    while i < len(node.items):
        item = node.items[i]
        if isinstance(item, Atom) and not (members_are_ids and item.kind is TokenKind.ID):
            first.append(item.text)
        elif is_annotation_list(item):
            first.append(inline(item))
        else:
            break
        i += 1
    lines.append([pad + " ".join(first), ""])
    for shown, item in enumerate(node.items[i:]):
        if shown == MAX_MEMBER_LINES:
            lines.append([pad + "  ", f"… and {len(node.items) - i - shown} more"])
            break
        _emit(item, indent + 1, annotate, width, lines, depth + 1, must_break)
        note = annotate(item, node)
        if note:
            lines[-1][1] = note
    if node.closed:
        lines[-1][0] += ")"

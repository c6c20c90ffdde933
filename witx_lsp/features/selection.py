"""Selection ranges (textDocument/selectionRange): from the token at the cursor
outwards along the S-expression nesting, one list at a time, up to the whole
top-level declaration. Also the tree walk other features use to find the token
at an offset. Iterative: nesting depth is unbounded."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.features.sexpr_nav import chain_at
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.syntax.tree import Atom, Node, SList

# The tree walk is shared with hover and the other features (sexpr_nav.chain_at).
path_at = chain_at


def atom_at(items: list[Node], offset: int) -> Atom | None:
    path = path_at(items, offset)
    return path[-1] if path and isinstance(path[-1], Atom) else None


def selection_ranges(snap: Snapshot, offsets: list[int]) -> list[list[Span]]:
    """For each offset, the spans to select, innermost first; each contains the one
    before it. A cursor outside every declaration selects an empty span there."""
    file = snap.file
    out: list[list[Span]] = []
    for raw in offsets:
        offset = max(0, min(raw, len(snap.text)))
        if file is None:
            out.append([Span(offset, offset)])
            continue
        spans: list[Span] = []
        for node in reversed(path_at(file.tree.items, offset)):
            span = Span(node.start, node.end)
            if isinstance(node, SList) and node.closed and node.end - node.start > 2 and node.items:
                # The inside of the list, without its brackets, before the whole list.
                inner = Span(node.items[0].start, node.items[-1].end)
                if (inner.start <= offset <= inner.end and inner != (spans[-1] if spans else None)
                        and (not spans or (inner.start <= spans[-1].start and spans[-1].end <= inner.end))):
                    spans.append(inner)
            if not spans or span != spans[-1]:
                spans.append(span)
        if not spans:
            spans.append(Span(offset, offset))
        out.append(spans)
    return out

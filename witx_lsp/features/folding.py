"""Folding ranges (textDocument/foldingRange): every list that spans lines, and
every run of two or more comment lines (or one multi-line block comment), with
kind "comment". Line based, so independent of the position encoding."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.features.snapshot import Snapshot
from witx_lsp.syntax.tree import Comment, Node, SList


@dataclass(frozen=True)
class FoldingRange:
    start_line: int
    end_line: int
    kind: str | None = None  # "comment", or None for a list


def _own_line(text: str, c: Comment) -> bool:
    """True when only whitespace precedes the comment on its line."""
    i = c.start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in "\r\n"


def folding_ranges(snap: Snapshot) -> list[FoldingRange]:
    file = snap.file
    if file is None:
        return []
    lines, text = file.lines, file.text
    found: list[FoldingRange] = []
    todo: list[Node] = list(file.tree.items)
    while todo:
        node = todo.pop()
        if not isinstance(node, SList):
            continue
        todo.extend(node.items)
        first, last = lines.line_of(node.start), lines.line_of(max(node.start, node.end - 1))
        if last > first:
            found.append(FoldingRange(first, last))
    run: list[int] = []  # [first line, last line] of the current run of comment lines

    def flush() -> None:
        if run and run[1] > run[0]:
            found.append(FoldingRange(run[0], run[1], "comment"))

    for c in file.tree.comments:
        first, last = lines.line_of(c.start), lines.line_of(max(c.start, c.end - 1))
        if not _own_line(text, c):
            continue
        if run and first == run[1] + 1:
            run[1] = last
        else:
            flush()
            run[:] = [first, last]
    flush()
    # One range per start line (editors keep only one): the outermost.
    best: dict[int, FoldingRange] = {}
    for r in found:
        if r.start_line not in best or r.end_line > best[r.start_line].end_line:
            best[r.start_line] = r
    return sorted(best.values(), key=lambda r: (r.start_line, r.end_line))

"""Source ranges for generator hazards: the type written after a `$name` in
`(param $x T)`, `(field $x T)`, `(typename $x T)`, `(result $x T)`, `(case $x T)`,
and keywords inside it. The model keeps the `$name` spans; the rest is found in
the syntax tree (iteratively: nesting depth never reaches the recursion limit).
The deferred tree of a well-formed file (model/lower_fast.py) is not built for this:
the declaration holding the name (in a module: the function) is parsed on its own, its
spans moved to its place (its text is a whole list, whose tokens are those of the file),
so the hazards of an edited declaration do not cost the parse of its whole file on every
keystroke.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from witx_lsp.base.span import FileSpan, Span
from witx_lsp.model.analysis import Analysis, SourceFile
from witx_lsp.model.syntax_ast import Decl, FuncDecl, ImportDecl, ModuleDecl
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Node, SList


def _list_holding(items: list[Node], start: int) -> tuple[SList | None, int]:
    """The list whose direct item begins at `start`, and that item's index (None, -1 at the top level)."""
    parent: SList | None = None
    level = items
    while True:
        i = bisect.bisect_right(level, start, key=lambda n: n.start) - 1
        if i < 0:
            return None, -1
        node = level[i]
        if node.start == start:
            return parent, i
        if not isinstance(node, SList) or start >= node.end:
            return None, -1
        parent, level = node, node.items


def _items_around(f: SourceFile, offset: int) -> tuple[list[Node], int]:
    """Top-level items of the file that hold `offset`, and the distance to add to their spans:
    the tree's when it is made, else those of the declaration holding `offset` (or of the module's
    function or import holding it) parsed alone."""
    if f.tree.built or not f.decls:
        return f.tree.items, 0
    items: Sequence[Decl | ImportDecl | FuncDecl] = f.decls
    holder: Decl | ImportDecl | FuncDecl | None = None
    while True:
        i = bisect.bisect_right(items, offset, key=lambda d: d.span.start) - 1
        if i < 0 or offset >= items[i].span.end:
            break
        holder = items[i]
        if not isinstance(holder, ModuleDecl):
            break
        items = holder.order
    if holder is None:
        return f.tree.items, 0
    start, end = holder.span
    return parse(f.text[start:end], f.path).items, start


def _moved(span: Span, delta: int) -> Span:
    return Span(span.start + delta, span.end + delta) if delta else span


def type_node(analysis: Analysis, name: FileSpan | None) -> tuple[FileSpan, Node, int] | None:
    """The item after the `$name` at `name` in its list, and the distance from its spans to
    the file's."""
    if name is None:
        return None
    f = analysis.files.get(name.path)
    if f is None:
        return None
    items, delta = _items_around(f, name.span.start)
    parent, i = _list_holding(items, name.span.start - delta)
    if parent is None or i + 1 >= len(parent.items):
        return None
    node = parent.items[i + 1]
    return FileSpan(name.path, _moved(node.span, delta)), node, delta


def type_span(analysis: Analysis, name: FileSpan | None) -> FileSpan | None:
    found = type_node(analysis, name)
    return found[0] if found is not None else name


def keyword_span(analysis: Analysis, name: FileSpan | None, keyword: str) -> FileSpan | None:
    """The first atom `keyword` inside the type after `name` (pre-order), else the type, else the name."""
    return _first_in_type(analysis, name, lambda n: isinstance(n, Atom) and n.text == keyword)


def form_span(analysis: Analysis, name: FileSpan | None, head: str) -> FileSpan | None:
    """The first list `(head …)` inside the type after `name`, else the type, else the name."""
    return _first_in_type(analysis, name, lambda n: isinstance(n, SList) and n.head_is(head))


def _first_in_type(analysis: Analysis, name: FileSpan | None, matches: Callable[[Node], bool]) -> FileSpan | None:
    """The first node inside the type after `name` (pre-order) that `matches`, else the type,
    else the name."""
    found = type_node(analysis, name)
    if found is None:
        return name
    fspan, node, delta = found
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if matches(n):
            return FileSpan(fspan.path, _moved(n.span, delta))
        if isinstance(n, SList):
            stack.extend(reversed(n.items))
    return fspan


__all__ = ["form_span", "keyword_span", "type_node", "type_span"]

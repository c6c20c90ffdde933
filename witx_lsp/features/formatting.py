"""Document and range formatting: one canonical layout of witx text.

The layout (the style of the WASI preview1 witx files, WebAssembly/WASI
preview1/witx/*.witx):

* Only whitespace between tokens changes. Every token and every comment keeps
  its text and its order, so the tree, the documentation (docs attach to the
  comments before an item, witx-language.md §2), the model and the diagnostics
  stay the same. Multi-line block comments are copied verbatim (their inner
  lines keep their indentation: it is part of the comment's text).
* Top-level forms are separated by exactly one blank line and start in column 0.
* A form is printed on one line when it holds no comment, is not a block form
  and fits in 100 columns; otherwise it is broken: its header stays on the
  line of its `(` (`typename $name`, `field $name`, `enum (@witx tag u8)`,
  `@interface func (export "f")`, …, each header item only if it fits), every
  other member goes on its own line indented by 2 more, and the `)` goes on a
  line of its own at the form's indentation.
* Block forms are always broken: the `record`/`variant`/`enum`/`flags`/`union`
  body of a `typename` (when it has members), a `module` with items, and an
  `@interface func` with params, results or `noreturn`.
* Comments stay where they are relative to the tokens: a comment that follows
  a token on the same source line stays at the end of that line; any other
  comment goes on its own line above the next item, at that item's
  indentation. Blank lines between members are kept, at most one; a doc
  comment sits directly above its item (blank lines after the last doc comment
  of an item are dropped).
* The file ends with one newline; the line ending is the file's first one
  (`\\r\\n` or `\\n`).

Formatting is refused (no edits) when the file has syntax errors
(`tree.errors`), when it is nested more deeply than the printer handles, or
when re-parsing the output does not give exactly the same tokens and comments
(a safety net: formatting must never change meaning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

MAX_WIDTH = 100
INDENT = 2
MAX_DEPTH = 200  # deeper trees are refused rather than risking the recursion limit
_STRUCT_FORMS = frozenset({"record", "variant", "enum", "flags", "union"})
# How many items (the keyword included) stay on the line of the `(` when a form is broken.
_HEADER = {"typename": 3, "module": 2, "field": 3, "case": 3, "param": 3, "result": 3, "import": 3, "use": 2,
           "@witx": 2, "list": 2, "expected": 1, "tuple": 1, "record": 1, "error": 2}
_NEWLINE = re.compile(r"\r\n|\r|\n")

Edit = tuple[Span, str]


@dataclass(frozen=True, slots=True)
class Formatted:
    """The canonical text and, per top-level item, its span in the source and
    in the output (from its first own-line comment to its `)`)."""

    text: str
    regions: tuple[tuple[Span, Span], ...]


def format_text(text: str, tree: SourceTree | None = None) -> Formatted | None:
    """The canonical layout of `text`, or None when it must not be formatted."""
    if tree is None:
        tree = parse(text)
    if tree.errors or _depth(tree) > MAX_DEPTH:
        return None
    m = _NEWLINE.search(text)
    newline = "\r\n" if m is not None and m.group() == "\r\n" else "\n"
    printer = _Printer(text, newline)
    printer.top_level(tree)
    out = printer.result()
    if token_stream(parse(out)) != token_stream(tree):
        return None  # never change meaning: refuse instead
    return Formatted(out, tuple(printer.regions))


def format_document(text: str, tree: SourceTree | None = None) -> list[Edit] | None:
    """Edits that turn `text` into its canonical layout: [] when it already is,
    None when it cannot be formatted safely (syntax errors)."""
    f = format_text(text, tree)
    if f is None:
        return None
    return _minimal_edit(text, f.text, 0, len(text))


def format_range(text: str, span: Span, tree: SourceTree | None = None) -> list[Edit] | None:
    """Edits that format the top-level forms intersecting `span`."""
    f = format_text(text, tree)
    if f is None:
        return None
    edits: list[Edit] = []
    for src, out in f.regions:
        if src.start <= span.end and span.start <= src.end:
            edits.extend(_minimal_edit(text[src.start:src.end], f.text[out.start:out.end], src.start, src.end))
    return edits


def _minimal_edit(old: str, new: str, start: int, end: int) -> list[Edit]:
    """One edit covering only what differs between `old` (at start..end) and `new`."""
    if old == new:
        return []
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return [(Span(start + p, end - s), new[p:len(new) - s])]


def _depth(tree: SourceTree) -> int:
    deepest = 0
    stack: list[tuple[Node, int]] = [(n, 1) for n in tree.items]
    while stack:
        node, d = stack.pop()
        if isinstance(node, SList):
            deepest = max(deepest, d)
            stack.extend((c, d + 1) for c in node.items)
    return deepest


def token_stream(tree: SourceTree) -> list[str]:
    """Tokens and comments in source order (what formatting must preserve)."""
    out: list[str] = []

    def comments(cs: list[Comment]) -> None:
        out.extend("c" + c.text.rstrip("\r") for c in cs)

    stack: list[Node | str] = list(reversed(tree.items))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            continue
        comments(node.leading)
        if isinstance(node, Atom):
            out.append("a" + node.text)
            continue
        out.append("(")
        stack.append(")")
        stack.extend(reversed([*node.items, *[f"c{c.text.rstrip(chr(13))}" for c in node.trailing]]))
    comments(tree.trailing)
    out.extend("e" for e in tree.errors)
    return out


def _members(lst: SList) -> int:
    """Members of a struct form, after its keyword and optional tag/repr annotation."""
    skip = 1
    if len(lst.items) > 1:
        first = lst.items[1]
        if isinstance(first, SList) and first.head is not None and first.head.text == "@witx":
            skip = 2
    return len(lst.items) - skip


def _is_block(node: SList, parent_head: str) -> bool:
    head = node.head.text if node.head is not None else ""
    if head in _STRUCT_FORMS:
        return parent_head == "typename" and _members(node) > 0
    if head == "module":
        return len(node.items) > 2
    if head == "@interface":
        return len(node.items) > 3
    return False


def _header(node: SList) -> int:
    head = node.head
    if head is None:
        return 1
    if head.text in ("enum", "flags", "variant", "union"):
        return len(node.items) - _members(node)
    if head.text == "@interface":
        return 3
    return _HEADER.get(head.text, 1)


class _Printer:
    def __init__(self, text: str, newline: str) -> None:
        self.text = text
        self.newline = newline
        self.lines: list[str] = []
        self.line = ""
        self.indent = 0
        self.break_pending = False  # a line comment ended the current line
        self.out_len = 0  # length of the completed lines, their newlines included
        self.regions: list[tuple[Span, Span]] = []
        self._flat: dict[int, str | None] = {}

    # --- output ------------------------------------------------------------------------------

    def result(self) -> str:
        self.flush()
        if not self.lines:
            return ""
        return self.newline.join(self.lines) + self.newline

    def flush(self) -> None:
        if self.line.strip():
            self.out_len += len(self.line) + len(self.newline)
            self.lines.append(self.line)
        self.line = ""

    def start_line(self, indent: int, blank: bool = False) -> None:
        """Continue on a fresh line at `indent` (an optional blank line first)."""
        self.flush()
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")
            self.out_len += len(self.newline)
        self.indent = indent
        self.line = " " * indent
        self.break_pending = False

    @property
    def fresh(self) -> bool:
        return not self.line.strip()

    @property
    def offset(self) -> int:
        """Output offset of the next character put."""
        return self.out_len + len(self.line)

    @property
    def column(self) -> int:
        return len(_NEWLINE.split(self.line)[-1])

    def put(self, s: str, comment: bool = False) -> None:
        if self.break_pending:
            self.start_line(self.indent)
        if not self.fresh and (comment or not (self.line.endswith("(") or s.startswith(")"))):
            self.line += " "
        self.line += s

    def put_comment(self, c: Comment) -> None:
        if c.kind is TokenKind.LINE_COMMENT:
            self.put(c.text[:-1] if c.text.endswith("\r") else c.text, comment=True)
            self.break_pending = True
        else:
            self.put(c.text, comment=True)

    # --- source facts ------------------------------------------------------------------------

    def same_line(self, offset: int) -> bool:
        """Whether something precedes `offset` on its source line."""
        i = offset - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        return i >= 0 and self.text[i] not in "\r\n"

    def blank_before(self, offset: int) -> bool:
        """Whether a blank line precedes `offset` in the source."""
        i = offset - 1
        newlines = 0
        while i >= 0 and self.text[i] in " \t\r\n":
            if self.text[i] == "\n" or (self.text[i] == "\r" and self.text[i + 1:i + 2] != "\n"):
                newlines += 1
            i -= 1
        return newlines >= 2 and i >= 0

    # --- layout ------------------------------------------------------------------------------

    def flat(self, node: Node, parent_head: str) -> str | None:
        """The one-line text of a node, or None when it must be broken."""
        if isinstance(node, Atom):
            return node.text
        key = id(node)
        if key in self._flat:
            return self._flat[key]
        result: str | None = None
        if not node.trailing and not _is_block(node, parent_head):
            head = node.head.text if node.head is not None else ""
            parts: list[str] = []
            for item in node.items:
                f = None if item.leading else self.flat(item, head)
                if f is None:
                    break
                parts.append(f)
            else:
                result = "(" + " ".join(parts) + ")"
        self._flat[key] = result
        return result

    def fits(self, s: str) -> bool:
        return self.column + (0 if self.fresh or self.line.endswith("(") else 1) + len(s) <= MAX_WIDTH

    def comments(self, cs: list[Comment], indent: int, body_started: bool) -> tuple[bool, Comment | None]:
        """Print the comments before an item. Returns whether any went on a line
        of its own, and the last comment."""
        own = False
        last: Comment | None = None
        for c in cs:
            if not own and not self.fresh and self.same_line(c.start):
                self.put_comment(c)
            else:
                self.start_line(indent, blank=(own or body_started) and self.blank_before(c.start))
                self.put_comment(c)
                own = True
            last = c
        return own, last

    def node(self, node: Node, indent: int, parent_head: str) -> None:
        if isinstance(node, Atom):
            self.put(node.text)
            return
        f = self.flat(node, parent_head)
        if f is not None and self.fits(f):
            self.put(f)
        else:
            self.broken(node, indent)

    def item_line(self, item: Node, indent: int, own: bool, last: Comment | None, body_started: bool) -> None:
        """Start the line of a member that does not stay on the header line."""
        if own:
            blank = last is not None and not last.is_doc and self.blank_before(item.start)
        else:
            blank = body_started and self.blank_before(item.start)
        self.start_line(indent, blank)

    def broken(self, node: SList, indent: int) -> None:
        self.put("(")
        inner = indent + INDENT
        head = node.head.text if node.head is not None else ""
        header = _header(node)
        on_header = True
        body_started = False
        for i, item in enumerate(node.items):
            own, last = self.comments(item.leading, inner, body_started)
            if own:
                on_header = False
                body_started = True
            if on_header and not self.break_pending:
                if i == 0:
                    self.node(item, inner, head)
                    continue
                f = self.flat(item, head)
                if i < header and f is not None and self.fits(f):
                    self.put(f)
                    continue
            on_header = False
            self.item_line(item, inner, own, last, body_started)
            self.node(item, inner, head)
            body_started = True
        if on_header and not node.trailing and not self.break_pending:
            self.put(")")  # everything fitted on the first line (a block comment forced the break)
            return
        self.comments(node.trailing, inner, body_started)
        self.start_line(indent)
        self.put(")")

    def top_level(self, tree: SourceTree) -> None:
        for i, item in enumerate(tree.items):
            cs = item.leading
            k = 0
            if i > 0:  # comments that end the previous form's line
                while k < len(cs) and not self.break_pending and self.same_line(cs[k].start):
                    self.put_comment(cs[k])
                    k += 1
            src_start = cs[k].start if k < len(cs) else item.start
            own = cs[k:]
            self.start_line(0, blank=i > 0)
            out_start = self.offset
            for j, c in enumerate(own):
                if j > 0:
                    self.start_line(0, blank=self.blank_before(c.start))
                self.put_comment(c)
            if own:
                self.start_line(0, blank=not own[-1].is_doc and self.blank_before(item.start))
            self.node(item, 0, "")
            self.regions.append((Span(src_start, item.end), Span(out_start, self.offset)))
        trailing = tree.trailing
        k = 0
        while tree.items and k < len(trailing) and not self.break_pending and self.same_line(trailing[k].start):
            self.put_comment(trailing[k])
            k += 1
        for j, c in enumerate(trailing[k:]):
            self.start_line(0, blank=(j > 0 or bool(tree.items)) and self.blank_before(c.start))
            self.put_comment(c)

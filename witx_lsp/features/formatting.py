"""Document and range formatting that respects the author's layout.

The formatter works on the source's own lines and changes only what is wrong:

* Line breaks are the author's: lines are never joined or split. Every token
  keeps its text and order (checked: the token stream of the result equals the
  source's, or nothing is changed). Comments and strings are copied byte for
  byte (only `trim_trailing_whitespace` may drop spaces at the end of a line).
* Spacing inside a line: no space after `(` or before `)`, one space where
  other tokens are apart (`( typename  $a u32 )` -> `(typename $a u32)`; tokens
  that touch, as in fastly's `func(export "close")`, stay touching). The
  whitespace next to a comment is the author's (aligned comments stay aligned).
* Indentation is changed only where it contradicts the nesting. A line's
  indentation is accepted when it follows any consistent style, with `u` the
  indentation unit (FormattingOptions.tabSize), `d` the number of lists open
  at the line's first token and `P` the line that opened the innermost of them:
    - a line at the top level: column 0;
    - any other line: `d*u` (the nesting depth, the WASI and fastly style),
      `indent(P)+u` (one unit beyond the opening line), the column after the
      list's `(` (Lisp: aligned with the head) or the column of the list's
      second item when that item is on `P` (aligned with the first argument);
    - a line starting with `)`: `indent(P)`, the `(`'s column, `(d-1)*u`, or the
      contents' indentation (`indent(P)+u`, `d*u`: a closing paren under the
      last member);
    - a comment line: as a line at its place, or as the line after it (a comment
      above a `)` may sit at the `)`'s indentation).
  The styles relative to P are checked against where the line lands when it
  moves along with P (should P have been re-indented, its block keeps its
  shape); `d*u` is checked against the line as it is. An accepted line only has
  its whitespace rewritten in the configured characters (tabs, or tabs up to
  P's indentation and spaces for alignment past it; or spaces); any other line
  moves to `indent(P)+u` (a `)` line: to `indent(P)`), `indent(P)` being P's
  indentation after formatting. A line that starts with a block comment running
  over several lines keeps its indentation (the comment's other lines could not
  follow it).
  How the upstream files indent (measured on ../shared/corpus): WASI preview1
  (2 spaces) and fastly's compute-at-edge ABI (4 spaces) follow `d*u` on every
  line, with a `)` line at `(d-1)*u`, doc comments at their item's depth and
  continuation lines one level deeper than the line they continue; no file of
  the corpus aligns Lisp-style, but that style is consistent too.
* Blank lines are kept; only runs longer than `max_blank_lines` are shortened.
  `trim_trailing_whitespace`, `insert_final_newline` and `trim_final_newlines`
  are applied when asked for, as LSP FormattingOptions define them.
* The result is idempotent; edits cover only the lines that change.

Formatting is refused (None: no edits) when the file has syntax errors.

With the defaults (unit 2, spaces) the WASI preview1 files are unchanged; with
unit 4 so are fastly's compute-at-edge files (`tests/features/test_formatting_corpus.py`).
`format_options.infer_options` finds a file's own unit (what `witx-lsp format` uses).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from witx_lsp.base.span import Span
from witx_lsp.features.format_options import FormatOptions, Line, display_width, leading_blanks, split_lines
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.scanner import Token, tokens
from witx_lsp.syntax.tree import Atom, Comment, Node, SourceTree, TokenKind

Edit = tuple[Span, str]
# Plain module constants: looking enum members up on their class costs more, per token.
_LPAR, _RPAR = TokenKind.LPAR, TokenKind.RPAR
_COMMENTS = frozenset((TokenKind.LINE_COMMENT, TokenKind.BLOCK_COMMENT))
_TRAILING = re.compile(r"[ \t]+(?=\r\n|\r|\n|$)")


@dataclass(slots=True)
class _Open:
    """A list open at some point: where its `(` is (line, column after formatting)."""

    line: int
    col: int
    children: int = 0
    align: int | None = None  # column of its second item when that is on the `(`'s line


@dataclass(slots=True)
class _Layout:
    """One pass over the lines: their new contents (None: deleted)."""

    text: str
    opts: FormatOptions
    toks: list[Token]
    lines: list[Line]
    new: list[str | None] = field(default_factory=list)
    indent: list[int] = field(default_factory=list)  # width of each line's indentation after formatting
    old_indent: list[int] = field(default_factory=list)  # and before
    blank: list[bool] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    unit: int = 1

    def run(self) -> None:
        self.unit = self.opts.unit
        ti = 0
        covered_to = 0  # a token that started on an earlier line runs to here
        for li, line in enumerate(self.lines):
            first = ti
            while ti < len(self.toks) and self.toks[ti].start < line.end:
                ti += 1
            content, covered_to = self.line(li, line, first, ti, covered_to)
            if self.opts.trim_trailing_whitespace:
                content = content.rstrip(" \t")
            self.new.append(content)
            self.blank.append(line.start >= covered_to and first == ti and not content.strip(" \t"))
        self.blank_lines()

    def line(self, li: int, line: Line, first: int, last: int, covered_to: int) -> tuple[str, int]:
        """The new content of one line (tokens first..last start on it) and how far the
        last of them runs."""
        text = self.text
        if first == last:  # no token starts here: blank, or inside a block comment
            content = text[line.start:line.end]
            self.indent.append(display_width(leading_blanks(content), self.unit))
            self.old_indent.append(self.indent[-1])
            return content, covered_to
        toks = self.toks[first:last]
        lead = text[line.start:toks[0].start]
        # Inside or starting a multi-line comment, the indentation is the author's.
        verbatim = line.start < covered_to or toks[0].end > line.end
        indentation = lead if verbatim else self.indentation(lead, first)
        self.indent.append(display_width(indentation, self.unit))
        self.old_indent.append(display_width(lead, self.unit))
        parts = [indentation]
        cols = []
        width = len(indentation)
        for k, t in enumerate(toks):
            if k:
                gap = self.gap(toks[k - 1], t)
                parts.append(gap)
                width += len(gap)
            cols.append(width)
            piece = text[t.start:t.end] if t.end <= line.end else text[t.start:line.end]
            parts.append(piece)
            width += len(piece)
        end = toks[-1].end
        if end >= line.end:
            covered_to = end
        else:
            parts.append(text[end:line.end])
        content = "".join(parts)
        self.track(li, toks, [display_width(content[:c], self.unit) for c in cols] if "\t" in content else cols)
        return content, covered_to

    def gap(self, a: Token, b: Token) -> str:
        if a.kind in _COMMENTS or b.kind in _COMMENTS:
            return self.text[a.end:b.start]
        if a.kind is _LPAR or b.kind is _RPAR or a.end == b.start:
            return ""  # `( x )` -> `(x)`; `func(export` and `)(` are the author's
        return " "

    def track(self, li: int, toks: list[Token], cols: list[int]) -> None:
        """Follow the lists opened and closed by a line's tokens."""
        stack = self.stack
        for t, col in zip(toks, cols, strict=True):
            if t.kind in _COMMENTS:
                continue
            if t.kind is _RPAR:
                if stack:
                    stack.pop()
                continue
            if stack:
                parent = stack[-1]
                parent.children += 1
                if parent.children == 2 and parent.line == li:
                    parent.align = col
            if t.kind is _LPAR:
                stack.append(_Open(li, col))

    def accepted(self, closing: bool) -> tuple[int, set[int], set[int]]:
        """The indentation a line gets when its own contradicts the nesting, and the
        ones that do not: relative to the opening line (to compare with the line's
        position after its parent moved) and by the depth alone."""
        if not self.stack:
            return 0, {0}, {0}
        u = self.unit
        d = len(self.stack)
        top = self.stack[-1]
        base = self.indent[top.line]
        if closing:
            return base, {base, base + u, top.col}, {(d - 1) * u, d * u}
        relative = {base + u, top.col + 1}
        if top.align is not None:
            relative.add(top.align)
        return base + u, relative, {d * u}

    def indentation(self, lead: str, ti: int) -> str:
        tok = self.toks[ti]
        target, relative, absolute = self.accepted(tok.kind is _RPAR)
        if tok.kind in _COMMENTS:
            j = ti + 1
            while j < len(self.toks) and self.toks[j].kind in _COMMENTS:
                j += 1
            if j < len(self.toks) and self.toks[j].kind is _RPAR:
                _, more_relative, more_absolute = self.accepted(True)
                relative |= more_relative
                absolute |= more_absolute
        w = display_width(lead, self.unit)
        if not self.stack:
            return self.opts.indentation(0)
        top = self.stack[-1].line
        moved = w + self.indent[top] - self.old_indent[top]  # the line where its moved parent takes it
        ok = relative | absolute
        width = moved if moved in ok else w if w in absolute else target
        # With tabs, a line aligned past its parent may be the parent's tabs and then spaces.
        base = self.indent[top]
        if width >= base and lead == self.opts.indentation(base) + " " * (width - base):
            return lead
        return self.opts.indentation(width)

    def blank_lines(self) -> None:
        """Shorten long runs of blank lines; trim blank lines at the end when asked."""
        run = 0
        for i, b in enumerate(self.blank):
            run = run + 1 if b else 0
            if run > self.opts.max_blank_lines:
                self.new[i] = None
        if self.opts.trim_final_newlines and not all(self.blank):
            i = len(self.blank) - 1
            while self.blank[i]:
                self.new[i] = None
                i -= 1

    def segments(self) -> list[str]:
        """Each line's new text with its terminator ('' when deleted)."""
        out = [c + line.term if c is not None else "" for c, line in zip(self.new, self.lines, strict=True)]
        if self.opts.insert_final_newline:
            last = max((i for i, c in enumerate(self.new) if c is not None), default=-1)
            if last >= 0 and self.lines[last].term == "" and self.new[last]:
                out[last] += self.lines[0].term or "\n"
        return out


def _comparable(text: str, toks: list[Token]) -> list[tuple[TokenKind | None, str]]:
    """The tokens formatting must preserve (comments without trailing blanks on their lines)."""
    return [(t.kind, _TRAILING.sub("", text[t.start:t.end]) if t.kind in _COMMENTS else text[t.start:t.end])
            for t in toks]


def _layout(text: str, options: FormatOptions, tree: SourceTree | None) -> tuple[_Layout, list[str]] | None:
    if tree is None:
        tree = parse(text)
    if tree.errors:
        return None
    toks = list(tokens(text))
    if any(t.kind is None for t in toks):
        return None
    layout = _Layout(text, options, toks, split_lines(text))
    layout.run()
    segments = layout.segments()
    out = "".join(segments)
    if out != text and _comparable(out, list(tokens(out))) != _comparable(text, toks):
        return None  # never change meaning: refuse instead
    return layout, segments


def format_text(text: str, options: FormatOptions | None = None, tree: SourceTree | None = None) -> str | None:
    """The formatted text, or None when `text` must not be formatted."""
    done = _layout(text, options or FormatOptions(), tree)
    return "".join(done[1]) if done is not None else None


def format_document(text: str, options: FormatOptions | None = None,
                    tree: SourceTree | None = None) -> list[Edit] | None:
    """Edits that format `text`: [] when nothing is wrong, None when it cannot be
    formatted safely (syntax errors)."""
    done = _layout(text, options or FormatOptions(), tree)
    if done is None:
        return None
    return _edits(text, done[0].lines, done[1], lambda _: True)


def format_range(text: str, span: Span, options: FormatOptions | None = None,
                 tree: SourceTree | None = None) -> list[Edit] | None:
    """Edits that format the lines intersecting `span`."""
    done = _layout(text, options or FormatOptions(), tree)
    if done is None:
        return None
    lines = done[0].lines
    # A selection of whole lines ends at the start of the next line, which it does not select.
    end = span.end - 1 if span.end > span.start and any(line.start == span.end for line in lines) else span.end
    return _edits(text, lines, done[1], lambda i: lines[i].start <= end and span.start <= lines[i].end)


def _edits(text: str, lines: list[Line], segments: list[str], wanted: Callable[[int], bool]) -> list[Edit]:
    """One edit per run of changed lines, trimmed to what differs."""
    edits: list[Edit] = []
    i = 0
    n = len(lines)
    while i < n:
        if not wanted(i) or segments[i] == text[lines[i].start:lines[i].end + len(lines[i].term)]:
            i += 1
            continue
        j = i
        while j + 1 < n and wanted(j + 1) and segments[j + 1] != text[lines[j + 1].start:
                                                                        lines[j + 1].end + len(lines[j + 1].term)]:
            j += 1
        start, end = lines[i].start, lines[j].end + len(lines[j].term)
        old, new = text[start:end], "".join(segments[i:j + 1])
        p = 0
        limit = min(len(old), len(new))
        while p < limit and old[p] == new[p]:
            p += 1
        s = 0
        while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
            s += 1
        edits.append((Span(start + p, end - s), new[p:len(new) - s]))
        i = j + 1
    return edits


def token_stream(tree: SourceTree) -> list[str]:
    """Tokens and comments of a parsed tree in source order (what an edit that only
    moves whitespace must preserve; code actions check their rewrites with it)."""
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

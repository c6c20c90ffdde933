"""Formatting options (LSP FormattingOptions) and the line and width helpers the
formatter and the indentation inference share; `infer_options` finds the
indentation a file itself uses (what `witx-lsp format` formats with)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from witx_lsp.syntax.scanner import tokens
from witx_lsp.syntax.tree import TokenKind

_NEWLINE = re.compile(r"\r\n|\r|\n")
MAX_TAB_SIZE = 16


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """LSP FormattingOptions (tabSize is the width of one indentation level)."""

    tab_size: int = 2
    insert_spaces: bool = True
    trim_trailing_whitespace: bool = False
    insert_final_newline: bool = False
    trim_final_newlines: bool = False
    max_blank_lines: int = 2

    @property
    def unit(self) -> int:
        return max(1, min(self.tab_size, MAX_TAB_SIZE))

    def indentation(self, width: int) -> str:
        """Whitespace `width` columns wide in the configured characters."""
        if self.insert_spaces:
            return " " * width
        return "\t" * (width // self.unit) + " " * (width % self.unit)


def display_width(s: str, tab: int) -> int:
    """Display width of `s` (tabs to the next multiple of `tab`)."""
    if "\t" not in s:
        return len(s)
    col = 0
    for ch in s:
        col = (col // tab + 1) * tab if ch == "\t" else col + 1
    return col


def leading_blanks(s: str) -> str:
    """The leading blanks of `s`."""
    return s[:len(s) - len(s.lstrip(" \t"))]


@dataclass(slots=True)
class Line:
    """One line of a text: its content is text[start:end], then its line break."""

    start: int
    end: int  # end of the content, before the terminator
    term: str


def split_lines(text: str) -> list[Line]:
    """The lines of `text` as LSP counts them (`\\n`, `\\r\\n` and `\\r` end a line)."""
    out: list[Line] = []
    pos = 0
    for m in _NEWLINE.finditer(text):
        out.append(Line(pos, m.start(), m.group()))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(Line(pos, len(text), ""))  # the last line, unless the text ends with a line break
    return out


def infer_options(text: str, base: FormatOptions | None = None) -> FormatOptions:
    """`base` with the indentation `text` itself uses: tabs when most indented lines
    start with one; otherwise the unit `u` that most lines follow as `depth*u`, else the
    most common step from the line that opened a line's innermost list; `base`'s when
    nothing is indented."""
    base = base or FormatOptions()
    votes: Counter[int] = Counter()
    steps: Counter[int] = Counter()
    tabs = spaces = 0
    lead_width: list[int] = []
    stack: list[int] = []  # the line of each open `(`
    toks = [t for t in tokens(text) if t.kind is not None]
    ti = 0
    for li, line in enumerate(split_lines(text)):
        lead = leading_blanks(text[line.start:line.end])
        lead_width.append(display_width(lead, 8))
        first = ti
        while ti < len(toks) and toks[ti].start < line.end:
            ti += 1
        if lead and stack and first < ti and toks[first].start == line.start + len(lead) \
                and toks[first].kind is not TokenKind.RPAR:
            tabs += lead.startswith("\t")
            spaces += lead.startswith(" ")
            if lead_width[li] % len(stack) == 0 and lead_width[li] // len(stack) <= MAX_TAB_SIZE:
                votes[lead_width[li] // len(stack)] += 1
            if 0 < lead_width[li] - lead_width[stack[-1]] <= MAX_TAB_SIZE:
                steps[lead_width[li] - lead_width[stack[-1]]] += 1
        for t in toks[first:ti]:
            if t.kind is TokenKind.LPAR:
                stack.append(li)
            elif t.kind is TokenKind.RPAR and stack:
                stack.pop()
    if tabs > spaces:
        return replace(base, tab_size=8, insert_spaces=False)
    counts = votes or steps
    if not counts:
        return base
    best = max(counts.values())
    return replace(base, tab_size=min(u for u, c in counts.items() if c == best), insert_spaces=True)

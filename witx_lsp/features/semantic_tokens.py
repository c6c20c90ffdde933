"""Semantic tokens (full and delta) of one witx file.

Tokens are classified from the syntax tree alone (the position of an atom in
its form), so they are the same whatever context the file is analysed in and
also cover names the analysis could not resolve. Builtin types are `type` with
the `defaultLibrary` modifier; annotations (`@witx`, `@interface` and the word
after `@witx`) are `decorator`; doc comments (`;;;`, `(;; ;)`) are `comment`
with the `documentation` modifier. Positions are in the negotiated encoding's
units, and a token never spans lines: a multi-line block comment is split into
one token per line (LSP: "a token cannot be multiline" unless the client says
otherwise).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from witx_lsp.base.text import LineIndex, PositionEncoding
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.lower_base import BUILTIN_TYPE_WORDS
from witx_lsp.syntax.tree import Atom, SList, SourceTree, TokenKind

TOKEN_TYPES: tuple[str, ...] = ("type", "enumMember", "property", "function", "namespace", "keyword", "decorator",
                                "comment", "string", "number", "parameter")
TOKEN_MODIFIERS: tuple[str, ...] = ("declaration", "documentation", "defaultLibrary")
_TYPE_INDEX = {t: i for i, t in enumerate(TOKEN_TYPES)}
_MOD_BIT = {m: 1 << i for i, m in enumerate(TOKEN_MODIFIERS)}

# `(head $name …)`: the token type of the name declared at index 1.
_DECLARES = {"typename": "type", "module": "namespace", "field": "property", "case": "enumMember",
             "param": "parameter", "result": "parameter", "flag": "property", "empty": "enumMember"}


@dataclass(frozen=True, slots=True)
class SemanticToken:
    start: int  # code-point offsets
    end: int
    type: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeltaEdit:
    start: int  # index into the previous data array
    delete_count: int
    data: tuple[int, ...]


def classify(tree: SourceTree) -> list[SemanticToken]:
    """Every token of the tree worth colouring, in source order."""
    out: list[SemanticToken] = []
    for c in tree.comments:
        out.append(SemanticToken(c.start, c.end, "comment", ("documentation",) if c.is_doc else ()))
    stack: list[tuple[SList, str]] = [(n, "") for n in tree.items if isinstance(n, SList)]
    for n in tree.items:
        if isinstance(n, Atom):
            _atom(out, n, None, 0, "")
    while stack:
        lst, parent_head = stack.pop()
        for i, item in enumerate(lst.items):
            if isinstance(item, SList):
                stack.append((item, lst.head.text if lst.head is not None else ""))
            else:
                _atom(out, item, lst, i, parent_head)
    out.sort(key=lambda t: (t.start, t.end))
    return out


def _atom(out: list[SemanticToken], a: Atom, lst: SList | None, i: int, parent_head: str) -> None:
    head = lst.head.text if lst is not None and lst.head is not None else ""
    kind = a.kind
    if kind is TokenKind.STRING:
        if head == "export" and parent_head == "@interface":
            out.append(SemanticToken(a.start, a.end, "function", ("declaration",)))
        else:
            out.append(SemanticToken(a.start, a.end, "string"))
    elif kind is TokenKind.NUMBER:
        out.append(SemanticToken(a.start, a.end, "number"))
    elif kind is TokenKind.ANNOTATION:
        out.append(SemanticToken(a.start, a.end, "decorator"))
    elif kind is TokenKind.KEYWORD:
        if head == "@witx" and i == 1:
            out.append(SemanticToken(a.start, a.end, "decorator"))
        elif a.text in BUILTIN_TYPE_WORDS and i > 0:
            out.append(SemanticToken(a.start, a.end, "type", ("defaultLibrary",)))
        else:
            out.append(SemanticToken(a.start, a.end, "keyword"))
    elif kind is TokenKind.ID:
        out.append(SemanticToken(a.start, a.end, *_id_role(head, i, lst)))


def _id_role(head: str, i: int, lst: SList | None) -> tuple[str, tuple[str, ...]]:
    if i == 1 and head in _DECLARES:
        return _DECLARES[head], ("declaration",)
    if head == "enum":
        return "enumMember", ("declaration",)
    if head == "flags":
        return "property", ("declaration",)
    if head == "@witx" and lst is not None and len(lst.items) > 1 and isinstance(lst.items[1], Atom) \
            and lst.items[1].text == "const":
        return ("enumMember", ("declaration",)) if i == 3 else ("type", ())
    return "type", ()  # a type reference (typename body, field type, tag, list element, …)


def encode(tokens: list[SemanticToken], lines: LineIndex, encoding: PositionEncoding) -> list[int]:
    """The LSP integer array (relative line and start, length, type, modifiers),
    one token per line segment, in the units of `encoding`."""
    data: list[int] = []
    prev_line = prev_char = 0
    starts = lines.starts
    line_info: dict[int, tuple[int, bool]] = {}  # line -> (end of content, ASCII only)
    for t in tokens:
        mods = 0
        for m in t.modifiers:
            mods |= _MOD_BIT[m]
        ttype = _TYPE_INDEX[t.type]
        start = t.start
        while start < t.end:
            line = bisect.bisect_right(starts, start) - 1
            info = line_info.get(line)
            if info is None:
                content = lines.line_text(line)
                info = line_info[line] = (starts[line] + len(content), content.isascii())
            line_end, ascii_only = info
            seg_end = min(t.end, line_end)
            if seg_end > start:
                if ascii_only:
                    char, length = start - starts[line], seg_end - start
                else:
                    char = lines.position(start, encoding).character
                    length = lines.position(seg_end, encoding).character - char
                delta_char = char - prev_char if line == prev_line else char
                data += [line - prev_line, delta_char, length, ttype, mods]
                prev_line, prev_char = line, char
            if line + 1 >= len(starts):
                break
            start = max(starts[line + 1], seg_end)
    return data


def semantic_tokens(snapshot: Snapshot, encoding: PositionEncoding = PositionEncoding.UTF16) -> list[int]:
    """The full token array of a snapshot's file (empty for an unknown file)."""
    f = snapshot.file
    if f is None:
        return []
    return encode(classify(f.tree), f.lines, encoding)


def delta(previous: list[int], current: list[int]) -> list[DeltaEdit]:
    """The edits turning `previous` into `current` (one edit around the changed
    middle, aligned to whole tokens), or [] when they are equal."""
    if previous == current:
        return []
    n = min(len(previous), len(current))
    p = 0
    while p < n and previous[p] == current[p]:
        p += 1
    p -= p % 5
    s = 0
    while s < n - p and previous[len(previous) - 1 - s] == current[len(current) - 1 - s]:
        s += 1
    s -= s % 5
    return [DeltaEdit(p, len(previous) - p - s, tuple(current[p:len(current) - s]))]

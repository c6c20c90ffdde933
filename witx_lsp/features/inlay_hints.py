"""Inlay hints: record field offsets (`@8`), enum and variant case values
(`= 3`), flag bits (`= 1 << 4`), union case names, and the tag or repr a form
gets when it names none (`(@witx tag u32)`, `(@witx repr u32)`), all as witx
0.9.1 lays them out (WebAssembly/WASI tools/witx/src/layout.rs)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from witx_lsp.base.span import Span
from witx_lsp.features.sexpr_nav import walk
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.layout import engine_for, typename_layout
from witx_lsp.model.types import Cases, NamedType, RecordKind, RecordType, VariantType, visit
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind

V = TypeVar("V")

TYPE = "type"
PARAMETER = "parameter"

_TAGGED = {"enum": "tag", "variant": "tag", "union": "tag", "expected": "tag", "flags": "repr"}
_INTS = frozenset({"u8", "u16", "u32", "u64"})


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int
    label: str
    kind: str  # TYPE or PARAMETER
    tooltip: str = ""
    padding_left: bool = False
    padding_right: bool = False


@dataclass(frozen=True, slots=True)
class InlayOptions:
    offsets: bool = True  # record field offsets
    values: bool = True  # enum/variant values, flag bits, union case names
    tags: bool = True  # implicit default tags and reprs


def inlay_hints(snapshot: Snapshot, span: Span | None = None, options: InlayOptions | None = None) -> list[InlayHint]:
    """The hints whose position lies in `span` (the whole file when None), in
    source order."""
    opts = options or InlayOptions()
    f = snapshot.file
    if f is None or not (opts.offsets or opts.values or opts.tags):
        return []
    text_len = len(f.text)
    want = Span(max(0, span.start), min(text_len, span.end)) if span is not None else Span(0, text_len)
    items = f.tree.items
    first = max(0, bisect.bisect_right(items, want.start, key=lambda n: n.end) - 1)
    hints: list[InlayHint] = []
    for node in items[first:]:
        if node.start > want.end:
            break
        if node.end < want.start or not isinstance(node, SList):
            continue
        if opts.tags:
            hints += _tag_hints(node)
        if (opts.offsets or opts.values) and node.head_is("typename"):
            hints += _member_hints(snapshot, node, opts)
    hints = [h for h in hints if want.start <= h.offset <= want.end]
    hints.sort(key=lambda h: h.offset)
    return hints


def _tag_hints(top: SList) -> list[InlayHint]:
    out = []
    for node, _ in walk([top]):
        if not isinstance(node, SList):
            continue
        head = node.head
        if head is None or head.kind is not TokenKind.KEYWORD or head.text not in _TAGGED:
            continue
        if _has_tag(node):
            continue
        word = _TAGGED[head.text]
        why = ("`expected` always has a `u32` tag" if head.text == "expected"
               else f"no `(@witx {word} …)` is given, so the {word} is `u32`")
        out.append(InlayHint(head.end, f"(@witx {word} u32)", TYPE, f"{why} (witx 0.9.1)", padding_left=True))
    return out


def _has_tag(lst: SList) -> bool:
    """Whether the form names its tag or repr (in 0.9 or in a legacy spelling)."""
    nxt = lst.items[1] if len(lst.items) > 1 else None
    if isinstance(nxt, SList):
        h = nxt.head
        return h is not None and h.text == "@witx"
    return isinstance(nxt, Atom) and nxt.kind is TokenKind.KEYWORD and nxt.text in _INTS


def _member_hints(snapshot: Snapshot, top: SList, opts: InlayOptions) -> list[InlayHint]:
    name = top.items[1] if len(top.items) > 1 else None
    body = top.items[2] if len(top.items) > 2 else None
    if not (isinstance(name, Atom) and name.kind is TokenKind.ID and isinstance(body, SList)):
        return []
    named = snapshot.analysis.document.typename(name.name)
    # Only the definition the model kept (not a redefinition, not one from another file).
    if named is None or named.span is None or named.span.path != snapshot.path \
            or named.span.span.start != name.start or isinstance(named.tref, NamedType):
        return []
    def record(t: RecordType) -> list[InlayHint]:
        if t.kind is RecordKind.BITFLAGS:
            return _flag_hints(body, t) if opts.values else []
        if t.kind is RecordKind.OTHER and opts.offsets:
            return _field_hints(snapshot, named, body)
        return []

    def variant(t: VariantType) -> list[InlayHint]:
        if not opts.values:
            return []
        return _union_hints(snapshot, named, body, t) if t.form == "union" else _case_hints(body, t)

    return visit(named.tref, Cases(builtin=_none, list_=_none, pointer=_none, const_pointer=_none, handle=_none,
                                   record=record, variant=variant))


def _none(_: object) -> list[InlayHint]:
    return []


def _member_atom(node: Node, head: str | None) -> Atom | None:
    """The `$name` of a member: the atom itself, or the name in `(head $name …)`."""
    if head is None:
        return node if isinstance(node, Atom) and node.kind is TokenKind.ID else None
    if isinstance(node, SList) and node.head_is(head) and len(node.items) > 1:
        a = node.items[1]
        return a if isinstance(a, Atom) and a.kind is TokenKind.ID else None
    return None


def _members(body: SList, head: str | None, by_name: Mapping[str, V]) -> Iterator[tuple[Atom, V]]:
    """Each member name written in `body` (`$name`, or `(head $name …)`) that `by_name` knows,
    with what it knows."""
    for item in body.items[1:]:
        a = _member_atom(item, head)
        v = by_name.get(a.name) if a is not None else None
        if a is not None and v is not None:
            yield a, v


def _field_hints(snapshot: Snapshot, named: NamedType, body: SList) -> list[InlayHint]:
    lay = typename_layout(named, engine_for(snapshot.analysis.document))
    if not lay.ok:
        return []
    return [InlayHint(a.end, f"@{m.offset}", TYPE, f"offset {m.offset}, size {m.size}, align {m.align}",
                      padding_left=True)
            for a, m in _members(body, "field", {m.name: m for m in lay.members})]


def _flag_hints(body: SList, rec: RecordType) -> list[InlayHint]:
    bits = {m.name: i for i, m in enumerate(rec.members)}
    return [InlayHint(a.end, f"= 1 << {i}", TYPE, f"bit {i}, mask {1 << i:#x}", padding_left=True)
            for a, i in _members(body, None, bits)]


def _case_hints(body: SList, var: VariantType) -> list[InlayHint]:
    """Enum members and variant cases: the tag value (the model's order, which
    follows a tag enum when there is one)."""
    values = {c.name: i for i, c in enumerate(var.cases)}
    head = "case" if body.head_is("variant") else None
    return [InlayHint(a.end, f"= {v}", TYPE, f"tag value {v} ({var.tag_repr.value})", padding_left=True)
            for a, v in _members(body, head, values)]


def _union_hints(snapshot: Snapshot, named: NamedType, body: SList, var: VariantType) -> list[InlayHint]:
    """Union members are types: show the case each one is, before it."""
    members = [it for it in body.items[1:] if not (isinstance(it, SList) and it.head_is("@witx"))]
    if len(members) != len(var.cases):
        return []
    lay = typename_layout(named, engine_for(snapshot.analysis.document))
    out = []
    for i, (item, case) in enumerate(zip(members, var.cases, strict=True)):
        tip = f"case `{case.name}` = {i}"
        if lay.ok and i < len(lay.cases) and lay.cases[i].payload_size is not None:
            tip += f"; payload at offset {lay.payload_offset}, {lay.cases[i].payload_size} bytes"
        label = f"{case.name}:" if case.name != str(i) else f"{i}:"
        out.append(InlayHint(item.start, label, PARAMETER, tip, padding_right=True))
    return out

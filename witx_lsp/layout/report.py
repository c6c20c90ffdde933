"""Layouts as JSON-ready dicts and as text tables (the `witx-lsp layout` output)."""

from __future__ import annotations

from witx_lsp.layout.engine import Layout
from witx_lsp.model.types import (
    Builtin,
    Cases,
    ListType,
    NamedType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    visit,
)

_LABEL_DEPTH = 3


def type_label(tref: TypeRef | None, depth: int = 0) -> str:
    """A short witx spelling of a type reference: a typename is its name,
    inline types are written out a few levels deep."""
    if tref is None:
        return ""
    if isinstance(tref, NamedType):
        return f"${tref.name}"
    if depth >= _LABEL_DEPTH:
        return "…"
    inner = depth + 1

    def list_(t: ListType) -> str:
        if isinstance(t.element, Builtin) and t.element.kind.value == "char" and not depth:
            return "string"
        return f"(list {type_label(t.element, inner)})"

    def record(t: RecordType) -> str:
        if t.kind is RecordKind.TUPLE:
            return f"(tuple {' '.join(type_label(m.tref, inner) for m in t.members)})".replace(" )", ")")
        return f"({t.form} …)"

    def variant(t: VariantType) -> str:
        if t.form == "bool":
            return "bool"
        pair = t.as_expected() if t.form == "expected" else None
        if pair is None:
            return f"({t.form} …)"
        ok, err = pair
        return f"(expected {f'{type_label(ok, inner)} (error {type_label(err, inner)})'.strip()})".replace(" )", ")")

    return visit(tref, Cases(
        builtin=lambda t: t.witx, list_=list_, record=record, variant=variant, handle=lambda _: "(handle)",
        pointer=lambda t: f"(@witx pointer {type_label(t.pointee, inner)})",
        const_pointer=lambda t: f"(@witx const_pointer {type_label(t.pointee, inner)})"))


def layout_json(lay: Layout) -> dict[str, object]:
    """The JSON contract of `witx-lsp layout --format json` for one type."""
    out: dict[str, object] = {
        "kind": lay.kind,
        "size": lay.size,
        "align": lay.align,
        "members": [{"name": m.name, "offset": m.offset, "size": m.size, "align": m.align} for m in lay.members],
        "flags": list(lay.flags),
        "tag_size": lay.tag_size,
        "payload_offset": lay.payload_offset,
        "cases": [c.name for c in lay.cases],
        # Per case (in `cases` order): its payload's size and alignment, or null for a case without one.
        "payloads": [None if c.payload_size is None else {"size": c.payload_size, "align": c.payload_align}
                     for c in lay.cases],
        "padding": [{"offset": p.offset, "size": p.size} for p in lay.padding],
    }
    if lay.canonical_size is not None:
        out["canonical_size"] = lay.canonical_size
    if lay.target is not None:
        out["target"] = lay.target
    if lay.error is not None:
        out["error"] = lay.error if lay.cause is None or lay.cause == lay.error else f"{lay.error}: {lay.cause}"
    return out


def _header(name: str, lay: Layout) -> str:
    what = f"alias of ${lay.target}" if lay.kind == "alias" else lay.kind
    if not lay.ok:
        cause = f" ({lay.cause})" if lay.cause and lay.cause != lay.error else ""
        return f"${name}: {what}, no layout: {lay.error}{cause}"
    parts = [f"${name}: {what}", f"size {lay.size}", f"align {lay.align}"]
    if lay.tag_size is not None:
        parts.append(f"tag_size {lay.tag_size}")
        if any(c.has_payload for c in lay.cases):
            parts.append(f"payload_offset {lay.payload_offset}")
    if lay.canonical_size is not None and lay.canonical_size != lay.size:
        parts.append(f"canonical size {lay.canonical_size}")
    return ", ".join(parts)


def _row(offset: object, size: object, align: object, name: str, ty: str = "") -> str:
    return f"  {offset!s:>6}  {size!s:>5}  {align!s:>5}  {name:<24} {ty}".rstrip()


def layout_text(name: str, lay: Layout, tref: TypeRef | None = None) -> str:
    """A table of one typename's layout. `tref` (the typename's definition)
    supplies member and payload type names."""
    lines = [_header(name, lay)]
    if not lay.ok or lay.kind == "alias":
        return "\n".join(lines)
    body = tref
    while isinstance(body, NamedType):
        body = body.tref
    if lay.members:
        types = {m.name: type_label(m.tref) for m in body.members} if isinstance(body, RecordType) else {}
        lines.append(_row("offset", "size", "align", "member", "type"))
        rows: list[tuple[int, str]] = [(m.offset, _row(m.offset, m.size, m.align, m.name, types.get(m.name, "")))
                                       for m in lay.members]
        rows += [(p.offset, _row(p.offset, p.size, "", "(padding)")) for p in lay.padding]
        lines += [r for _, r in sorted(rows, key=lambda r: r[0])]
    elif lay.flags:
        lines.append("     bit  flag")
        lines += [f"  {i:>6}  {f}" for i, f in enumerate(lay.flags)]
    elif lay.cases and any(c.has_payload for c in lay.cases):
        payloads = {c.name: type_label(c.tref) for c in body.cases} if isinstance(body, VariantType) else {}
        lines.append(_row("offset", "size", "align", "case", "payload"))
        lines.append(_row(0, lay.tag_size, lay.tag_size, "(tag)"))
        for i, c in enumerate(lay.cases):
            if c.payload_size is None:
                lines.append(_row("", "", "", f"{c.name} = {i}"))
                continue
            end = lay.payload_end(c) or 0
            note = f"  ends at {end}, past size {lay.size}" if end > lay.size else ""
            lines.append(_row(lay.payload_offset, c.payload_size, c.payload_align, f"{c.name} = {i}",
                              payloads.get(c.name, "") + note))
    elif lay.cases:
        lines.append("   value  case")
        lines += [f"  {i:>6}  {c.name}" for i, c in enumerate(lay.cases)]
    return "\n".join(lines)

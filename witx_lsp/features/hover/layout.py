"""Hover text about layouts: a type's summary line and its member or case table (the witx 0.9.1
layout rules, WebAssembly/WASI tools/witx/src/layout.rs at witx 0.9.1)."""

from __future__ import annotations

from witx_lsp.features.hover.options import MAX_MEMBERS, code, size_align
from witx_lsp.layout import Layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.types import (
    Cases,
    NamedType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wiggle.codegen.typeref import is_string

# What the type is, in the words of its surface syntax (a list of `char` is a string, as wiggle has it).
_KIND_WORD: Cases[str] = Cases(
    builtin=lambda t: t.witx, list_=lambda t: "string" if is_string(t) else "list",
    pointer=lambda t: "pointer", const_pointer=lambda t: "const_pointer",
    record=lambda t: t.form, variant=lambda t: t.form, handle=lambda t: "handle")


def kind_word(t: Type) -> str:
    """What the type is, in the words of its surface syntax."""
    return visit(t, _KIND_WORD)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _padding(pad: int) -> str:
    return f"{pad} byte{'s' if pad != 1 else ''} of padding" if pad else "no padding"


def _record_facts(t: RecordType, lay: Layout) -> list[str]:
    if t.kind is not RecordKind.BITFLAGS:
        return [_padding(sum(p.size for p in lay.padding))]
    n = len(t.members)
    return [f"repr {code(t.repr.value if t.repr else 'u32')}",
            _plural(n, "flag") + (f", bits 0–{n - 1}" if n > 1 else "")]


def _variant_facts(t: VariantType, lay: Layout) -> list[str]:
    if t.is_enum():
        n = len(t.cases)
        return [f"tag {code(t.tag_repr.value)}", _plural(n, "case") + (f", values 0–{n - 1}" if n > 1 else "")]
    # The bytes between the tag and the payload hold nothing (when some case has a payload).
    pad = 0
    if lay.tag_size is not None and lay.payload_offset is not None and any(c.payload_size is not None
                                                                           for c in lay.cases):
        pad = lay.payload_offset - lay.tag_size
    facts = [_padding(pad), f"tag {code(t.tag_repr.value)}"]
    if lay.payload_offset is not None:
        facts.append(f"payload @{lay.payload_offset}")
    return facts


def layout_header(tref: TypeRef, lay: Layout) -> str:
    """One line: the kind of type, its size, alignment and padding, then the numbers that
    matter for it (tag, repr, counts)."""
    t = resolve(tref)
    parts = [f"**{kind_word(t)}**"]
    if isinstance(tref, NamedType) and isinstance(tref.tref, NamedType):
        parts = [f"alias of {code('$' + tref.tref.name)} ({kind_word(t)})"]
    parts.append(size_align(lay))
    if lay.ok:
        parts += visit(t, Cases(builtin=lambda _: [], list_=lambda _: [], pointer=lambda _: [],
                                const_pointer=lambda _: [], handle=lambda _: [],
                                record=lambda r: _record_facts(r, lay), variant=lambda v: _variant_facts(v, lay)))
    return " · ".join(parts)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def record_table(rec: RecordType, lay: Layout) -> str:
    """Members and padding runs by offset: offset, size, name, type."""
    types = {m.name: type_label(m.tref) for m in rec.members}
    rows: list[tuple[int, int, str]] = [
        (m.offset, 0, _row(m.offset, m.size, code(m.name), code(types.get(m.name, ""))))
        for m in lay.members]
    rows += [(p.offset, 1, _row(p.offset, p.size, "*padding*", "")) for p in lay.padding]
    head = [_row("offset", "size", "member", "type"), "|---:|---:|---|---|"]
    return "\n".join(head + [r for _, _, r in sorted(rows)])


def variant_table(var: VariantType, lay: Layout) -> str:
    """The tag, then every case with its value and payload: offset, size."""
    out = [_row("value", "case", "payload", "offset", "size"), "|---:|---|---|---:|---:|",
           _row("", "*tag*", code(var.tag_repr.value), 0, lay.tag_size)]
    for i, (c, cl) in enumerate(zip(var.cases, lay.cases, strict=False)):
        if cl.payload_size is None or c.tref is None:
            out.append(_row(i, code(c.name), "—", "", ""))
        else:
            out.append(_row(i, code(c.name), code(type_label(c.tref)), lay.payload_offset, cl.payload_size))
    return "\n".join(out)


def _capped(items: list[str]) -> str | None:
    """Members on one line, at most MAX_MEMBERS of them."""
    if len(items) > MAX_MEMBERS:
        items = [*items[:MAX_MEMBERS - 2], f"… and {len(items) - MAX_MEMBERS + 2} more"]
    return " · ".join(items) if items else None


def variant_quirk(lay: Layout) -> str | None:
    """The witx 0.9.1 variant size rule, when it differs from the canonical one."""
    over = lay.overflowing_cases
    if lay.canonical_size is None or (lay.canonical_size == lay.size and not over):
        return None
    text = (f"⚠ witx 0.9.1 takes the size as the largest per-case size ({lay.size}), but every payload is "
            f"stored at offset {lay.payload_offset}")
    if over:
        ends = ", ".join(f"{code(c.name)} ends at {lay.payload_end(c)}" for c in over)
        text += f": {ends}, past the size"
    # The size rule: witx 0.9.1 crates/witx/src/layout.rs (Variant::mem_size_align, per-case sizes).
    return text + f". The canonical size would be {lay.canonical_size}."


def _record_detail(t: RecordType, lay: Layout) -> list[str | None]:
    """The flags with their masks, or the member table."""
    if t.kind is RecordKind.BITFLAGS:
        return [_capped([f"{code(m.name)} {1 << i:#x}" for i, m in enumerate(t.members)])]
    return [record_table(t, lay)] if lay.members else []


def _variant_detail(t: VariantType, lay: Layout) -> list[str | None]:
    """The cases of an enum with their values, or the case table (and the size quirk)."""
    if t.is_enum():
        return [_capped([f"{code(c.name)} {i}" for i, c in enumerate(t.cases)])]
    return [variant_table(t, lay), variant_quirk(lay)] if lay.cases else []


def layout_section(tref: TypeRef, lay: Layout) -> str:
    """The header line plus the member or case table (or the enum cases, the flags) of a type."""
    parts: list[str | None] = [layout_header(tref, lay)]
    if lay.ok:
        parts += visit(resolve(tref), Cases(
            builtin=lambda _: [], list_=lambda _: [], pointer=lambda _: [], const_pointer=lambda _: [],
            handle=lambda _: [], record=lambda r: _record_detail(r, lay), variant=lambda v: _variant_detail(v, lay)))
    return "\n\n".join(p for p in parts if p)

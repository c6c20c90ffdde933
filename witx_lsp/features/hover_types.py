"""Hover text about types: layout summaries and tables (witx 0.9.1 layout,
witx-language.md §6) and the wiggle form of a type (wiggle.md §2, §5.4, §5.5)."""

from __future__ import annotations

import re

from witx_lsp.abi import param_core_types
from witx_lsp.layout import Layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.types import (
    Builtin,
    ConstPointerType,
    HandleType,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
)
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen import DEFAULT_PROFILE, typeref
from witx_lsp.wiggle.codegen.typeref import GenPanic

_RUST_DEPTH = 6


def code(text: str) -> str:
    """Inline code that is safe inside a Markdown table cell."""
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def size_align(lay: Layout) -> str:
    return f"size {lay.size}, align {lay.align}" if lay.ok else f"no layout: {lay.error}"


def kind_word(t: Type) -> str:
    """What the type is, in the words of its surface syntax."""
    if isinstance(t, RecordType):
        return t.form
    if isinstance(t, VariantType):
        return t.form
    if isinstance(t, Builtin):
        return t.witx
    if isinstance(t, ListType):
        return "string" if _is_string(t) else "list"
    if isinstance(t, PointerType):
        return "pointer"
    if isinstance(t, ConstPointerType):
        return "const_pointer"
    return "handle"


# Whether wiggle treats a list as a string (`GuestPtr<str>`): the generator's rule.
_is_string = typeref.is_string


# --- layout --------------------------------------------------------------------------------------


def layout_header(tref: TypeRef, lay: Layout) -> str:
    """One line: the kind of type and its size and alignment, with the numbers
    that matter for it (tag, repr, counts)."""
    t = resolve(tref)
    parts = [f"**{kind_word(t)}**"]
    if isinstance(tref, NamedType) and isinstance(tref.tref, NamedType):
        parts = [f"alias of {code('$' + tref.tref.name)} ({kind_word(t)})"]
    if isinstance(t, RecordType) and t.kind is RecordKind.BITFLAGS:
        n = len(t.members)
        parts.append(f"repr {code(t.repr.value if t.repr else 'u32')}")
        parts.append(f"{n} flag{'s' if n != 1 else ''}" + (f", bits 0–{n - 1}" if n > 1 else ""))
    elif isinstance(t, VariantType):
        parts.append(f"tag {code(t.tag_repr.value)}")
        if t.is_enum():
            n = len(t.cases)
            parts.append(f"{n} case{'s' if n != 1 else ''}" + (f", values 0–{n - 1}" if n > 1 else ""))
        elif lay.ok:
            parts.append(f"payload @{lay.payload_offset}")
    parts.append(size_align(lay))
    return " · ".join(parts)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def record_table(rec: RecordType, lay: Layout) -> str:
    """Members and padding runs by offset."""
    types = {m.name: type_label(m.tref) for m in rec.members}
    rows: list[tuple[int, int, str]] = [
        (m.offset, 0, _row(m.offset, m.size, m.align, code(m.name), code(types.get(m.name, ""))))
        for m in lay.members]
    rows += [(p.offset, 1, _row(p.offset, p.size, "", "*padding*", "")) for p in lay.padding]
    head = [_row("offset", "size", "align", "member", "type"), "|---:|---:|---:|---|---|"]
    return "\n".join(head + [r for _, _, r in sorted(rows)])


def variant_table(var: VariantType, lay: Layout) -> str:
    """The tag, then every case with its value and payload."""
    out = [_row("value", "case", "payload", "offset", "size", "align"), "|---:|---|---|---:|---:|---:|",
           _row("", "*tag*", code(var.tag_repr.value), 0, lay.tag_size, lay.tag_size)]
    for i, (c, cl) in enumerate(zip(var.cases, lay.cases, strict=False)):
        if cl.payload_size is None or c.tref is None:
            out.append(_row(i, code(c.name), "—", "", "", ""))
        else:
            out.append(_row(i, code(c.name), code(type_label(c.tref)), lay.payload_offset, cl.payload_size,
                            cl.payload_align))
    return "\n".join(out)


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
    return text + f". The canonical size would be {lay.canonical_size} (witx-language.md §6.4)."


def layout_section(tref: TypeRef, lay: Layout) -> str:
    """The header line plus the member or case table of a type."""
    parts = [layout_header(tref, lay)]
    if not lay.ok:
        return parts[0]
    t = resolve(tref)
    if isinstance(t, RecordType) and t.kind is not RecordKind.BITFLAGS and lay.members:
        parts.append(record_table(t, lay))
    elif isinstance(t, VariantType) and not t.is_enum() and lay.cases:
        parts.append(variant_table(t, lay))
        quirk = variant_quirk(lay)
        if quirk:
            parts.append(quirk)
    return "\n\n".join(parts)


def member_notes(tref: TypeRef) -> dict[str, str]:
    """Comments for the members of a definition's code block: enum values and
    flag bits, keyed by member name."""
    t = resolve(tref)
    if isinstance(t, VariantType) and t.form in ("enum", "variant"):
        return {c.name: f"= {i}" for i, c in enumerate(t.cases)}
    if isinstance(t, RecordType) and t.kind is RecordKind.BITFLAGS:
        return {m.name: f"bit {i} = {1 << i:#x}" for i, m in enumerate(t.members)}
    return {}


def note_for(notes: dict[str, str], node: Node, parent: SList) -> str | None:
    """The note of a member of an enum, flags or variant body: `$name` or `(case $name …)`."""
    if not notes or not parent.head_is("enum", "flags", "variant"):
        return None
    if isinstance(node, SList) and node.head_is("case") and len(node.items) > 1:
        node = node.items[1]
    if isinstance(node, Atom) and node.kind is TokenKind.ID:
        return notes.get(node.name)
    return None


# --- wiggle --------------------------------------------------------------------------------------


# Rust names and type spellings come from the code generator (wiggle names.rs rules),
# so hover and the preview always agree.
rust_camel = names.type_name
rust_snake = names.escape_snake
rust_enum_variant = names.enum_variant
needs_lifetime = typeref.needs_lifetime


def rust_shouty(name: str) -> str:
    """heck's shouty snake case (names.rs `flag_member`, constants)."""
    return names.shouty_snake(name)


def rust_type(tref: TypeRef | None, depth: int = 0) -> str | None:
    """wiggle's `type_ref` spelling (profile v19), or None where its generator panics."""
    if tref is None:
        return "()"
    try:
        return typeref.type_ref(tref, "'a", DEFAULT_PROFILE)
    except GenPanic:
        return None


def passed_by_reference(tref: TypeRef) -> bool:
    """wiggle module_trait.rs: which trait-method params are `&T`."""
    return typeref.passed_by_reference(tref, DEFAULT_PROFILE)


def carried_as(tref: TypeRef, spell: bool = True) -> str:
    """How a value of the type travels: in memory and as core wasm params
    (`spell`: lead with the GuestPtr form of pointers, lists and strings)."""
    t = resolve(tref)
    core = " ".join(code(c) for c in param_core_types(tref))
    if isinstance(t, (PointerType, ConstPointerType)):
        inner = rust_type(t.pointee, 1) or "T"
        lead = f"{code(f'GuestPtr<{chr(39)}a, {inner}>')}: " if spell else ""
        return f"{lead}one u32 offset into guest memory (4 bytes); a param is one core {core}"
    if isinstance(t, ListType):
        what = "str" if _is_string(t) else f"[{rust_type(t.element, 1) or 'T'}]"
        counts = "bytes" if _is_string(t) else "elements"
        lead = f"{code(f'GuestPtr<{chr(39)}a, {what}>')}: " if spell else ""
        return (f"{lead}an (offset, length) pair of u32, 8 bytes in memory (offset u32 @0, length u32 @4; the "
                f"length counts {counts}); a param is two core `i32`s (pointer, length)")
    if passed_by_reference(tref):
        rust = rust_type(tref)
        takes = f"the trait method takes {code('&' + rust)}" if rust else "wiggle cannot pass it to a trait method"
        return f"a param is passed by pointer (one core {core}); {takes}"
    return f"passed by value: a param is one core {core}"


def wiggle_definition(named: NamedType) -> str:
    """The item wiggle generates for a typename (wiggle.md §5.5), on one line."""
    name = rust_camel(named.name)
    lt = "<'a>" if needs_lifetime(named) else ""
    t = resolve(named)
    if isinstance(named.tref, NamedType):
        return f"pub type {name}{lt} = {rust_type(named.tref)};"
    if isinstance(t, Builtin):
        return f"pub type {name} = {typeref.BUILTIN[t.kind]};"
    if isinstance(t, (PointerType, ConstPointerType)):
        return f"pub type {name}{lt} = {rust_type(t) or '…'};"
    if isinstance(t, ListType):
        # A named string typedef is `[char]`, not `str` (types/mod.rs has no string case).
        inner = "char" if _is_string(t) else (rust_type(t.element, 1) or "…")
        return f"pub type {name}{lt} = wiggle::GuestPtr<'a, [{inner}]>;"
    if isinstance(t, HandleType):
        return f"pub struct {name}(u32);"
    if isinstance(t, RecordType):
        if t.kind is RecordKind.BITFLAGS:
            return f"bitflags! {{ pub struct {name}: {(t.repr.value if t.repr else 'u32')} {{ … }} }}"
        if t.kind is RecordKind.TUPLE:
            return "// a named tuple makes wiggle's generator panic (numeric member names)"
        return f"pub struct {name}{lt} {{ … }}"
    assert isinstance(t, VariantType)
    if t.is_bool():
        return f"pub enum {name} {{ False, True }}"
    if t.form == "union" and t.cases and t.cases[0].name.isdigit():
        return "// an untagged union makes wiggle's generator panic (numeric case names)"
    return f"pub enum {name}{lt} {{ … }}"


def wiggle_section(tref: TypeRef) -> str:
    """The wiggle form of a type: its Rust spelling and how it is carried."""
    lines = []
    if isinstance(tref, NamedType):
        lines.append(f"```rust\n{wiggle_definition(tref)}\n```")
    spelled = rust_type(tref)
    shown = code(spelled) if spelled else "no Rust type (wiggle panics on this anonymous type)"
    lines.append(f"**wiggle** {shown}: {carried_as(tref)}.")
    return "\n\n".join(lines)

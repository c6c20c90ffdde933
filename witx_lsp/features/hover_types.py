"""Hover text about types: layout summaries and tables (the witx 0.9.1 layout rules,
WebAssembly/WASI tools/witx/src/layout.rs at witx 0.9.1) and the wiggle form of a type
(bytecodealliance/wasmtime crates/wiggle/generate/src/{names.rs, types/}), and the
options a hover is made with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen import DEFAULT_CONFIG, DEFAULT_PROFILE, Config, typeref
from witx_lsp.wiggle.codegen.typeref import GenPanic

# How many enum cases or flags a type's hover names before "… and N more" (hover a member for its value).
MAX_MEMBERS = 12
# How many lines of a definition's docs a hover shows before "…" (the rest is one hover away, at the definition).
MAX_DOC_LINES = 6


@dataclass(frozen=True)
class HoverOptions:
    """What a hover shows, from the client's settings (passed in by the caller).

    `rust`: the Rust forms wiggle generates (`witx.hover.rust`); `config`: the
    `wiggle::from_witx!` configuration (`witx.preview.config`) they are spelled with.
    """

    rust: bool = False
    config: Config = field(default_factory=lambda: DEFAULT_CONFIG)


def docs_text(docs: str) -> str | None:
    """A definition's doc comment, at most MAX_DOC_LINES lines."""
    lines = docs.strip().splitlines()
    if len(lines) > MAX_DOC_LINES:
        lines = [*lines[:MAX_DOC_LINES], "…"]
    return "\n".join(lines) or None


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


def padding_bytes(t: Type, lay: Layout) -> int:
    """The bytes of a value that hold nothing: between and after record members, between a variant's tag and payload."""
    if isinstance(t, RecordType):
        return sum(p.size for p in lay.padding)
    if isinstance(t, VariantType) and lay.tag_size is not None and lay.payload_offset is not None \
            and any(c.payload_size is not None for c in lay.cases):
        return lay.payload_offset - lay.tag_size
    return 0


def layout_header(tref: TypeRef, lay: Layout) -> str:
    """One line: the kind of type, its size, alignment and padding, then the numbers that
    matter for it (tag, repr, counts)."""
    t = resolve(tref)
    parts = [f"**{kind_word(t)}**"]
    if isinstance(tref, NamedType) and isinstance(tref.tref, NamedType):
        parts = [f"alias of {code('$' + tref.tref.name)} ({kind_word(t)})"]
    parts.append(size_align(lay))
    if not lay.ok:
        return " · ".join(parts)
    if (isinstance(t, RecordType) and t.kind is not RecordKind.BITFLAGS) or (isinstance(t, VariantType)
                                                                          and not t.is_enum()):
        pad = padding_bytes(t, lay)
        parts.append(f"{pad} byte{'s' if pad != 1 else ''} of padding" if pad else "no padding")
    if isinstance(t, RecordType) and t.kind is RecordKind.BITFLAGS:
        n = len(t.members)
        parts.append(f"repr {code(t.repr.value if t.repr else 'u32')}")
        parts.append(f"{n} flag{'s' if n != 1 else ''}" + (f", bits 0–{n - 1}" if n > 1 else ""))
    elif isinstance(t, VariantType):
        parts.append(f"tag {code(t.tag_repr.value)}")
        if t.is_enum():
            n = len(t.cases)
            parts.append(f"{n} case{'s' if n != 1 else ''}" + (f", values 0–{n - 1}" if n > 1 else ""))
        elif lay.payload_offset is not None:
            parts.append(f"payload @{lay.payload_offset}")
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


def member_list(t: Type) -> str | None:
    """The cases of an enum with their values, or the flags with their masks, on one line."""
    if isinstance(t, VariantType) and t.is_enum():
        items = [f"{code(c.name)} {i}" for i, c in enumerate(t.cases)]
    elif isinstance(t, RecordType) and t.kind is RecordKind.BITFLAGS:
        items = [f"{code(m.name)} {1 << i:#x}" for i, m in enumerate(t.members)]
    else:
        return None
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


def layout_section(tref: TypeRef, lay: Layout) -> str:
    """The header line plus the member or case table (or the enum cases, the flags) of a type."""
    parts = [layout_header(tref, lay)]
    if not lay.ok:
        return parts[0]
    t = resolve(tref)
    members = member_list(t)
    if members:
        parts.append(members)
    elif isinstance(t, RecordType) and t.kind is not RecordKind.BITFLAGS and lay.members:
        parts.append(record_table(t, lay))
    elif isinstance(t, VariantType) and not t.is_enum() and lay.cases:
        parts.append(variant_table(t, lay))
        quirk = variant_quirk(lay)
        if quirk:
            parts.append(quirk)
    return "\n\n".join(parts)


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


def rust_type(tref: TypeRef | None, profile: int = DEFAULT_PROFILE) -> str | None:
    """wiggle's `type_ref` spelling (the code generator's, for the configured profile), or None
    where its generator panics."""
    if tref is None:
        return "()"
    try:
        return typeref.type_ref(tref, "'a", profile)
    except GenPanic:
        return None


def passed_by_reference(tref: TypeRef, profile: int = DEFAULT_PROFILE) -> bool:
    """wiggle module_trait.rs: which trait-method params are `&T`."""
    return typeref.passed_by_reference(tref, profile)


def carried_as(tref: TypeRef, spell: bool = True, profile: int = DEFAULT_PROFILE) -> str:
    """How a value of the type travels: in memory and as core wasm params
    (`spell`: lead with the GuestPtr form of pointers, lists and strings)."""
    t = resolve(tref)
    core = " ".join(code(c) for c in param_core_types(tref))
    if isinstance(t, (PointerType, ConstPointerType)):
        inner = rust_type(t.pointee, profile) or "T"
        lead = f"{code(f'GuestPtr<{chr(39)}a, {inner}>')}: " if spell else ""
        return f"{lead}one u32 offset into guest memory (4 bytes); a param is one core {core}"
    if isinstance(t, ListType):
        what = "str" if _is_string(t) else f"[{rust_type(t.element, profile) or 'T'}]"
        counts = "bytes" if _is_string(t) else "elements"
        lead = f"{code(f'GuestPtr<{chr(39)}a, {what}>')}: " if spell else ""
        return (f"{lead}an (offset, length) pair of u32, 8 bytes in memory (offset u32 @0, length u32 @4; the "
                f"length counts {counts}); a param is two core `i32`s (pointer, length)")
    if passed_by_reference(tref, profile):
        rust = rust_type(tref, profile)
        takes = f"the trait method takes {code('&' + rust)}" if rust else "wiggle cannot pass it to a trait method"
        return f"a param is passed by pointer (one core {core}); {takes}"
    return f"passed by value: a param is one core {core}"


def wiggle_definition(named: NamedType, profile: int = DEFAULT_PROFILE) -> str:
    """The item wiggle generates for a typename (wasmtime
    crates/wiggle/generate/src/types/mod.rs), on one line."""
    name = rust_camel(named.name)
    lt = "<'a>" if needs_lifetime(named) else ""
    t = resolve(named)
    if isinstance(named.tref, NamedType):
        return f"pub type {name}{lt} = {rust_type(named.tref, profile)};"
    if isinstance(t, Builtin):
        return f"pub type {name} = {typeref.BUILTIN[t.kind]};"
    if isinstance(t, (PointerType, ConstPointerType)):
        return f"pub type {name}{lt} = {rust_type(t, profile) or '…'};"
    if isinstance(t, ListType):
        # A named string typedef is `[char]`, not `str` (types/mod.rs has no string case).
        inner = "char" if _is_string(t) else (rust_type(t.element, profile) or "…")
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


def wiggle_section(tref: TypeRef, profile: int = DEFAULT_PROFILE) -> str:
    """The wiggle form of a type: its Rust spelling and how it is carried."""
    lines = []
    if isinstance(tref, NamedType):
        lines.append(f"```rust\n{wiggle_definition(tref, profile)}\n```")
    spelled = rust_type(tref, profile)
    shown = code(spelled) if spelled else "no Rust type (wiggle panics on this anonymous type)"
    lines.append(f"**wiggle** {shown}: {carried_as(tref, profile=profile)}.")
    return "\n\n".join(lines)

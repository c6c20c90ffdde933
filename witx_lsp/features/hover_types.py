"""Hover text about types: layout summaries and tables (witx 0.9.1 layout,
witx-language.md §6) and the wiggle form of a type (wiggle.md §2, §5.4, §5.5)."""

from __future__ import annotations

import re

from witx_lsp.abi import param_core_types
from witx_lsp.layout import Layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
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


def _is_string(t: Type) -> bool:
    return isinstance(t, ListType) and isinstance(t.element, Builtin) and t.element.kind is BuiltinKind.CHAR


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


def rust_camel(name: str) -> str:
    """heck's upper camel case, for ASCII witx names (wiggle names.rs `type_`)."""
    if name == "self":
        return "Self_"
    return "".join(w[:1].upper() + w[1:].lower() for w in _words(name)) or name


_RUST_KEYWORDS = frozenset((
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield"))


def _words(name: str) -> list[str]:
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]|[0-9]+", name)


def rust_snake(name: str) -> str:
    """heck's snake case with wiggle's keyword escape (names.rs `func_param`, `struct_member`)."""
    out = "_".join(w.lower() for w in _words(name)) or name
    return out + "_" if out in _RUST_KEYWORDS else out


def rust_shouty(name: str) -> str:
    """heck's shouty snake case (names.rs `flag_member`)."""
    return "_".join(w.upper() for w in _words(name)) or name


def rust_enum_variant(name: str) -> str:
    """names.rs `enum_variant`: `2big` is `TooBig`, everything else upper camel case."""
    return "TooBig" if name == "2big" else rust_camel(name)


_RUST_BUILTIN = {BuiltinKind.U8: "u8", BuiltinKind.U16: "u16", BuiltinKind.U32: "u32", BuiltinKind.U64: "u64",
                 BuiltinKind.S8: "i8", BuiltinKind.S16: "i16", BuiltinKind.S32: "i32", BuiltinKind.S64: "i64",
                 BuiltinKind.F32: "f32", BuiltinKind.F64: "f64", BuiltinKind.CHAR: "char"}


def needs_lifetime(tref: TypeRef) -> bool:
    """wiggle lifetimes.rs: pointers and lists need `'a`, and so does anything that holds one."""
    todo = [tref]
    seen: set[int] = set()
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, NamedType):
            todo.append(t.tref)
        elif isinstance(t, (PointerType, ConstPointerType, ListType)):
            return True
        elif isinstance(t, RecordType) and t.kind is not RecordKind.BITFLAGS:
            todo.extend(m.tref for m in t.members)
        elif isinstance(t, VariantType):
            todo.extend(c.tref for c in t.cases if c.tref is not None)
    return False


def rust_type(tref: TypeRef | None, depth: int = 0) -> str | None:
    """wiggle's `type_ref` spelling (names.rs:38-88), or None where its generator panics."""
    if tref is None:
        return "()"
    if depth > _RUST_DEPTH:
        return "…"
    if isinstance(tref, NamedType):
        return rust_camel(tref.name) + ("<'a>" if needs_lifetime(tref) else "")
    if isinstance(tref, Builtin):
        return _RUST_BUILTIN[tref.kind]
    if isinstance(tref, (PointerType, ConstPointerType)):
        inner = rust_type(tref.pointee, depth + 1)
        return None if inner is None else f"wiggle::GuestPtr<'a, {inner}>"
    if isinstance(tref, ListType):
        if _is_string(tref):
            return "wiggle::GuestPtr<'a, str>"
        inner = rust_type(tref.element, depth + 1)
        return None if inner is None else f"wiggle::GuestPtr<'a, [{inner}]>"
    if isinstance(tref, RecordType) and tref.kind is RecordKind.TUPLE:
        members = [rust_type(m.tref, depth + 1) for m in tref.members]
        return None if None in members else "(" + ", ".join(m for m in members if m) + ",)"
    if isinstance(tref, VariantType) and tref.form == "expected":
        pair = tref.as_expected()
        if pair is not None:
            ok, err = (rust_type(p, depth + 1) for p in pair)
            return None if ok is None or err is None else f"Result<{ok}, {err}>"
    return None


def passed_by_reference(tref: TypeRef) -> bool:
    """wiggle module_trait.rs:9-16: which trait-method params are `&T`."""
    t = resolve(tref)
    if isinstance(t, (PointerType, ConstPointerType, ListType)):
        return True
    if isinstance(t, RecordType):
        return t.kind is not RecordKind.BITFLAGS
    return isinstance(t, VariantType) and not t.is_enum()


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
        return f"pub type {name} = {_RUST_BUILTIN[t.kind]};"
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

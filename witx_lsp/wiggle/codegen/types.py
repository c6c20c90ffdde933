"""`pub mod types`: what wiggle defines for each witx typename (bytecodealliance/wasmtime
crates/wiggle/generate/src/types/mod.rs `define_datatype`, v19.0.2).

Mirrors bytecodealliance/wasmtime crates/wiggle/generate/src/types/{mod,record,
variant,flags,handle,error}.rs: aliases, builtin aliases, `GuestPtr` aliases,
structs (lifetimes, derives, `offset_of_*`), bitflags, enums with their
`TryFrom`/`From` impls, payload enums, handles, the trappable error type, and
each type's `GuestType` impl with the `guest_size`/`guest_align` wiggle
writes. Bodies of `read`/`write` that walk fields or cases are elided (a
comment says what they do); the short ones (flags, handles) are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from witx_lsp.layout import Layout, LayoutEngine, typename_layout
from witx_lsp.model.types import (
    Cases,
    ConstPointerType,
    IntRepr,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen.config import Config, ErrorMapping
from witx_lsp.wiggle.codegen.rust_writer import INDENT, FnSig, RustWriter, match_arm, single_child_chain
from witx_lsp.wiggle.codegen.typeref import (
    BUILTIN,
    INT_REPR,
    LIFETIME,
    LIFETIME_FREE_PROFILE,
    GenPanic,
    guest_ptr,
    named_ref,
    needs_lifetime,
    type_ref,
    witx_text,
)

GUEST_ERROR = "wiggle::GuestError"


def ident(name: str) -> str:
    """A generated identifier; GenPanic where `format_ident!` rejects it."""
    problem = names.ident_problem(name)
    if problem is not None:
        raise GenPanic(problem)
    return name


@contextmanager
def _try_from(w: RustWriter, source: str, rust: str) -> Iterator[None]:
    """`impl TryFrom<source> for rust` with wiggle's GuestError as its error; the body writes the
    `#[inline]` function."""
    w.blank()
    with w.block(f"impl TryFrom<{source}> for {rust} {{"):
        w.line(f"type Error = {GUEST_ERROR};")
        w.line("#[inline]")
        yield


def _try_from_abi(w: RustWriter, rust: str, repr_: str, ok: str) -> None:
    """The `TryFrom` of the core wasm value (i64 for a u64 repr, else i32) of flags and enums: through
    their repr type (`ok`: how the result type names the type, `Self` for flags)."""
    abi = "i64" if repr_ == "u64" else "i32"
    with _try_from(w, abi, rust):
        w.fn(FnSig("try_from", (f"value: {abi}",), f"Result<{ok}, {GUEST_ERROR}>"),
             [f"{rust}::try_from({repr_}::try_from(value)?)"])


def anyhow(profile: int) -> str:
    """The error crate path: `wiggle::anyhow`, or `wiggle::error` from wasmtime 42."""
    return "wiggle::error" if profile >= 42 else "wiggle::anyhow"


class TypeGen:
    """Writes the definition group of each typename."""

    def __init__(self, config: Config, engine: LayoutEngine) -> None:
        self.config = config
        self.profile = config.profile
        self.engine = engine
        self.lifetimes = self.profile < LIFETIME_FREE_PROFILE

    # --- shared pieces ------------------------------------------------------------------------------

    def gt_impl(self, rust: str, generic: str = "") -> str:
        if self.lifetimes:
            return f"impl<'a> wiggle::GuestType<'a> for {rust}{generic}"
        return f"impl wiggle::GuestType for {rust}"

    def size_align(self, w: RustWriter, size: str, align: str) -> None:
        w.line("#[inline]")
        w.fn(FnSig("guest_size", ret="u32"), [size])
        w.line("#[inline]")
        w.fn(FnSig("guest_align", ret="usize"), [align])

    def read_write(self, w: RustWriter, read_ty: str, write_ty: str, read_body: list[str],
                   write_body: list[str], *, read_lifetime: bool = True, inline: bool = False) -> None:
        """The `read`/`write` pair of a `GuestType` impl (`read_ty` is also what `read` returns)."""
        if self.lifetimes:
            lt = "'a, " if read_lifetime else ""
            read_params: tuple[str, ...] = (f"location: &wiggle::GuestPtr<{lt}{read_ty}>",)
            write_params: tuple[str, ...] = (f"location: &wiggle::GuestPtr<'_, {write_ty}>", "val: Self")
        else:
            read_params = ("mem: &wiggle::GuestMemory", f"location: wiggle::GuestPtr<{read_ty}>")
            write_params = ("mem: &mut wiggle::GuestMemory", f"location: wiggle::GuestPtr<{write_ty}>", "val: Self")
        if inline:
            w.line("#[inline]")
        w.fn(FnSig("read", read_params, f"Result<{read_ty}, {GUEST_ERROR}>"), read_body)
        if inline:
            w.line("#[inline]")
        w.fn(FnSig("write", write_params, f"Result<(), {GUEST_ERROR}>"), write_body)

    def layout(self, named: NamedType) -> Layout:
        lay = typename_layout(named, self.engine)
        if not lay.ok:
            # witx 0.9.1 `align_to` divides by the alignment 0 of an empty record or case-less variant.
            raise GenPanic("attempt to calculate the remainder with a divisor of zero")
        return lay

    # --- entry point ----------------------------------------------------------------------------------

    def define(self, w: RustWriter, named: NamedType, error: ErrorMapping | None) -> None:
        """types/mod.rs `define_datatype`."""
        rust = ident(names.type_name(named.name))
        tref = named.tref
        if isinstance(tref, NamedType):
            self.alias(w, rust, tref)
            return
        lt = "<'a>" if self.lifetimes else ""

        def pointer(t: PointerType | ConstPointerType) -> None:
            w.type_alias(f"pub type {rust}{lt}", guest_ptr(type_ref(t.pointee, LIFETIME, self.profile),
                                                           LIFETIME, self.profile))

        def list_(t: ListType) -> None:
            elem = type_ref(t.element, LIFETIME, self.profile)
            # No `str` special case here, unlike `type_ref`: a named string is `GuestPtr<[char]>`.
            w.type_alias(f"pub type {rust}{lt}", guest_ptr(f"[{elem}]", LIFETIME, self.profile))

        def record(t: RecordType) -> None:
            if t.kind is RecordKind.BITFLAGS:
                self.flags(w, rust, named, t)
            else:
                self.record(w, rust, named, t)

        trappable = error if error is not None and error.trappable else None
        visit(tref, Cases(builtin=lambda t: w.type_alias(f"pub type {rust}", BUILTIN[t.kind]), list_=list_,
                          pointer=pointer, const_pointer=pointer, record=record,
                          variant=lambda t: self.variant(w, rust, named, t, trappable),
                          handle=lambda _: self.handle(w, rust, named)))

    def alias(self, w: RustWriter, rust: str, to: NamedType) -> None:
        target = ident(names.type_name(to.name))
        if self.lifetimes and needs_lifetime(to):
            w.type_alias(f"pub type {rust}<'a>", f"{target}<'a>")
        else:
            w.type_alias(f"pub type {rust}", target)

    # --- records --------------------------------------------------------------------------------------

    def member_type(self, tref: TypeRef) -> str:
        """types/record.rs: a struct member is a named type, a builtin or a pointer."""
        if isinstance(tref, NamedType):
            return named_ref(tref, LIFETIME, self.profile)

        def other(t: Type) -> str:
            raise GenPanic(f"not implemented: other anonymous struct members: {witx_text(t)}")

        def pointer(t: PointerType | ConstPointerType) -> str:
            return guest_ptr(type_ref(t.pointee, LIFETIME, self.profile), LIFETIME, self.profile)

        return visit(tref, Cases(builtin=lambda t: BUILTIN[t.kind], list_=other, pointer=pointer,
                                 const_pointer=pointer, record=other, variant=other, handle=other))

    def record(self, w: RustWriter, rust: str, named: NamedType, rec: RecordType) -> None:
        """types/record.rs `define_struct`."""
        fields = [(ident(names.escape_snake(m.name)), self.member_type(m.tref)) for m in rec.members]
        lay = self.layout(named)
        lifetime = needs_lifetime(named)
        own_lt = "<'a>" if lifetime and self.lifetimes else ""
        w.line("#[derive(Clone, Debug)]" if lifetime else "#[derive(Clone, Debug, PartialEq)]")
        if fields:
            with w.block(f"pub struct {rust}{own_lt} {{"):
                for fname, fty in fields:
                    w.line(f"pub {fname}: {fty},")
        else:
            w.line(f"pub struct {rust}{own_lt} {{}}")
        if self.profile >= 13:
            w.blank()
            impl_lt = "<'a>" if lifetime else ""
            with w.block(f"impl{impl_lt} {rust}{own_lt} {{"):
                for (fname, _), ml in zip(fields, lay.members, strict=False):
                    w.fn(FnSig(f"offset_of_{fname}", ret="u32", qualifiers="pub const "), [f"{ml.offset}u32"])
        w.blank()
        with w.block(self.gt_impl(rust, own_lt) + " {"):
            self.size_align(w, f"{lay.size}u32", f"{lay.align}usize")
            self.read_write(w, "Self", "Self", ["// elided: reads each field at its offset"],
                            ["// elided: writes each field at its offset"])

    # --- flags ----------------------------------------------------------------------------------------

    def flags(self, w: RustWriter, rust: str, named: NamedType, rec: RecordType) -> None:
        """types/flags.rs `define_flags` (bitflags 2 from wasmtime 12)."""
        repr_ = INT_REPR[rec.repr or IntRepr.U32]
        members = [ident(names.flag_member(m.name)) for m in rec.members]
        with w.block("wiggle::bitflags::bitflags! {"):
            if self.profile >= 12:
                w.line("#[derive(Copy, Clone, Debug, PartialEq, Eq)]")
            with w.block(f"pub struct {rust}: {repr_} {{"):
                for i, m in enumerate(members):
                    w.line(f"const {m} = {1 << i};")
        w.blank()
        with w.block(f"impl ::std::fmt::Display for {rust} {{"):
            w.fn(FnSig("fmt", ("&self", "f: &mut ::std::fmt::Formatter<'_>"), "::std::fmt::Result"), [
                f"f.write_str(stringify!({rust}))?;",
                'f.write_str("(")?;',
                "::std::fmt::Debug::fmt(self, f)?;",
                'f.write_str(" (0x")?;',
                "::std::fmt::LowerHex::fmt(&self.bits(), f)?;",
                'f.write_str("))")?;',
                "Ok(())",
            ])
        with _try_from(w, repr_, rust):
            w.fn(FnSig("try_from", (f"value: {repr_}",), f"Result<Self, {GUEST_ERROR}>"), single_child_chain(
                w.level + 1, f"{rust}::from_bits(value)",
                f".ok_or(wiggle::GuestError::InvalidFlagValue(stringify!({rust})))"))
        _try_from_abi(w, rust, repr_, "Self")
        w.blank()
        with w.block(f"impl From<{rust}> for {repr_} {{"):
            w.line("#[inline]")
            w.fn(FnSig("from", (f"e: {rust}",), repr_), ["e.bits()" if self.profile >= 12 else "e.bits"])
        w.blank()
        mem, loc = ("", "&location.cast()") if self.lifetimes else ("mem, ", "location.cast()")
        with w.block(self.gt_impl(rust) + " {"):
            self.size_align(w, f"{repr_}::guest_size()", f"{repr_}::guest_align()")
            self.read_write(w, rust, rust, [
                "use std::convert::TryFrom;",
                f"let reprval = {repr_}::read({mem}{loc})?;",
                f"let value = {rust}::try_from(reprval)?;",
                "Ok(value)",
            ], [f"let val: {repr_} = {repr_}::from(val);", f"{repr_}::write({mem}{loc}, val)"], read_lifetime=False)

    # --- variants -------------------------------------------------------------------------------------

    def variant(self, w: RustWriter, rust: str, named: NamedType, var: VariantType,
                trappable: ErrorMapping | None) -> None:
        """types/variant.rs `define_variant` (enums, payload variants, `bool`, `expected`)."""
        tag = INT_REPR[var.tag_repr]
        cases = []
        for c in var.cases:
            vname = ident(names.enum_variant(c.name))
            payload = type_ref(c.tref, LIFETIME, self.profile) if c.tref is not None else None
            cases.append((vname, payload))
        lay = self.layout(named)
        lifetime = needs_lifetime(named)
        own_lt = "<'a>" if lifetime and self.lifetimes else ""
        is_enum = var.is_enum()
        derive = "Clone, Debug" if lifetime else ("Clone, Debug, PartialEq, Copy" if is_enum
                                                  else "Clone, Debug, PartialEq")
        w.line(f"#[derive({derive})]")
        if cases:
            with w.block(f"pub enum {rust}{own_lt} {{"):
                for vname, payload in cases:
                    w.line(f"{vname}({payload})," if payload is not None else f"{vname},")
        else:
            w.line(f"pub enum {rust}{own_lt} {{}}")
        if is_enum:
            self.enum_impls(w, rust, tag, [v for v, _ in cases])
        if trappable is not None:
            w.blank()
            with w.block(f"impl std::fmt::Display for {rust} {{"):
                w.fn(FnSig("fmt", ("&self", "f: &mut std::fmt::Formatter<'_>"), "std::fmt::Result"),
                     ['write!(f, "{:?}", self)'])
            w.blank()
            w.line(f"impl std::error::Error for {rust} {{}}")
        w.blank()
        with w.block(self.gt_impl(rust, own_lt) + " {"):
            self.size_align(w, f"{lay.size}u32", f"{lay.align}usize")
            if is_enum:
                read = [f"// elided: reads the {tag} tag; an unknown value is InvalidEnumValue"]
            else:
                read = [f"// elided: reads the {tag} tag, then the payload at offset {lay.payload_offset}"]
            write = "// elided: writes the tag" + ("" if is_enum else " and the payload")
            self.read_write(w, "Self", "Self", read, [write])
        if trappable is not None:
            w.blank()
            self.trappable_error(w, rust, trappable.rich)

    def enum_impls(self, w: RustWriter, rust: str, tag: str, variants: list[str]) -> None:
        with _try_from(w, tag, rust):
            arms = [(str(i), f"Ok({rust}::{v})") for i, v in enumerate(variants)]
            arms.append(("_", f"Err(wiggle::GuestError::InvalidEnumValue(stringify!({rust})))"))
            body = ["match value {", *_arms(w.level + 2, arms), "}"]
            w.fn(FnSig("try_from", (f"value: {tag}",), f"Result<{rust}, {GUEST_ERROR}>"), body)
        _try_from_abi(w, rust, tag, rust)
        w.blank()
        with w.block(f"impl From<{rust}> for {tag} {{"):
            w.line("#[inline]")
            body = ["match v {", *_arms(w.level + 2, [(f"{rust}::{v}", str(i)) for i, v in enumerate(variants)]),
                    "}"]
            w.fn(FnSig("from", (f"v: {rust}",), tag), body if variants else ["match v {}"])

    def trappable_error(self, w: RustWriter, abi: str, rich_name: str) -> None:
        """types/error.rs `define_error`: the generated error type of `abi => trappable Rich`."""
        rich = ident(rich_name)
        err = f"{anyhow(self.profile)}::Error"
        w.line("#[derive(Debug)]")
        with w.block(f"pub struct {rich} {{"):
            w.line(f"inner: {err},")
        w.blank()
        with w.block(f"impl std::fmt::Display for {rich} {{"):
            w.fn(FnSig("fmt", ("&self", "f: &mut std::fmt::Formatter<'_>"), "std::fmt::Result"),
                 ['write!(f, "{}", self.inner)'])
        w.blank()
        with w.block(f"impl std::error::Error for {rich} {{"):
            w.fn(FnSig("source", ("&self",), "Option<&(dyn std::error::Error + 'static)>"), ["self.inner.source()"])
        w.blank()
        with w.block(f"impl {rich} {{"):
            w.fn(FnSig("trap", (f"inner: {err}",), rich, qualifiers="pub "), ["Self { inner }"])
            w.fn(FnSig("downcast", ("self",), f"Result<{abi}, {err}>", qualifiers="pub "),
                 ["self.inner.downcast()"])
            w.fn(FnSig("downcast_ref", ("&self",), f"Option<&{abi}>", qualifiers="pub "),
                 ["self.inner.downcast_ref()"])
            w.fn(FnSig("context", ("self", "s: impl Into<String>"), "Self", qualifiers="pub "),
                 ["Self {", "    inner: self.inner.context(s.into()),", "}"])
        w.blank()
        with w.block(f"impl From<{abi}> for {rich} {{"):
            w.fn(FnSig("from", (f"abi: {abi}",), rich), [f"{rich} {{", f"    inner: {err}::from(abi),", "}"])

    # --- handles --------------------------------------------------------------------------------------

    def handle(self, w: RustWriter, rust: str, named: NamedType) -> None:
        """types/handle.rs `define_handle`."""
        lay = self.layout(named)
        w.line("#[repr(transparent)]")
        w.line("#[derive(Copy, Clone, Debug, Hash, Eq, PartialEq)]")
        w.line(f"pub struct {rust}(u32);")
        w.blank()
        with w.block(f"impl {rust} {{"):
            w.line("#[inline]")
            w.fn(FnSig("inner", ("&self",), "u32", qualifiers="pub unsafe "), ["self.0"])
        for src, dst, body in ((rust, "u32", "e.0"), (rust, "i32", "e.0 as i32"),
                               ("u32", rust, f"{rust}(e)"), ("i32", rust, f"{rust}(e as u32)")):
            w.blank()
            with w.block(f"impl From<{src}> for {dst} {{"):
                w.line("#[inline]")
                w.fn(FnSig("from", (f"e: {src}",), dst), [body])
        w.blank()
        with w.block(f"impl ::std::fmt::Display for {rust} {{"):
            w.fn(FnSig("fmt", ("&self", "f: &mut ::std::fmt::Formatter<'_>"), "::std::fmt::Result"),
                 [f'write!(f, "{{}}({{}})", stringify!({rust}), self.0)'])
        w.blank()
        mem, loc = ("", "&location.cast()") if self.lifetimes else ("mem, ", "location.cast()")
        with w.block(self.gt_impl(rust) + " {"):
            self.size_align(w, f"{lay.size}u32", f"{lay.align}usize")
            self.read_write(w, rust, "Self", [f"Ok({rust}(u32::read({mem}{loc})?))"],
                            [f"u32::write({mem}{loc}, val.0)"], inline=True)


def _arms(level: int, arms: list[tuple[str, str]]) -> list[str]:
    """Match arms at `level` (one deeper than `match`), as lines relative to the `match`."""
    return [INDENT + line for pattern, body in arms for line in match_arm(level, pattern, body)]


# What wiggle makes of a typename, by the kind of its type (the others by their model class name).
_RESOLVED_KIND: Cases[str] = Cases(
    builtin=lambda _: "builtin", list_=lambda _: "list", pointer=lambda _: "pointer",
    const_pointer=lambda _: "const pointer", handle=lambda _: "handle",
    record=lambda r: {"tuple": "tuple", "bitflags": "flags"}.get(r.kind.value, "struct"),
    variant=lambda v: "enum" if v.is_enum() else "variant")


def resolved_kind(named: NamedType) -> str:
    """A short name of what wiggle makes of a typename."""
    if isinstance(named.tref, NamedType):
        return "alias"
    return visit(resolve(named.tref), _RESOLVED_KIND)


__all__ = ["GUEST_ERROR", "TypeGen", "anyhow", "ident", "resolved_kind"]

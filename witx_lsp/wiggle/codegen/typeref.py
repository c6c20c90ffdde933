"""How wiggle spells a witx type in Rust, and the rules around it (bytecodealliance/wasmtime
crates/wiggle/generate/src/names.rs `type_ref`, lifetimes.rs and module_trait.rs, v19.0.2).

Mirrors bytecodealliance/wasmtime crates/wiggle/generate/src: `names.rs`
(`type_ref`, `builtin_type`), `lifetimes.rs` (`needs_lifetime`) and
`module_trait.rs` (`passed_by_reference`). Where the generator panics, `type_ref`
raises `GenPanic` with the generator's message.

Profiles (the wiggle release the preview follows, see config.py): up to 21 pointers are `wiggle::GuestPtr<'a, T>` and
named types that hold one are `Name<'a>`; from 22 `GuestPtr<T>` has no lifetime,
named types never take one, and only records and payload variants are passed
by reference.
"""

from __future__ import annotations

from witx_lsp.layout.report import type_label
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    ByKind,
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
    inner_types,
    resolve,
    visit,
)
from witx_lsp.wiggle import names

BUILTIN = {BuiltinKind.U8: "u8", BuiltinKind.U16: "u16", BuiltinKind.U32: "u32", BuiltinKind.U64: "u64",
           BuiltinKind.S8: "i8", BuiltinKind.S16: "i16", BuiltinKind.S32: "i32", BuiltinKind.S64: "i64",
           BuiltinKind.F32: "f32", BuiltinKind.F64: "f64", BuiltinKind.CHAR: "char"}
INT_REPR = {IntRepr.U8: "u8", IntRepr.U16: "u16", IntRepr.U32: "u32", IntRepr.U64: "u64"}
LIFETIME = "'a"
ANON = "'_"
LIFETIME_FREE_PROFILE = 22  # wasmtime v22: GuestPtr loses its lifetime; the memory is a parameter


class GenPanic(Exception):
    """The generator would panic here (the message is the generator's)."""


def witx_text(tref: TypeRef) -> str:
    """A type as written in witx (`$name` for named types)."""
    return type_label(tref)


def is_string(t: Type) -> bool:
    """`(list char)`, resolving the element through aliases (names.rs matches `pointee.type_()`)."""
    return isinstance(t, ListType) and isinstance(resolve(t.element), Builtin) \
        and resolve(t.element).kind is BuiltinKind.CHAR  # type: ignore[union-attr]


# The kinds that hold a `GuestPtr` themselves (lifetimes.rs `TypeRef::needs_lifetime`).
_HOLDS_POINTER = ByKind(builtin=False, list_=True, pointer=True, const_pointer=True, record=False, variant=False,
                        handle=False)


def needs_lifetime(tref: TypeRef) -> bool:
    """lifetimes.rs: pointers and lists need `'a`, and so does any record or variant holding one."""
    todo: list[TypeRef] = [tref]
    seen: set[int] = set()
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, NamedType):
            todo.append(t.tref)
        elif visit(t, _HOLDS_POINTER):
            return True
        else:
            todo.extend(inner_types(t))
    return False


def passed_by_reference(tref: TypeRef, profile: int) -> bool:
    """module_trait.rs `passed_by_reference` (on the resolved type)."""
    def guest_ptr(_: object) -> bool:
        return profile < LIFETIME_FREE_PROFILE

    return visit(resolve(tref), Cases(
        builtin=lambda _: False, list_=guest_ptr, pointer=guest_ptr, const_pointer=guest_ptr,
        record=lambda t: t.kind is not RecordKind.BITFLAGS, variant=lambda t: not t.is_enum(),
        handle=lambda _: False))


def guest_ptr(inner: str, lifetime: str, profile: int) -> str:
    if profile >= LIFETIME_FREE_PROFILE:
        return f"wiggle::GuestPtr<{inner}>"
    return f"wiggle::GuestPtr<{lifetime}, {inner}>"


def named_ref(named: NamedType, lifetime: str, profile: int) -> str:
    ident = names.type_name(named.name)
    if profile < LIFETIME_FREE_PROFILE and needs_lifetime(named):
        return f"{ident}<{lifetime}>"
    return ident


def type_ref(tref: TypeRef, lifetime: str, profile: int) -> str:
    """names.rs `type_ref`."""
    if isinstance(tref, NamedType):
        return named_ref(tref, lifetime, profile)

    def anonymous(t: Type) -> str:
        raise GenPanic(f"not implemented: anonymous type ref {witx_text(t)}")

    def pointer(t: PointerType | ConstPointerType) -> str:
        return guest_ptr(type_ref(t.pointee, lifetime, profile), lifetime, profile)

    def list_(t: ListType) -> str:
        if is_string(t):
            return guest_ptr("str", lifetime, profile)
        return guest_ptr(f"[{type_ref(t.element, lifetime, profile)}]", lifetime, profile)

    def variant(t: VariantType) -> str:
        shape = t.as_expected()
        if shape is None:
            raise GenPanic(f"not implemented: anonymous variant ref {witx_text(t)}")
        ok, err = shape
        ok_s = type_ref(ok, lifetime, profile) if ok is not None else "()"
        err_s = type_ref(err, lifetime, profile) if err is not None else "()"
        return f"Result<{ok_s}, {err_s}>"

    def record(t: RecordType) -> str:
        if t.kind is not RecordKind.TUPLE:
            return anonymous(t)
        return tuple_type([type_ref(m.tref, lifetime, profile) for m in t.members])

    return visit(tref, Cases(builtin=lambda t: BUILTIN[t.kind], list_=list_, pointer=pointer, const_pointer=pointer,
                             record=record, variant=variant, handle=anonymous))


def tuple_type(members: list[str]) -> str:
    """`(A, B,)` as rustfmt prints it: `(A, B)`, but `(A,)` for one member."""
    if len(members) == 1:
        return f"({members[0]},)"
    return f"({', '.join(members)})"


__all__ = [
    "ANON",
    "BUILTIN",
    "INT_REPR",
    "LIFETIME",
    "LIFETIME_FREE_PROFILE",
    "GenPanic",
    "guest_ptr",
    "is_string",
    "named_ref",
    "needs_lifetime",
    "passed_by_reference",
    "tuple_type",
    "type_ref",
    "witx_text",
]

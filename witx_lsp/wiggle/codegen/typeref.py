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
        elif isinstance(t, (PointerType, ConstPointerType, ListType)):
            return True
        elif isinstance(t, RecordType):
            todo.extend(m.tref for m in t.members)
        elif isinstance(t, VariantType):
            todo.extend(c.tref for c in t.cases if c.tref is not None)
    return False


def passed_by_reference(tref: TypeRef, profile: int) -> bool:
    """module_trait.rs `passed_by_reference` (on the resolved type)."""
    t = resolve(tref)
    if isinstance(t, (PointerType, ConstPointerType, ListType)):
        return profile < LIFETIME_FREE_PROFILE
    if isinstance(t, RecordType):
        return t.kind is not RecordKind.BITFLAGS
    return isinstance(t, VariantType) and not t.is_enum()


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
    if isinstance(tref, Builtin):
        return BUILTIN[tref.kind]
    if isinstance(tref, (PointerType, ConstPointerType)):
        return guest_ptr(type_ref(tref.pointee, lifetime, profile), lifetime, profile)
    if isinstance(tref, ListType):
        if is_string(tref):
            return guest_ptr("str", lifetime, profile)
        return guest_ptr(f"[{type_ref(tref.element, lifetime, profile)}]", lifetime, profile)
    if isinstance(tref, VariantType):
        shape = tref.as_expected()
        if shape is None:
            raise GenPanic(f"not implemented: anonymous variant ref {witx_text(tref)}")
        ok, err = shape
        ok_s = type_ref(ok, lifetime, profile) if ok is not None else "()"
        err_s = type_ref(err, lifetime, profile) if err is not None else "()"
        return f"Result<{ok_s}, {err_s}>"
    if isinstance(tref, RecordType) and tref.kind is RecordKind.TUPLE:
        return tuple_type([type_ref(m.tref, lifetime, profile) for m in tref.members])
    raise GenPanic(f"not implemented: anonymous type ref {witx_text(tref)}")


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

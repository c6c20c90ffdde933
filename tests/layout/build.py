"""Small constructors for model values, so tests can build types directly."""

from __future__ import annotations

from witx_lsp.model.types import (
    BOOL,
    STRING,
    Builtin,
    BuiltinKind,
    Case,
    ConstPointerType,
    HandleType,
    InterfaceFunc,
    IntRepr,
    ListType,
    Module,
    NamedType,
    Param,
    PointerType,
    RecordKind,
    RecordMember,
    RecordType,
    TypeRef,
    VariantType,
)

U8 = Builtin(BuiltinKind.U8)
U16 = Builtin(BuiltinKind.U16)
U32 = Builtin(BuiltinKind.U32)
U64 = Builtin(BuiltinKind.U64)
S8 = Builtin(BuiltinKind.S8)
S16 = Builtin(BuiltinKind.S16)
S32 = Builtin(BuiltinKind.S32)
S64 = Builtin(BuiltinKind.S64)
F32 = Builtin(BuiltinKind.F32)
F64 = Builtin(BuiltinKind.F64)
CHAR = Builtin(BuiltinKind.CHAR)
USIZE = Builtin(BuiltinKind.U32, lang_ptr_size=True)
CHAR8 = Builtin(BuiltinKind.U8, lang_c_char=True)
HANDLE = HandleType()
__all__ = ["BOOL", "STRING", "ConstPointerType", "IntRepr", "ListType", "PointerType"]


def named(name: str, tref: TypeRef) -> NamedType:
    return NamedType(name, tref)


def record(*fields: tuple[str, TypeRef]) -> RecordType:
    return RecordType(RecordKind.OTHER, tuple(RecordMember(n, t) for n, t in fields), form="record")


def tuple_(*trefs: TypeRef) -> RecordType:
    return RecordType(RecordKind.TUPLE, tuple(RecordMember(str(i), t) for i, t in enumerate(trefs)), form="tuple")


def flags(*names: str, repr: IntRepr = IntRepr.U32) -> RecordType:
    return RecordType(RecordKind.BITFLAGS, tuple(RecordMember(n, BOOL) for n in names), repr=repr, form="flags")


def variant(*cases: tuple[str, TypeRef | None], tag: IntRepr = IntRepr.U32, form: str = "variant") -> VariantType:
    return VariantType(tag, tuple(Case(n, t) for n, t in cases), form=form)


def enum(*names: str, tag: IntRepr = IntRepr.U32) -> VariantType:
    return VariantType(tag, tuple(Case(n, None) for n in names), form="enum")


def expected(ok: TypeRef | None, err: TypeRef | None) -> VariantType:
    return VariantType(IntRepr.U32, (Case("ok", ok), Case("err", err)), form="expected")


def union(*trefs: TypeRef, tag: IntRepr = IntRepr.U32) -> VariantType:
    return VariantType(tag, tuple(Case(str(i), t) for i, t in enumerate(trefs)), form="union")


def lst(t: TypeRef) -> ListType:
    return ListType(t)


def func(name: str, params: list[tuple[str, TypeRef]], results: list[tuple[str, TypeRef]] | None = None,
         noreturn: bool = False) -> InterfaceFunc:
    return InterfaceFunc(name, tuple(Param(n, t) for n, t in params), tuple(Param(n, t) for n, t in results or []),
                         noreturn)


def module(name: str, *funcs: InterfaceFunc) -> Module:
    return Module(name, (), tuple(funcs))

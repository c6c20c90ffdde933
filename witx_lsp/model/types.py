"""The typed model: an immutable mirror of the reference AST (WebAssembly/WASI
tools/witx/src/ast.rs, witx 0.9.1).

Spans are carried with `compare=False`, so two models that differ only in
positions compare equal (the reference's `Document ==` ignores locations too).
A `TypeRef` is either a `NamedType` (a reference to a typename) or an inline
`Type` value, as `TypeRef::Name` / `TypeRef::Value` in the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Generic, Protocol, TypeVar

from witx_lsp.base.span import FileSpan
from witx_lsp.model.frozen_init import interface_func_init, named_init, record_type_init, variant_type_init


class IntRepr(Enum):
    U8 = "u8"
    U16 = "u16"
    U32 = "u32"
    U64 = "u64"

    @property
    def size(self) -> int:
        return _INT_SIZE[self]


_INT_SIZE = {IntRepr.U8: 1, IntRepr.U16: 2, IntRepr.U32: 4, IntRepr.U64: 8}


class BuiltinKind(Enum):
    U8 = "u8"
    U16 = "u16"
    U32 = "u32"
    U64 = "u64"
    S8 = "s8"
    S16 = "s16"
    S32 = "s32"
    S64 = "s64"
    F32 = "f32"
    F64 = "f64"
    CHAR = "char"


@dataclass(frozen=True, slots=True)
class Builtin:
    kind: BuiltinKind
    lang_ptr_size: bool = False  # `(@witx usize)`: a u32 that is a pointer-sized integer
    lang_c_char: bool = False  # `(@witx char8)`: a u8 that is a C `char`

    @property
    def witx(self) -> str:
        """How the type is written in witx."""
        if self.lang_ptr_size:
            return "(@witx usize)"
        if self.lang_c_char:
            return "(@witx char8)"
        return self.kind.value


@dataclass(frozen=True, slots=True)
class ListType:
    element: TypeRef


@dataclass(frozen=True, slots=True)
class PointerType:
    pointee: TypeRef


@dataclass(frozen=True, slots=True)
class ConstPointerType:
    pointee: TypeRef


class RecordKind(Enum):
    TUPLE = "tuple"
    BITFLAGS = "bitflags"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class RecordMember:
    name: str
    tref: TypeRef
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class RecordType:
    kind: RecordKind
    members: tuple[RecordMember, ...]
    repr: IntRepr | None = None  # the bitflags repr (kind BITFLAGS only)
    # The surface syntax it came from: "record", "tuple" or "flags".
    form: str = field(default="record", compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    tref: TypeRef | None
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class VariantType:
    tag_repr: IntRepr
    cases: tuple[Case, ...]
    # The surface syntax: "variant", "enum", "union", "expected" or "bool".
    form: str = field(default="variant", compare=False, hash=False)

    def is_enum(self) -> bool:
        """No case carries a payload (ast.rs `Variant::is_enum`)."""
        return all(c.tref is None for c in self.cases)

    def is_bool(self) -> bool:
        return (len(self.cases) == 2 and self.cases[0].name == "false" and self.cases[1].name == "true"
                and self.is_enum())

    def as_expected(self) -> tuple[TypeRef | None, TypeRef | None] | None:
        """(ok, err) payloads when the cases are exactly `ok` then `err`
        (ast.rs `Variant::as_expected`), else None."""
        if len(self.cases) == 2 and self.cases[0].name == "ok" and self.cases[1].name == "err":
            return self.cases[0].tref, self.cases[1].tref
        return None


@dataclass(frozen=True, slots=True)
class HandleType:
    pass


Type = Builtin | ListType | PointerType | ConstPointerType | RecordType | VariantType | HandleType


@dataclass(frozen=True, slots=True)
class NamedType:
    """A typename; referring to it gives `TypeRef::Name`."""

    name: str
    tref: TypeRef
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)  # the `$name` of the definition

    def type(self) -> Type:
        return resolve(self)


TypeRef = NamedType | Type


def resolve(tref: TypeRef) -> Type:
    """The type a reference denotes, following alias chains iteratively."""
    while isinstance(tref, NamedType):
        tref = tref.tref
    return tref


def tuple_members(tref: TypeRef) -> tuple[TypeRef, ...] | None:
    """The member types when `tref` denotes a tuple, else None (in the Preview1 ABI each member
    of a tuple ok payload gets its own out-pointer)."""
    t = resolve(tref)
    if isinstance(t, RecordType) and t.kind is RecordKind.TUPLE:
        return tuple(m.tref for m in t.members)
    return None


R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class TypeVisitor(Protocol[R_co]):
    """What to do with each kind of type: `visit(t, visitor)` calls the method for `t`'s kind.
    The one place that dispatches over the `Type` union; every consumer (ABI streams,
    generator hazards, hover, WIT) implements these seven methods instead of an
    `isinstance` chain, so a new kind of type is a type error everywhere it is not handled."""

    def on_builtin(self, t: Builtin) -> R_co: ...
    def on_list(self, t: ListType) -> R_co: ...
    def on_pointer(self, t: PointerType) -> R_co: ...
    def on_const_pointer(self, t: ConstPointerType) -> R_co: ...
    def on_record(self, t: RecordType) -> R_co: ...
    def on_variant(self, t: VariantType) -> R_co: ...
    def on_handle(self, t: HandleType) -> R_co: ...


def visit(t: Type, visitor: TypeVisitor[R]) -> R:
    match t:
        case Builtin():
            return visitor.on_builtin(t)
        case ListType():
            return visitor.on_list(t)
        case PointerType():
            return visitor.on_pointer(t)
        case ConstPointerType():
            return visitor.on_const_pointer(t)
        case RecordType():
            return visitor.on_record(t)
        case VariantType():
            return visitor.on_variant(t)
        case HandleType():
            return visitor.on_handle(t)


class ByKind(Generic[R]):
    """A visitor that answers one value per kind (tables such as the reference's kind names)."""

    def __init__(self, builtin: R, list_: R, pointer: R, const_pointer: R, record: R, variant: R,
                 handle: R) -> None:
        self.values = (builtin, list_, pointer, const_pointer, record, variant, handle)

    def on_builtin(self, t: Builtin) -> R:
        return self.values[0]

    def on_list(self, t: ListType) -> R:
        return self.values[1]

    def on_pointer(self, t: PointerType) -> R:
        return self.values[2]

    def on_const_pointer(self, t: ConstPointerType) -> R:
        return self.values[3]

    def on_record(self, t: RecordType) -> R:
        return self.values[4]

    def on_variant(self, t: VariantType) -> R:
        return self.values[5]

    def on_handle(self, t: HandleType) -> R:
        return self.values[6]


@dataclass(frozen=True)  # not slots: `Cases[T](...)` sets `__orig_class__`, which a slotted frozen class refuses
class Cases(Generic[R]):
    """A visitor made of one function per kind, every kind required (so mypy reports the one a
    new kind leaves out): `visit(t, Cases(builtin=lambda b: ..., list_=..., ...))`. For a dispatch
    that needs no state of its own; a consumer with state implements `TypeVisitor` as a class."""

    builtin: Callable[[Builtin], R]
    list_: Callable[[ListType], R]
    pointer: Callable[[PointerType], R]
    const_pointer: Callable[[ConstPointerType], R]
    record: Callable[[RecordType], R]
    variant: Callable[[VariantType], R]
    handle: Callable[[HandleType], R]

    def on_builtin(self, t: Builtin) -> R:
        return self.builtin(t)

    def on_list(self, t: ListType) -> R:
        return self.list_(t)

    def on_pointer(self, t: PointerType) -> R:
        return self.pointer(t)

    def on_const_pointer(self, t: ConstPointerType) -> R:
        return self.const_pointer(t)

    def on_record(self, t: RecordType) -> R:
        return self.record(t)

    def on_variant(self, t: VariantType) -> R:
        return self.variant(t)

    def on_handle(self, t: HandleType) -> R:
        return self.handle(t)


class _Inner:
    """The type references written inside a type (flags have none: their members are names)."""

    def on_builtin(self, t: Builtin) -> tuple[TypeRef, ...]:
        return ()

    def on_list(self, t: ListType) -> tuple[TypeRef, ...]:
        return (t.element,)

    def on_pointer(self, t: PointerType) -> tuple[TypeRef, ...]:
        return (t.pointee,)

    def on_const_pointer(self, t: ConstPointerType) -> tuple[TypeRef, ...]:
        return (t.pointee,)

    def on_record(self, t: RecordType) -> tuple[TypeRef, ...]:
        return () if t.kind is RecordKind.BITFLAGS else tuple(m.tref for m in t.members)

    def on_variant(self, t: VariantType) -> tuple[TypeRef, ...]:
        return tuple(c.tref for c in t.cases if c.tref is not None)

    def on_handle(self, t: HandleType) -> tuple[TypeRef, ...]:
        return ()


_INNER = _Inner()


def inner_types(t: Type) -> tuple[TypeRef, ...]:
    """The type references directly inside `t`, in order: a list's element, a pointee, record
    members, variant payloads."""
    return visit(t, _INNER)


# `Type::kind()` of the reference (ast.rs), used in messages.
_KIND_NAMES = ByKind("builtin", "list", "pointer", "constpointer", "record", "variant", "handle")


def type_kind(t: Type) -> str:
    """`Type::kind()` of the reference (ast.rs), used in messages."""
    return visit(t, _KIND_NAMES)


BOOL = VariantType(IntRepr.U32, (Case("false", None), Case("true", None)), form="bool")
STRING = ListType(Builtin(BuiltinKind.CHAR))


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    tref: TypeRef
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class InterfaceFunc:
    name: str
    params: tuple[Param, ...]
    results: tuple[Param, ...]
    noreturn: bool = False
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)  # the export string


@dataclass(frozen=True, slots=True)
class ModuleImport:
    """`(import "name" (memory))`: memory is the only importable thing."""

    name: str
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    imports: tuple[ModuleImport, ...]
    funcs: tuple[InterfaceFunc, ...]
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)

    def func(self, name: str) -> InterfaceFunc | None:
        return next((f for f in self.funcs if f.name == name), None)


@dataclass(frozen=True, slots=True)
class Constant:
    """`(@witx const $ty $name value)`; `ty` is the type's name (never checked by
    the reference; the model records it as written)."""

    ty: str
    name: str
    value: int
    docs: str = ""
    span: FileSpan | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Document:
    """A loaded set of files in one namespace (the reference `Document`).

    `typenames` and `modules` keep definition order. Equality compares typenames
    and modules only, as the reference's `Document ==` does.
    """

    typenames: tuple[NamedType, ...]
    modules: tuple[Module, ...]
    constants: tuple[Constant, ...] = field(default=(), compare=False)

    # The indexes by name are made on the first question (most analyses, a keystroke's, are not
    # asked); `cached_property` keeps them in the instance's dict, past the frozen `__setattr__`.
    @cached_property
    def _types_by_name(self) -> dict[str, NamedType]:
        return {t.name: t for t in self.typenames}

    @cached_property
    def _modules_by_name(self) -> dict[str, Module]:
        return {m.name: m for m in self.modules}

    def typename(self, name: str) -> NamedType | None:
        return self._types_by_name.get(name)

    def module(self, name: str) -> Module | None:
        return self._modules_by_name.get(name)


# Faster constructors for the values an analysis makes by the ten thousand (model/frozen_init.py).
for _cls in (RecordMember, Case, NamedType, Param):
    named_init(_cls)
record_type_init(RecordType)
variant_type_init(VariantType)
interface_func_init(InterfaceFunc)

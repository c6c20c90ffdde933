"""Guest types for witx types, laid out by the layout engine, reading and
writing as wiggle's generated `GuestType` impls do (wasmtime
crates/wiggle/generate/src/types/{record,variant,flags,handle}.rs, v19.0.2).

Python values:

| witx | value |
|---|---|
| u8 … s64, handles | int |
| f32, f64 | float (f32 through its bit pattern) |
| char | a one-character str |
| enum (and a named bool) | the case name, e.g. "badf" |
| flags | a frozenset of flag names |
| variant, union, expected | (case name, payload or None) |
| record | an instance of a frozen dataclass named after the Rust type, fields named after the witx fields |
| tuple | a tuple |
| pointer, const_pointer | GuestPtr |
| list | SlicePtr; string: StrPtr |

Records are read field by field, each at `offset + field offset` (checked,
PtrOverflow) with the field's own checks; variants read their tag, refuse an
unknown one with InvalidEnumValue("<RustName>"), then read the payload at the
common payload offset. Writes go in the same order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from witx_lsp.layout import Layout, LayoutEngine, engine_for, layout_of
from witx_lsp.layout.report import type_label
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    ConstPointerType,
    Document,
    HandleType,
    IntRepr,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wiggle.runtime._names import py_class_name, py_ident, rust_type_name
from witx_lsp.wiggle.runtime.errors import InvalidEnumValue, InvalidFlagValue, TryFromIntError
from witx_lsp.wiggle.runtime.guest_type import (
    F32,
    F64,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    GuestType,
    Primitive,
    PtrType,
    SlicePtrType,
    StrPtrType,
    checked_offset,
)
from witx_lsp.wiggle.runtime.memory import GuestMemory
from witx_lsp.wiggle.runtime.region import U32_MAX

_BUILTIN: dict[BuiltinKind, Primitive[Any]] = {
    BuiltinKind.U8: U8, BuiltinKind.S8: I8, BuiltinKind.U16: U16, BuiltinKind.S16: I16,
    BuiltinKind.U32: U32, BuiltinKind.S32: I32, BuiltinKind.U64: U64, BuiltinKind.S64: I64,
    BuiltinKind.F32: F32, BuiltinKind.F64: F64,
}
_REPR: dict[IntRepr, Primitive[int]] = {IntRepr.U8: U8, IntRepr.U16: U16, IntRepr.U32: U32, IntRepr.U64: U64}


class CharType(GuestType[str]):
    """A Unicode scalar value stored as a u32. wiggle has no `GuestType` for
    `char`; an invalid value is reported as an int conversion error."""

    size = 4
    align = 4
    name = "char"

    def read(self, mem: GuestMemory, offset: int) -> str:
        v = U32.read(mem, offset)
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise TryFromIntError()
        return chr(v)

    def write(self, mem: GuestMemory, offset: int, val: str) -> None:
        if not isinstance(val, str) or len(val) != 1:
            raise TypeError("a char is a one-character str")
        U32.write(mem, offset, ord(val))


class HandleGuestType(GuestType[int]):
    """A handle: a plain u32, never validated (types/handle.rs)."""

    size = 4
    align = 4

    def __init__(self, name: str) -> None:
        self.name = name

    def read(self, mem: GuestMemory, offset: int) -> int:
        return U32.read(mem, offset)

    def write(self, mem: GuestMemory, offset: int, val: int) -> None:
        U32.write(mem, offset, val)


class EnumGuestType(GuestType[str]):
    """A variant without payloads: the tag, as a case name (types/variant.rs)."""

    def __init__(self, name: str, rust_name: str, tag: Primitive[int], cases: tuple[str, ...],
                 size: int, align: int) -> None:
        self.name = name
        self.rust_name = rust_name
        self.tag = tag
        self.cases = cases
        self.index = {c: i for i, c in enumerate(cases)}
        self.size = size
        self.align = align

    def from_tag(self, tag: int) -> str:
        if 0 <= tag < len(self.cases):
            return self.cases[tag]
        raise InvalidEnumValue(self.rust_name)

    def to_tag(self, val: str) -> int:
        try:
            return self.index[val]
        except (KeyError, TypeError):
            raise ValueError(f"{val!r} is not a case of {self.name} (cases: {', '.join(self.cases)})") from None

    def read(self, mem: GuestMemory, offset: int) -> str:
        return self.from_tag(self.tag.read(mem, offset))

    def write(self, mem: GuestMemory, offset: int, val: str) -> None:
        self.tag.write(mem, offset, self.to_tag(val))


class FlagsGuestType(GuestType[frozenset[str]]):
    """Flags: the repr integer, any unknown bit refused with
    InvalidFlagValue("<RustName>") (types/flags.rs, bitflags `from_bits`)."""

    def __init__(self, name: str, rust_name: str, repr_: Primitive[int], flags: tuple[str, ...]) -> None:
        self.name = name
        self.rust_name = rust_name
        self.repr = repr_
        self.flags = flags
        self.bits = {f: 1 << i for i, f in enumerate(flags)}
        self.mask = (1 << len(flags)) - 1
        self.size = repr_.size
        self.align = repr_.align

    def from_bits(self, bits: int) -> frozenset[str]:
        if bits & ~self.mask:
            raise InvalidFlagValue(self.rust_name)
        return frozenset(f for i, f in enumerate(self.flags) if bits >> i & 1)

    def to_bits(self, val: Iterable[str]) -> int:
        if isinstance(val, str):
            raise TypeError("flags are a set of flag names")
        bits = 0
        for f in val:
            if f not in self.bits:
                raise ValueError(f"{f!r} is not a flag of {self.name} (flags: {', '.join(self.flags)})")
            bits |= self.bits[f]
        return bits

    def read(self, mem: GuestMemory, offset: int) -> frozenset[str]:
        return self.from_bits(self.repr.read(mem, offset))

    def write(self, mem: GuestMemory, offset: int, val: frozenset[str]) -> None:
        self.repr.write(mem, offset, self.to_bits(val))


class VariantGuestType(GuestType[tuple[str, Any]]):
    """A variant with payloads (also unions and `expected`): (case, payload)."""

    def __init__(self, name: str, rust_name: str, tag: Primitive[int],
                 cases: tuple[tuple[str, GuestType[Any] | None], ...], payload_offset: int,
                 size: int, align: int, labels: tuple[str, ...] | None = None) -> None:
        self.name = name
        self.rust_name = rust_name
        self.tag = tag
        self.cases = cases
        self.labels = labels or tuple("" if p is None else p.name for _, p in cases)  # payload types, witx names
        self.index = {c: i for i, (c, _) in enumerate(cases)}
        self.payload_offset = payload_offset
        self.size = size
        self.align = align

    def read(self, mem: GuestMemory, offset: int) -> tuple[str, Any]:
        tag = self.tag.read(mem, offset)
        if not 0 <= tag < len(self.cases):
            raise InvalidEnumValue(self.rust_name)
        case, payload = self.cases[tag]
        if payload is None:
            return case, None
        return case, payload.read(mem, checked_offset(offset, self.payload_offset))

    def write(self, mem: GuestMemory, offset: int, val: tuple[str, Any]) -> None:
        if isinstance(val, str):
            val = (val, None)
        case, value = val
        if case not in self.index:
            raise ValueError(f"{case!r} is not a case of {self.name} "
                             f"(cases: {', '.join(c for c, _ in self.cases)})")
        i = self.index[case]
        self.tag.write(mem, offset, i)
        payload = self.cases[i][1]
        if payload is not None:
            payload.write(mem, checked_offset(offset, self.payload_offset), value)


class RecordGuestType(GuestType[Any]):
    """A record (or tuple): fields read and written in member order, each at
    `offset + field offset`."""

    def __init__(self, name: str, rust_name: str, fields: tuple[tuple[str, str, int, GuestType[Any]], ...],
                 size: int, align: int, factory: Callable[..., Any] | None,
                 labels: tuple[str, ...] | None = None) -> None:
        self.name = name
        self.rust_name = rust_name
        self.fields = fields  # (witx name, python name, offset, type)
        self._plan = tuple((f[2], f[3]) for f in fields)
        self._last = max((f[2] for f in fields), default=0)
        self.labels = labels or tuple(f[3].name for f in fields)  # the field types as the witx names them
        self.size = size
        self.align = align
        self.factory = factory  # None: values are tuples

    def read(self, mem: GuestMemory, offset: int) -> Any:
        if offset + self._last > U32_MAX:
            # some field's offset overflows: find the first one, as the field-by-field reads would
            return self._read_checked(mem, offset)
        values = [ty.read(mem, offset + off) for off, ty in self._plan]
        return tuple(values) if self.factory is None else self.factory(*values)

    def _read_checked(self, mem: GuestMemory, offset: int) -> Any:
        values = [ty.read(mem, checked_offset(offset, off)) for off, ty in self._plan]
        return tuple(values) if self.factory is None else self.factory(*values)

    def field_values(self, val: Any) -> list[Any]:
        if self.factory is None or isinstance(val, (tuple, list)):
            if len(val) != len(self.fields):
                raise ValueError(f"{self.name} has {len(self.fields)} members, got {len(val)} values")
            return list(val)
        if isinstance(val, Mapping):
            out = []
            for witx, py, _, _ in self.fields:
                if witx in val:
                    out.append(val[witx])
                elif py in val:
                    out.append(val[py])
                else:
                    raise ValueError(f"missing field `{witx}` of {self.name}")
            return out
        return [getattr(val, py) for _, py, _, _ in self.fields]

    def write(self, mem: GuestMemory, offset: int, val: Any) -> None:
        for (_, _, off, ty), v in zip(self.fields, self.field_values(val), strict=True):
            ty.write(mem, checked_offset(offset, off), v)


class TypeSpace:
    """Guest types for the types of one document. Record values are made by
    the classes in `classes` (a mapping or a namespace such as a module
    generated by `generate_protocol`, looked up by Python class name), else by
    frozen dataclasses made on demand."""

    def __init__(self, document: Document, *, classes: Mapping[str, Callable[..., Any]] | object | None = None,
                 engine: LayoutEngine | None = None) -> None:
        self.document = document
        self.engine = engine or engine_for(document)
        self._classes = classes
        self._cache: dict[int, tuple[TypeRef, GuestType[Any]]] = {}
        self._records: dict[str, Callable[..., Any]] = {}

    def named(self, name: str) -> GuestType[Any]:
        nt = self.document.typename(name.removeprefix("$"))
        if nt is None:
            raise KeyError(f"no typename `{name}`")
        return self.of(nt)

    def of(self, tref: TypeRef) -> GuestType[Any]:
        hit = self._cache.get(id(tref))
        if hit is not None:
            return hit[1]
        ty = self._build(tref)
        self._cache[id(tref)] = (tref, ty)
        return ty

    def layout(self, tref: TypeRef) -> Layout:
        lay = layout_of(tref, self.engine)
        if not lay.ok:
            raise ValueError(f"`{_label(tref)}` has no layout: {lay.error}")
        return lay

    def record_class(self, name: str, fields: tuple[str, ...]) -> Callable[..., Any]:
        cls_name = py_class_name(name)
        hit = self._records.get(cls_name)
        if hit is not None:
            return hit
        found: Any = None
        if isinstance(self._classes, Mapping):
            found = self._classes.get(cls_name) or self._classes.get(name)
        elif self._classes is not None:
            found = getattr(self._classes, cls_name, None)
        if found is None:
            found = dataclasses.make_dataclass(cls_name, [(f, Any) for f in fields], frozen=True)
        self._records[cls_name] = found
        return found  # type: ignore[no-any-return]

    def _build(self, tref: TypeRef) -> GuestType[Any]:
        name = _label(tref)
        if isinstance(tref, NamedType) and isinstance(tref.tref, NamedType):
            return self.of(tref.tref)  # an alias: the target's type (and Rust name)
        return visit(resolve(tref), _Build(self, tref, name))


class _Build:
    """The GuestType of one type (`tref` as written, `name` its label)."""

    def __init__(self, space: TypeSpace, tref: TypeRef, name: str) -> None:
        self.space, self.tref, self.name = space, tref, name

    def rust(self) -> str:
        return rust_type_name(self.name) if isinstance(self.tref, NamedType) else self.name

    def on_builtin(self, t: Builtin) -> GuestType[Any]:
        return CharType() if t.kind is BuiltinKind.CHAR else _BUILTIN[t.kind]

    def on_list(self, t: ListType) -> GuestType[Any]:
        el = resolve(t.element)
        if isinstance(el, Builtin) and el.kind is BuiltinKind.CHAR:
            return StrPtrType(self.name)
        return SlicePtrType(lambda: self.space.of(t.element), self.name)

    def on_pointer(self, t: PointerType) -> GuestType[Any]:
        return PtrType(lambda: self.space.of(t.pointee), self.name)

    def on_const_pointer(self, t: ConstPointerType) -> GuestType[Any]:
        return PtrType(lambda: self.space.of(t.pointee), self.name)

    def on_handle(self, t: HandleType) -> GuestType[Any]:
        return HandleGuestType(self.name)

    def on_record(self, t: RecordType) -> GuestType[Any]:
        name, rust = self.name, self.rust()
        if t.kind is RecordKind.BITFLAGS:
            return FlagsGuestType(name, rust, _REPR[t.repr or IntRepr.U32], tuple(m.name for m in t.members))
        lay = self.space.layout(self.tref)
        fields = tuple((m.name, py_ident(m.name), ml.offset, self.space.of(m.tref))
                       for m, ml in zip(t.members, lay.members, strict=True))
        factory = None if t.kind is RecordKind.TUPLE else self.space.record_class(name, tuple(f[1] for f in fields))
        return RecordGuestType(name, rust, fields, lay.size, lay.align, factory,
                               tuple(_label(m.tref) for m in t.members))

    def on_variant(self, t: VariantType) -> GuestType[Any]:
        name, rust, lay = self.name, self.rust(), self.space.layout(self.tref)
        tag = _REPR[t.tag_repr]
        if t.is_enum():
            return EnumGuestType(name, rust, tag, tuple(c.name for c in t.cases), lay.size, lay.align)
        cases = tuple((c.name, None if c.tref is None else self.space.of(c.tref)) for c in t.cases)
        return VariantGuestType(name, rust, tag, cases, lay.payload_offset or tag.size, lay.size, lay.align,
                                tuple("" if c.tref is None else _label(c.tref) for c in t.cases))


def _label(tref: TypeRef) -> str:
    """A typename's name, or the witx spelling of an inline type."""
    if isinstance(tref, NamedType):
        return tref.name
    return type_label(tref)

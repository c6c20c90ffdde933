"""Guest types: how a value of one type is read from and written to guest
memory (bytecodealliance/wasmtime crates/wiggle/src/guest_type.rs, v19.0.2).

A `GuestType[T]` is a descriptor (size, alignment, read, write), the Python
counterpart of a Rust type implementing `GuestType`. The ten primitives are
*transparent* (every bit pattern valid; usable with slices); pointers are
stored as a u32 offset, slice and string pointers as (offset u32, length u32).
Types built from witx definitions live in `witx_lsp.wiggle.runtime.witx_types`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from witx_lsp.wiggle.runtime.errors import PtrBorrowed, PtrNotAligned, PtrOutOfBounds, PtrOverflow
from witx_lsp.wiggle.runtime.region import U32_MAX, Region

if TYPE_CHECKING:
    from witx_lsp.wiggle.runtime.memory import GuestMemory
    from witx_lsp.wiggle.runtime.ptr import GuestPtr, SlicePtr, StrPtr

T = TypeVar("T")
P = TypeVar("P")  # a pointer value


class GuestType(Generic[T]):
    """`size` and `align` in bytes; `name` names the type in messages (a witx
    name for witx types); `transparent` types may be viewed as slices."""

    size: int
    align: int
    name: str
    transparent: bool = False
    fmt: str = ""  # the memoryview/struct format of a transparent type

    def read(self, mem: GuestMemory, offset: int) -> T:
        raise NotImplementedError

    def write(self, mem: GuestMemory, offset: int, val: T) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<guest type {self.name}>"


class Primitive(GuestType[T]):
    """An integer or float, little-endian (guest_type.rs `integer_primitives!`,
    `float_primitives!`): read validates, then refuses a mutably borrowed
    region; write refuses any borrowed region."""

    transparent = True

    def __init__(self, name: str, fmt: str, size: int) -> None:
        self.name = name
        self.fmt = fmt
        self.size = size
        self.align = size  # u64/i64/f64: align_of::<u64>() is 8 on 64-bit hosts
        self._struct = struct.Struct("<" + fmt)

    def read(self, mem: GuestMemory, offset: int) -> T:
        base = mem.base()
        self._check(mem, base, offset, False)
        value: T = self._struct.unpack_from(base, offset)[0]
        return value

    def write(self, mem: GuestMemory, offset: int, val: T) -> None:
        data = self._pack(val)
        base = mem.base()
        self._check(mem, base, offset, True)
        base[offset:offset + self.size] = data

    def _check(self, mem: GuestMemory, base: memoryview, offset: int, writing: bool) -> None:
        """In bounds, aligned, then not borrowed: a read is refused where the region is mutably
        borrowed, a write where it is borrowed at all."""
        size = self.size
        if offset > len(base) - size:
            raise PtrOutOfBounds(Region(offset, size))
        if offset % self.align:
            raise PtrNotAligned(Region(offset, size), self.align)
        if mem.has_outstanding_borrows():
            region = Region(offset, size)
            if (writing and mem.is_shared_borrowed(region)) or mem.is_mut_borrowed(region):
                raise PtrBorrowed(region)

    def _pack(self, val: T) -> bytes:
        try:
            return self._struct.pack(val)
        except struct.error as e:
            raise ValueError(f"{val!r} is not a valid {self.name}") from e

    def unpack(self, data: bytes | memoryview) -> T:
        value: T = self._struct.unpack_from(data, 0)[0]
        return value


class F32Type(Primitive[float]):
    """f32 through its bit pattern (`f32::from_bits` / `to_bits`): NaN payloads
    survive, signalling NaNs included, which a C float/double cast would quiet."""

    def __init__(self) -> None:
        super().__init__("f32", "f", 4)
        self._bits = struct.Struct("<I")

    def read(self, mem: GuestMemory, offset: int) -> float:
        bits: int = U32.read(mem, offset)
        return f32_from_bits(bits)

    def _pack(self, val: float) -> bytes:
        return self._bits.pack(f32_to_bits(val))

    def unpack(self, data: bytes | memoryview) -> float:
        return f32_from_bits(self._bits.unpack_from(data, 0)[0])


_F64 = struct.Struct("<d")
_U64 = struct.Struct("<Q")
_F32 = struct.Struct("<f")
_U32 = struct.Struct("<I")


def f32_from_bits(bits: int) -> float:
    if bits & 0x7F80_0000 == 0x7F80_0000 and bits & 0x007F_FFFF:
        # A NaN: widen by hand so the payload (and the signalling bit) is kept.
        sign = (bits >> 31) << 63
        wide = sign | (0x7FF << 52) | ((bits & 0x007F_FFFF) << 29)
        value: float = _F64.unpack(_U64.pack(wide))[0]
        return value
    narrow: float = _F32.unpack(_U32.pack(bits))[0]
    return narrow


def f32_to_bits(val: float) -> int:
    val = float(val)
    if val != val:
        wide: int = _U64.unpack(_F64.pack(val))[0]
        mantissa = (wide >> 29) & 0x007F_FFFF
        return ((wide >> 63) << 31) | 0x7F80_0000 | (mantissa or 0x0040_0000)
    try:
        bits: int = _U32.unpack(_F32.pack(val))[0]
    except OverflowError as e:
        raise ValueError(f"{val!r} is out of the f32 range") from e
    return bits


U8: Primitive[int] = Primitive("u8", "B", 1)
I8: Primitive[int] = Primitive("i8", "b", 1)
U16: Primitive[int] = Primitive("u16", "H", 2)
I16: Primitive[int] = Primitive("i16", "h", 2)
U32: Primitive[int] = Primitive("u32", "I", 4)
I32: Primitive[int] = Primitive("i32", "i", 4)
U64: Primitive[int] = Primitive("u64", "Q", 8)
I64: Primitive[int] = Primitive("i64", "q", 8)
F32: Primitive[float] = F32Type()
F64: Primitive[float] = Primitive("f64", "d", 8)

PRIMITIVES: dict[str, Primitive[Any]] = {p.name: p for p in (U8, I8, U16, I16, U32, I32, U64, I64, F32, F64)}


def checked_offset(offset: int, amt: int) -> int:
    """`offset.checked_add(amt)` on u32, else PtrOverflow."""
    out = offset + amt
    if out > U32_MAX:
        raise PtrOverflow()
    return out


class _Deferred(Generic[T]):
    """A guest type given directly or as a zero-argument callable, resolved on first use (so
    self-referential definitions need no recursion)."""

    __slots__ = ("_type",)

    def __init__(self, type_: GuestType[T] | Callable[[], GuestType[T]]) -> None:
        self._type = type_

    def get(self) -> GuestType[T]:
        t = self._type
        if not isinstance(t, GuestType):
            t = self._type = t()
        return t


class PtrType(GuestType["GuestPtr[T]"]):
    """`GuestPtr<T>` stored in memory: a u32 offset (guest_type.rs 189-208).
    The pointee is given directly or as a zero-argument callable (`_Deferred`)."""

    size = 4
    align = 4

    def __init__(self, pointee: GuestType[T] | Any, name: str = "") -> None:
        self._pointee = _Deferred[T](pointee)
        self.name = name or "pointer"

    @property
    def pointee(self) -> GuestType[T]:
        return self._pointee.get()

    def read(self, mem: GuestMemory, offset: int) -> GuestPtr[T]:
        return _ptr_classes()[0](mem, U32.read(mem, offset), self.pointee)  # type: ignore[no-any-return]

    def write(self, mem: GuestMemory, offset: int, val: GuestPtr[T]) -> None:
        U32.write(mem, offset, _offset_of(val))


class _PairPtrType(GuestType[P]):
    """A pointer with a length stored in memory: offset u32 at +0, then length u32 at +4
    (reached with a checked add), both read and written in that order (guest_type.rs 211-237)."""

    size = 8
    align = 4

    def read(self, mem: GuestMemory, offset: int) -> P:
        base = U32.read(mem, offset)
        length = U32.read(mem, checked_offset(offset, 4))
        return self.pointer(mem, base, length)

    def write(self, mem: GuestMemory, offset: int, val: P) -> None:
        base, length = _pair_of(val)
        U32.write(mem, offset, base)
        U32.write(mem, checked_offset(offset, 4), length)

    def pointer(self, mem: GuestMemory, base: int, length: int) -> P:
        raise NotImplementedError


class SlicePtrType(_PairPtrType["SlicePtr[T]"]):
    """`GuestPtr<[T]>` stored in memory (the element type given as to `PtrType`)."""

    def __init__(self, element: GuestType[T] | Any, name: str = "") -> None:
        self._element = _Deferred[T](element)
        self.name = name or "list"

    @property
    def element(self) -> GuestType[T]:
        return self._element.get()

    def pointer(self, mem: GuestMemory, base: int, length: int) -> SlicePtr[T]:
        return _ptr_classes()[1](mem, base, length, self.element)  # type: ignore[no-any-return]


class StrPtrType(_PairPtrType["StrPtr"]):
    """A string pointer stored in memory, laid out as a list (offset, length in
    bytes). wiggle has no `GuestType` for `GuestPtr<str>`; this reads what a
    witx `string` field or pointee holds."""

    def __init__(self, name: str = "string") -> None:
        self.name = name

    def pointer(self, mem: GuestMemory, base: int, length: int) -> StrPtr:
        return _ptr_classes()[2](mem, base, length)  # type: ignore[no-any-return]


_PTRS: tuple[Any, Any, Any] | None = None


def _ptr_classes() -> tuple[Any, Any, Any]:
    """GuestPtr, SlicePtr and StrPtr (ptr.py imports this module)."""
    global _PTRS
    if _PTRS is None:
        from witx_lsp.wiggle.runtime.ptr import GuestPtr, SlicePtr, StrPtr
        _PTRS = (GuestPtr, SlicePtr, StrPtr)
    return _PTRS


def _offset_of(val: Any) -> int:
    from witx_lsp.wiggle.runtime.ptr import GuestPtr
    if isinstance(val, GuestPtr):
        return val.offset()
    if isinstance(val, int) and not isinstance(val, bool):
        return val
    raise TypeError(f"expected a GuestPtr, got {type(val).__name__}")


def _pair_of(val: Any) -> tuple[int, int]:
    """(offset, length) of a slice or string pointer (or of a pair of ints)."""
    from witx_lsp.wiggle.runtime.ptr import SlicePtr, StrPtr
    if isinstance(val, (SlicePtr, StrPtr)):
        return val.offset()
    if isinstance(val, tuple) and len(val) == 2 and all(isinstance(v, int) for v in val):
        return val[0], val[1]
    raise TypeError(f"expected a slice or string pointer, got {type(val).__name__}")

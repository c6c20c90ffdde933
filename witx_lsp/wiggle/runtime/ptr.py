"""Guest pointers: `GuestPtr[T]` for sized pointees (one u32 offset), `SlicePtr[T]`
for `[T]` and `StrPtr` for `str` (offset, length) (wasmtime
crates/wiggle/src/lib.rs `GuestPtr`, v19.0.2).

Creating a pointer never validates it. Methods raise `GuestError` where Rust
returns `Err`. Slice and string views (`slices.py`) are context managers that
release their borrow on exit.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from witx_lsp.wiggle.runtime.errors import PtrOverflow, SliceLengthsDiffer
from witx_lsp.wiggle.runtime.guest_type import U8, GuestType, f32_to_bits
from witx_lsp.wiggle.runtime.memory import GuestMemory, validate_size_align
from witx_lsp.wiggle.runtime.region import U32_MAX
from witx_lsp.wiggle.runtime.slices import GuestSlice, GuestSliceMut, GuestStr, GuestStrMut, UnsafeGuestSlice

T = TypeVar("T")
U = TypeVar("U")


def _u32(value: int, what: str) -> int:
    if not 0 <= value <= U32_MAX:
        raise ValueError(f"{what} {value} is not a u32")
    return value


class GuestPtr(Generic[T]):
    """A pointer to one `T` in guest memory."""

    __slots__ = ("_mem", "_pointer", "_ty")

    def __init__(self, mem: GuestMemory, pointer: int, ty: GuestType[T]) -> None:
        if not 0 <= pointer <= U32_MAX:
            _u32(pointer, "pointer")
        self._mem = mem
        self._pointer = pointer
        self._ty = ty

    def offset(self) -> int:
        return self._pointer

    def mem(self) -> GuestMemory:
        return self._mem

    @property
    def ty(self) -> GuestType[T]:
        return self._ty

    def cast(self, ty: GuestType[U]) -> GuestPtr[U]:
        """The same offset, read as another type (nothing is checked)."""
        return GuestPtr(self._mem, self._pointer, ty)

    def read(self) -> T:
        return self._ty.read(self._mem, self._pointer)

    def write(self, val: T) -> None:
        self._ty.write(self._mem, self._pointer, val)

    def add(self, amt: int) -> GuestPtr[T]:
        """`amt` items further on: u32 `amt * size`, then u32 `offset + that`,
        either overflowing gives PtrOverflow (lib.rs `GuestPtr::add`)."""
        step = _u32(amt, "amount") * self._ty.size
        if step > U32_MAX or self._pointer + step > U32_MAX:
            raise PtrOverflow()
        return GuestPtr(self._mem, self._pointer + step, self._ty)

    def as_array(self, elems: int) -> SlicePtr[T]:
        return SlicePtr(self._mem, self._pointer, elems, self._ty)

    def is_shared_memory(self) -> bool:
        return self._mem.is_shared_memory()

    def __repr__(self) -> str:
        return f"*guest {self._pointer:#x}"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, GuestPtr) and other._mem is self._mem and other._pointer == self._pointer
                and _same_type(other._ty, self._ty))

    def __hash__(self) -> int:
        return hash((id(self._mem), self._pointer))


def _same_type(a: GuestType[Any], b: GuestType[Any]) -> bool:
    return a is b or (type(a) is type(b) and a.name == b.name and a.size == b.size)


class _Region:
    """What `GuestPtr<[T]>` and `GuestPtr<str>` share: a memory, an offset and a length."""

    __slots__ = ("_len", "_mem", "_pointer")
    _mem: GuestMemory
    _pointer: int
    _len: int

    def offset(self) -> tuple[int, int]:
        return self._pointer, self._len

    def offset_base(self) -> int:
        return self._pointer

    def len(self) -> int:
        return self._len

    def __len__(self) -> int:
        return self._len

    def mem(self) -> GuestMemory:
        return self._mem

    def is_shared_memory(self) -> bool:
        return self._mem.is_shared_memory()

    def __repr__(self) -> str:
        return f"*guest {self._pointer:#x}/{self._len}"


class SlicePtr(_Region, Generic[T]):
    """A pointer to `len` consecutive `T`s (`GuestPtr<[T]>`)."""

    __slots__ = ("_ty",)

    def __init__(self, mem: GuestMemory, offset: int, length: int, ty: GuestType[T]) -> None:
        if not (0 <= offset <= U32_MAX and 0 <= length <= U32_MAX):
            _u32(offset, "pointer")
            _u32(length, "length")
        self._mem = mem
        self._pointer = offset
        self._len = length
        self._ty = ty

    @property
    def ty(self) -> GuestType[T]:
        return self._ty

    def as_ptr(self) -> GuestPtr[T]:
        return GuestPtr(self._mem, self._pointer, self._ty)

    def iter(self) -> Iterator[GuestPtr[T]]:
        """A pointer per element; an element past the u32 address space raises
        PtrOverflow when it is reached (Rust yields an `Err` item there)."""
        base = self.as_ptr()
        for i in range(self._len):
            yield base.add(i)

    def __iter__(self) -> Iterator[GuestPtr[T]]:
        return self.iter()

    def get(self, index: int) -> GuestPtr[T] | None:
        if index < self._len:
            return self.as_ptr().add(index)  # Rust: `.expect("just performed bounds check")`
        return None

    def get_range(self, start: int | range, end: int | None = None) -> SlicePtr[T] | None:
        """`get_range(start..end)`: None when end < start or either end is past `len`."""
        if isinstance(start, range):
            lo, hi = start.start, start.stop
        elif end is None:
            raise TypeError("get_range needs an end")
        else:
            lo, hi = start, end
        if hi < lo:
            return None
        if lo <= self._len and hi <= self._len:
            return self.as_ptr().add(lo).as_array(hi - lo)
        return None

    def _transparent(self) -> None:
        if not self._ty.transparent:
            raise TypeError(f"{self._ty.name} is not a transparent type (only integers and floats are)")

    def as_unsafe_slice_mut(self) -> UnsafeGuestSlice[T]:
        """Validate (overflow, bounds, alignment) without borrowing."""
        self._transparent()
        region = validate_size_align(self._mem, self._pointer, self._len, self._ty.size, self._ty.align)
        return UnsafeGuestSlice(self._mem, region, self._ty)

    def as_slice(self) -> GuestSlice[T] | None:
        """A shared, borrow-checked view; None on shared memory."""
        return self.as_unsafe_slice_mut().shared_borrow()

    def as_slice_mut(self) -> GuestSliceMut[T] | None:
        """A mutable, borrow-checked view; None on shared memory."""
        return self.as_unsafe_slice_mut().mut_borrow()

    def to_vec(self) -> list[T]:
        """A copy: the whole region is validated, then every element is read the
        way `read` reads it, so a mutably borrowed element gives PtrBorrowed
        (the seed's `to_vec`)."""
        unsafe = self.as_unsafe_slice_mut()
        if not self._mem.has_outstanding_borrows() and self._ty.fmt != "f":
            # No borrow can make an element read fail: copy in one go.
            return _unpack_all(unsafe.raw, self._ty, self._len)
        base = self.as_ptr()
        return [base.add(i).read() for i in range(self._len)]

    def to_bytes(self) -> bytes:
        """`to_vec` of a byte slice, as bytes."""
        if self._ty.size != 1:
            raise TypeError("to_bytes needs one-byte elements")
        unsafe = self.as_unsafe_slice_mut()
        if not self._mem.has_outstanding_borrows():
            return unsafe.view.tobytes()
        return bytes(self.to_vec())  # type: ignore[arg-type]

    def copy_from_slice(self, src: Sequence[T] | bytes | bytearray | memoryview) -> None:
        """Copy `src` in: validate, then SliceLengthsDiffer, then (unless empty)
        a mutable borrow for the copy on unshared memory or a plain copy on shared memory."""
        unsafe = self.as_unsafe_slice_mut()
        if unsafe.len() != len(src):
            raise SliceLengthsDiffer()
        if len(src) == 0:
            return
        data = _pack_all(src, self._ty)
        dst = unsafe.mut_borrow()
        if dst is None:
            unsafe.raw[:] = data
            return
        with dst:
            unsafe.raw[:] = data

    def as_str_ptr(self) -> StrPtr:
        """This byte slice as a string pointer, without checking anything."""
        if self._ty.size != 1:
            raise TypeError("as_str_ptr needs a byte slice")
        return StrPtr(self._mem, self._pointer, self._len)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SlicePtr) and other._mem is self._mem and other.offset() == self.offset()
                and _same_type(other._ty, self._ty))

    def __hash__(self) -> int:
        return hash((id(self._mem), self._pointer, self._len))


def _unpack_all(raw: memoryview, ty: GuestType[Any], n: int) -> list[Any]:
    if ty.fmt == "B":
        return list(raw)
    return list(struct.unpack(f"<{n}{ty.fmt}", raw))


def _pack_all(src: Any, ty: GuestType[Any]) -> bytes:
    """The little-endian bytes of `src`, items of the slice's element type."""
    if ty.size == 1 and isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src)
    if ty.fmt == "f":
        return struct.pack(f"<{len(src)}I", *(f32_to_bits(v) for v in src))
    try:
        return struct.pack(f"<{len(src)}{ty.fmt}", *src)
    except struct.error as e:
        raise ValueError(f"cannot store these values as {ty.name}: {e}") from e


class StrPtr(_Region):
    """A pointer to a UTF-8 string of `len` bytes (`GuestPtr<str>`)."""

    __slots__ = ()

    def __init__(self, mem: GuestMemory, offset: int, length: int) -> None:
        self._mem = mem
        self._pointer = _u32(offset, "pointer")
        self._len = _u32(length, "length")

    def as_bytes(self) -> SlicePtr[int]:
        return SlicePtr(self._mem, self._pointer, self._len, U8)

    def as_str(self) -> GuestStr | None:
        """A shared borrow of the bytes, then a UTF-8 check (InvalidUtf8, with the
        borrow released); None on shared memory."""
        s = self.as_bytes().as_unsafe_slice_mut().shared_borrow()
        return None if s is None else GuestStr(s)

    def as_str_mut(self) -> GuestStrMut | None:
        s = self.as_bytes().as_unsafe_slice_mut().mut_borrow()
        return None if s is None else GuestStrMut(s)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StrPtr) and other._mem is self._mem and other.offset() == self.offset()

    def __hash__(self) -> int:
        return hash((id(self._mem), self._pointer, self._len, "str"))

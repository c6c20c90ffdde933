"""Borrow-checked views of guest memory (bytecodealliance/wasmtime
crates/wiggle/src/lib.rs `UnsafeGuestSlice`, `GuestSlice`, `GuestSliceMut`, `GuestStr`,
`GuestStrMut`, v19.0.2).

A view holds its borrow until `release()` (or the end of its `with` block, or
its collection, as Rust's `Drop`). After release its memoryview is released too,
so a stale view cannot read memory it no longer owns.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from witx_lsp.wiggle.runtime.borrow import BorrowHandle
from witx_lsp.wiggle.runtime.errors import InvalidUtf8, Utf8Error
from witx_lsp.wiggle.runtime.guest_type import GuestType
from witx_lsp.wiggle.runtime.memory import GuestMemory
from witx_lsp.wiggle.runtime.region import Region

T = TypeVar("T")

# Typed views use the host's byte order; like wiggle's transparent types they
# assume a little-endian host (the raw byte views are exact everywhere).
LITTLE_ENDIAN_HOST = sys.byteorder == "little"


class UnsafeGuestSlice(Generic[T]):
    """A validated region with no borrow: `view` is raw access that the borrow
    checker does not see (the only access there is to shared memory)."""

    __slots__ = ("mem", "region", "ty")

    def __init__(self, mem: GuestMemory, region: Region, ty: GuestType[T]) -> None:
        self.mem = mem
        self.region = region
        self.ty = ty

    @property
    def raw(self) -> memoryview:
        r = self.region
        return self.mem.base()[r.start:r.start + r.len]

    @property
    def view(self) -> memoryview:
        raw = self.raw
        fmt: Any = self.ty.fmt
        return raw if fmt == "B" else raw.cast(fmt)

    def len(self) -> int:
        return self.region.len // self.ty.size if self.ty.size else 0

    def is_shared_memory(self) -> bool:
        return self.mem.is_shared_memory()

    def shared_borrow(self) -> GuestSlice[T] | None:
        """None on shared memory; PtrBorrowed if a mutable borrow overlaps."""
        if self.mem.is_shared_memory():
            return None
        handle = self.mem.shared_borrow(self.region)
        return _tracked(self.mem, GuestSlice(self, handle))

    def mut_borrow(self) -> GuestSliceMut[T] | None:
        """None on shared memory; PtrBorrowed if any borrow overlaps."""
        if self.mem.is_shared_memory():
            return None
        handle = self.mem.mut_borrow(self.region)
        return _tracked(self.mem, GuestSliceMut(self, handle))


V = TypeVar("V")


def _tracked(mem: GuestMemory, view: V) -> V:
    track = getattr(mem, "track_view", None)
    if track is not None:
        track(view)
    return view


class _Borrowed(Generic[T]):
    __slots__ = ("__weakref__", "_handle", "_mem", "_released", "_view", "region", "ty")
    _mutable = False

    def __init__(self, unsafe: UnsafeGuestSlice[T], handle: BorrowHandle) -> None:
        self._mem = unsafe.mem
        self._handle = handle
        self.region = unsafe.region
        self.ty = unsafe.ty
        self._released = False
        view = unsafe.view
        self._view = view if self._mutable else view.toreadonly()

    @property
    def handle(self) -> BorrowHandle:
        return self._handle

    @property
    def view(self) -> memoryview:
        """The elements, in place (read-only for a shared borrow)."""
        if self._released:
            raise ValueError("the borrow has been released")
        return self._view

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with contextlib.suppress(BufferError):  # a buffer export of the view outlives it; the borrow goes anyway
            self._view.release()
        if self._mutable:
            self._mem.mut_unborrow(self._handle)
        else:
            self._mem.shared_unborrow(self._handle)

    @property
    def released(self) -> bool:
        return self._released

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release()

    def __len__(self) -> int:
        return len(self.view)

    def __getitem__(self, index: Any) -> Any:
        return self.view[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.tolist())

    def tobytes(self) -> bytes:
        return self.view.tobytes()

    def tolist(self) -> list[T]:
        out: list[Any] = self.view.tolist()
        return out


class GuestSlice(_Borrowed[T]):
    """A shared view of `[T]` (`Deref<Target = [T]>`), released on exit."""

    __slots__ = ()

    def __enter__(self) -> GuestSlice[T]:
        return self


class GuestSliceMut(_Borrowed[T]):
    """A mutable view of `[T]` (`DerefMut<Target = [T]>`), released on exit."""

    __slots__ = ()
    _mutable = True

    def __enter__(self) -> GuestSliceMut[T]:
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        self.view[index] = value


def _check_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidUtf8(Utf8Error.from_decode_error(e)) from None


_S = TypeVar("_S", bound="_StrBorrow")


class _StrBorrow:
    """What the string views share: the borrowed byte slice, released with them, taken only
    when its bytes are UTF-8 (the check comes after the borrow, which a failure releases)."""

    __slots__ = ("_slice",)
    _slice: _Borrowed[int]

    def _take(self, slice_: _Borrowed[int]) -> str:
        """Keep `slice_` if its bytes are UTF-8; their text."""
        try:
            text = _check_utf8(slice_.tobytes())
        except InvalidUtf8:
            slice_.release()
            raise
        self._slice = slice_
        return text

    @property
    def value(self) -> str:
        raise NotImplementedError

    @property
    def bytes_view(self) -> memoryview:
        return self._slice.view

    def release(self) -> None:
        self._slice.release()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __str__(self) -> str:
        return self.value

    def __len__(self) -> int:
        """The length in bytes, as Rust's `str::len`."""
        return self._slice.region.len


class GuestStr(_StrBorrow):
    """A shared view of a guest `str`; `str(s)` (or `s.value`) decodes it."""

    __slots__ = ("_value",)
    _slice: GuestSlice[int]

    def __init__(self, slice_: GuestSlice[int]) -> None:
        self._value = self._take(slice_)

    @property
    def value(self) -> str:
        if self._slice.released:
            raise ValueError("the borrow has been released")
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.value == other
        return isinstance(other, GuestStr) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


class GuestStrMut(_StrBorrow):
    """A mutable view of a guest `str`. `bytes_view` writes in place; `value`
    decodes the current bytes (raising InvalidUtf8 if they were made invalid)."""

    __slots__ = ()
    _slice: GuestSliceMut[int]

    def __init__(self, slice_: GuestSliceMut[int]) -> None:
        self._take(slice_)

    @property
    def value(self) -> str:
        return _check_utf8(self._slice.tobytes())

    def set(self, text: str) -> None:
        """Overwrite in place with a string of the same UTF-8 length."""
        data = text.encode("utf-8")
        if len(data) != self._slice.region.len:
            raise ValueError("the new text must have the same length in bytes")
        self._slice.view[:] = data

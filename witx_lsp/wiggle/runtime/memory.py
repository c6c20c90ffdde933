"""Guest memory: the `GuestMemory` protocol, `validate_size_align`, and
implementations over a bytearray and over a wasmtime-py memory
(wasmtime crates/wiggle/src/lib.rs `GuestMemory`, crates/wiggle/src/wasmtime.rs,
v19.0.2).

`base()` is the whole linear memory as a writable one-byte-per-item memoryview.
Nothing here copies the memory: the wasmtime implementation views the linear
memory in place through its data pointer, once per `WasmtimeMemory` (the glue
makes one per host call, as wiggle makes one `WasmtimeGuestMemory` per call).
"""

from __future__ import annotations

import ctypes
import weakref
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from witx_lsp.wiggle.runtime.borrow import BorrowChecker, BorrowHandle
from witx_lsp.wiggle.runtime.errors import MissingMemoryExport, PtrNotAligned, PtrOutOfBounds, PtrOverflow
from witx_lsp.wiggle.runtime.region import U32_MAX, Region

if TYPE_CHECKING:
    from witx_lsp.wiggle.runtime.guest_type import GuestType
    from witx_lsp.wiggle.runtime.ptr import GuestPtr, SlicePtr, StrPtr

T = TypeVar("T")


@runtime_checkable
class GuestMemory(Protocol):
    """What every guest pointer reads and writes through. Borrow methods raise
    `GuestError` (`PtrBorrowed`, `BorrowCheckerOutOfHandles`) where Rust returns `Err`."""

    def base(self) -> memoryview: ...
    def has_outstanding_borrows(self) -> bool: ...
    def is_mut_borrowed(self, r: Region) -> bool: ...
    def is_shared_borrowed(self, r: Region) -> bool: ...
    def mut_borrow(self, r: Region) -> BorrowHandle: ...
    def shared_borrow(self, r: Region) -> BorrowHandle: ...
    def mut_unborrow(self, h: BorrowHandle) -> None: ...
    def shared_unborrow(self, h: BorrowHandle) -> None: ...
    def is_shared_memory(self) -> bool: ...


def validate_size_align(mem: GuestMemory, offset: int, length: int, size: int, align: int) -> Region:
    """The byte region of `length` items of `size` bytes at `offset`, checked in
    wiggle's order: u32 overflow of `length * size` (PtrOverflow), then bounds
    (PtrOutOfBounds), then alignment (PtrNotAligned; an empty region is never
    misaligned). Linear memory is page-aligned, so alignment is `offset % align`
    (wasmtime crates/wiggle/src/lib.rs `validate_size_align`)."""
    byte_len = length * size
    if byte_len > U32_MAX:
        raise PtrOverflow()
    region = Region(offset, byte_len)
    mem_len = len(mem.base())
    if offset > mem_len or byte_len > mem_len - offset:
        raise PtrOutOfBounds(region)
    if byte_len and offset % align:
        raise PtrNotAligned(region, align)
    return region


class BorrowingMemory:
    """The borrow-checking half shared by the implementations below. A shared
    (multi-threaded) memory is never borrow checked: its queries answer False and
    borrowing it is a bug (a debug_assert! upstream), because slices of shared
    memory are refused before any borrow."""

    __slots__ = ("_bc", "_shared", "_views")

    def __init__(self, shared: bool = False) -> None:
        self._shared = shared
        self._bc: BorrowChecker | None = None  # made on the first borrow: most host calls never borrow
        self._views: weakref.WeakSet[Any] | None = None

    def track_view(self, view: Any) -> None:
        """Remember a borrow-checked view, so that `release_views` can end it."""
        if self._views is None:
            self._views = weakref.WeakSet()
        self._views.add(view)

    def release_views(self) -> None:
        """Release every view still holding a borrow (their memoryviews too)."""
        if self._views:
            for view in list(self._views):
                view.release()

    @property
    def borrow_checker(self) -> BorrowChecker:
        if self._bc is None:
            self._bc = BorrowChecker()
        return self._bc

    def is_shared_memory(self) -> bool:
        return self._shared

    def has_outstanding_borrows(self) -> bool:
        bc = self._bc
        return bc is not None and bc.has_outstanding_borrows()

    def is_mut_borrowed(self, r: Region) -> bool:
        bc = self._bc
        return bc is not None and bc.is_mut_borrowed(r)

    def is_shared_borrowed(self, r: Region) -> bool:
        bc = self._bc
        return bc is not None and bc.is_shared_borrowed(r)

    def _no_shared(self) -> None:
        if self._shared:
            raise AssertionError("shared memory is never borrow checked")

    def mut_borrow(self, r: Region) -> BorrowHandle:
        self._no_shared()
        return self.borrow_checker.mut_borrow(r)

    def shared_borrow(self, r: Region) -> BorrowHandle:
        self._no_shared()
        return self.borrow_checker.shared_borrow(r)

    def mut_unborrow(self, h: BorrowHandle) -> None:
        self._no_shared()
        self.borrow_checker.mut_unborrow(h)

    def shared_unborrow(self, h: BorrowHandle) -> None:
        self._no_shared()
        self.borrow_checker.shared_unborrow(h)

    # `GuestMemory::ptr`, for sized pointees, slices and strings.
    def ptr(self: GuestMemory, ty: GuestType[T], offset: int) -> GuestPtr[T]:
        from witx_lsp.wiggle.runtime.ptr import GuestPtr
        return GuestPtr(self, offset, ty)

    def slice_ptr(self: GuestMemory, ty: GuestType[T], offset: int, length: int) -> SlicePtr[T]:
        from witx_lsp.wiggle.runtime.ptr import SlicePtr
        return SlicePtr(self, offset, length, ty)

    def str_ptr(self: GuestMemory, offset: int, length: int) -> StrPtr:
        from witx_lsp.wiggle.runtime.ptr import StrPtr
        return StrPtr(self, offset, length)


class BytearrayMemory(BorrowingMemory):
    """Guest memory held in a bytearray (the upstream tests' `HostMemory`).
    The bytearray keeps its size while it is viewed."""

    __slots__ = ("_view", "data")

    def __init__(self, data: bytearray | int = 4096, *, shared: bool = False) -> None:
        super().__init__(shared)
        self.data = bytearray(data) if isinstance(data, int) else data
        self._view = memoryview(self.data)

    def base(self) -> memoryview:
        return self._view

    def __repr__(self) -> str:
        return f"BytearrayMemory({len(self.data)} bytes{', shared' if self._shared else ''})"


_UBYTE = ctypes.c_ubyte
_WASMTIME: tuple[Any, Any] | None = None


def _wasmtime_classes() -> tuple[Any, Any]:
    """wasmtime's Memory and SharedMemory (imported on first use)."""
    global _WASMTIME
    if _WASMTIME is None:
        from wasmtime import Memory, SharedMemory
        _WASMTIME = (Memory, SharedMemory)
    return _WASMTIME


def _view_at(address: int | None, length: int) -> memoryview:
    if not length or not address:
        return memoryview(bytearray())
    return memoryview((_UBYTE * length).from_address(address)).cast("B")


class WasmtimeMemory(BorrowingMemory):
    """A wasmtime-py `Memory` (with a store or a `Caller`) or `SharedMemory`,
    viewed in place. Valid while the guest is not re-entered: `close()` it when
    the host call returns (the linker glue does), after which any access raises
    `ValueError` instead of touching memory that may have moved."""

    __slots__ = ("_memory", "_store", "_view")

    def __init__(self, memory: Any, store: Any = None, *, shared: bool | None = None) -> None:
        if shared is None:
            shared = isinstance(memory, _wasmtime_classes()[1])
        self._shared = shared
        self._bc = None
        self._views = None
        if not shared and store is None:
            raise TypeError("a wasmtime Memory needs its store (or the Caller)")
        self._memory = memory
        self._store = store
        self._view: memoryview | None = None

    @classmethod
    def from_caller(cls, caller: Any) -> WasmtimeMemory:
        """The calling instance's export "memory", as the generated glue finds it."""
        memory_cls, shared_cls = _wasmtime_classes()
        export = caller.get("memory")
        if type(export) is memory_cls:
            return cls(export, caller, shared=False)
        if isinstance(export, memory_cls):
            return cls(export, caller)
        if isinstance(export, shared_cls):
            return cls(export)
        raise MissingMemoryExport()

    def base(self) -> memoryview:
        view = self._view
        if view is None:
            if self._memory is None:
                raise ValueError("guest memory used after its host call returned")
            if self._shared:
                length = self._memory.data_len()
                ptr = self._memory.data_ptr()
            else:
                length = self._memory.data_len(self._store)
                ptr = self._memory.data_ptr(self._store)
            view = self._view = _view_at(ctypes.cast(ptr, ctypes.c_void_p).value, length)
        return view

    def refresh(self) -> None:
        """Forget the view (after `memory.grow`, which may move the memory)."""
        self._view = None

    def close(self) -> None:
        """End of the host call: views still borrowed are released, and the memory can no longer be read."""
        self.release_views()
        self._view = None
        self._memory = None
        self._store = None

    def __repr__(self) -> str:
        return f"WasmtimeMemory({'shared' if self._shared else 'unshared'})"

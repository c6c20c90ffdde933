"""Region-based run-time borrow checking (wasmtime crates/wiggle/src/borrow.rs,
v19.0.2; replaced in v20)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from witx_lsp.wiggle.runtime.errors import BorrowCheckerOutOfHandles, PtrBorrowed
from witx_lsp.wiggle.runtime.region import Region

# usize::MAX on the 64-bit hosts wiggle runs on.
USIZE_MAX = 2**64 - 1


@dataclass(frozen=True, slots=True)
class BorrowHandle:
    """A borrow, produced by `{mut,shared}_borrow` and consumed by `{mut,shared}_unborrow`
    (wasmtime crates/wiggle/src/lib.rs `BorrowHandle(pub usize)`)."""

    value: int

    def __repr__(self) -> str:
        return f"BorrowHandle({self.value})"


class BorrowChecker:
    """Shared and mutable borrows of guest memory regions, keyed by handle.

    Overlapping shared borrows are allowed; a mutable borrow excludes every
    overlapping borrow. Handles count up from 0 and start again at 0 only when
    no borrow is left (checked when a new handle is needed). Zero-length regions
    never conflict but still take a handle.
    """

    __slots__ = ("_lock", "_mut", "_next", "_shared")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shared: dict[int, Region] = {}
        self._mut: dict[int, Region] = {}
        self._next = 0

    @property
    def next_handle(self) -> int:
        """The handle the next borrow takes unless no borrow is outstanding
        (settable, to reach `BorrowCheckerOutOfHandles` in tests)."""
        return self._next

    @next_handle.setter
    def next_handle(self, value: int) -> None:
        if not 0 <= value <= USIZE_MAX:
            raise ValueError("a borrow handle is a usize")
        self._next = value

    def has_outstanding_borrows(self) -> bool:
        return bool(self._shared) or bool(self._mut)

    def is_shared_borrowed(self, r: Region) -> bool:
        return any(b.overlaps(r) for b in self._shared.values()) if self._shared else False

    def is_mut_borrowed(self, r: Region) -> bool:
        return any(b.overlaps(r) for b in self._mut.values()) if self._mut else False

    def _new_handle(self) -> BorrowHandle:
        # Reset only when every handle has been returned; a failure leaves no trace.
        if not self._shared and not self._mut:
            self._next = 0
        h = self._next
        if h + 1 > USIZE_MAX:
            raise BorrowCheckerOutOfHandles()
        self._next = h + 1
        return BorrowHandle(h)

    def shared_borrow(self, r: Region) -> BorrowHandle:
        return self._borrow(r, False)

    def mut_borrow(self, r: Region) -> BorrowHandle:
        return self._borrow(r, True)

    def shared_unborrow(self, h: BorrowHandle) -> None:
        self._unborrow(h, False)

    def mut_unborrow(self, h: BorrowHandle) -> None:
        self._unborrow(h, True)

    def _borrow(self, r: Region, mutable: bool) -> BorrowHandle:
        """A shared borrow conflicts with a mutable one; a mutable borrow with any."""
        with self._lock:
            if self.is_mut_borrowed(r) or (mutable and self.is_shared_borrowed(r)):
                raise PtrBorrowed(r)
            h = self._new_handle()
            (self._mut if mutable else self._shared)[h.value] = r
            return h

    def _unborrow(self, h: BorrowHandle, mutable: bool) -> None:
        with self._lock:
            removed = (self._mut if mutable else self._shared).pop(h.value, None)
        # a debug_assert! upstream: Rust tests run with debug assertions on
        if removed is None:
            raise AssertionError(f"double-freed {'mut' if mutable else 'shared'} borrow")

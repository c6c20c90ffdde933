"""A byte range of guest memory (wasmtime crates/wiggle/src/region.rs)."""

from __future__ import annotations

from dataclasses import dataclass

U32_MAX = 0xFFFF_FFFF


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    len: int

    def overlaps(self, rhs: Region) -> bool:
        """Inclusive-end comparison; a zero-length region never overlaps anything
        (wasmtime crates/wiggle/src/region.rs `overlaps`)."""
        if self.len == 0 or rhs.len == 0:
            return False
        self_end = self.start + self.len - 1
        rhs_end = rhs.start + rhs.len - 1
        if self.start <= rhs.start:
            return self_end >= rhs.start
        return rhs_end >= self.start

    def extend(self, times: int) -> Region:
        """`len * times` as a u32 multiplication (which panics on overflow in Rust debug builds)."""
        n = self.len * times
        if not 0 <= n <= U32_MAX:
            raise OverflowError("attempt to multiply with overflow")
        return Region(self.start, n)

    def __repr__(self) -> str:
        # Rust's derived Debug, as it appears inside GuestError messages.
        return f"Region {{ start: {self.start}, len: {self.len} }}"

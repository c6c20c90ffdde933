"""The BorrowChecker against a small reference model over random operation
sequences: half-open byte sets instead of Region.overlaps, a list of live
borrows instead of two maps, and wiggle's handle rules written out plainly."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from witx_lsp.wiggle.runtime import (
    USIZE_MAX,
    BorrowChecker,
    BorrowCheckerOutOfHandles,
    BorrowHandle,
    PtrBorrowed,
    Region,
)


@dataclass
class Model:
    live: list[tuple[int, str, int, int]] = field(default_factory=list)  # handle, kind, start, end (half-open)
    next: int = 0

    @staticmethod
    def _meets(a0: int, a1: int, b0: int, b1: int) -> bool:
        return max(a0, b0) < min(a1, b1)

    def conflicts(self, kinds: tuple[str, ...], start: int, length: int) -> bool:
        return any(k in kinds and self._meets(s, e, start, start + length) for _, k, s, e in self.live)

    def borrow(self, kind: str, start: int, length: int) -> int | str:
        blocking = ("mut",) if kind == "shared" else ("mut", "shared")
        if self.conflicts(blocking, start, length):
            return "borrowed"
        if not self.live:
            self.next = 0
        if self.next == USIZE_MAX:
            return "out of handles"
        h = self.next
        self.next += 1
        self.live.append((h, kind, start, start + length))
        return h

    def unborrow(self, h: int) -> str:
        for i, (hh, kind, _, _) in enumerate(self.live):
            if hh == h:
                del self.live[i]
                return kind
        raise AssertionError("no such handle")


regions = st.tuples(st.integers(0, 48), st.integers(0, 12))
ops = st.lists(st.one_of(
    st.tuples(st.just("shared"), regions),
    st.tuples(st.just("mut"), regions),
    st.tuples(st.just("unborrow"), st.integers(0, 1000)),
    st.tuples(st.just("query"), regions),
    st.tuples(st.just("jump"), st.integers(0, 3)),
), max_size=60)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_borrow_checker_matches_the_model(sequence: list[tuple[str, object]]) -> None:
    bc = BorrowChecker()
    model = Model()
    for op, arg in sequence:
        if op in ("shared", "mut"):
            assert isinstance(arg, tuple)
            start, length = arg
            expected = model.borrow(op, start, length)
            try:
                got: int | str = (bc.shared_borrow if op == "shared" else bc.mut_borrow)(Region(start, length)).value
            except PtrBorrowed as e:
                assert e.region == Region(start, length)
                got = "borrowed"
            except BorrowCheckerOutOfHandles:
                got = "out of handles"
            assert got == expected
        elif op == "unborrow":
            assert isinstance(arg, int)
            if not model.live:
                continue
            h = model.live[arg % len(model.live)][0]
            kind = model.unborrow(h)
            (bc.shared_unborrow if kind == "shared" else bc.mut_unborrow)(BorrowHandle(h))
        elif op == "jump":
            assert isinstance(arg, int)
            # only forwards: a handle is never handed out twice
            model.next = max(model.next, USIZE_MAX - arg)
            bc.next_handle = model.next
        else:
            assert isinstance(arg, tuple)
            start, length = arg
            r = Region(start, length)
            assert bc.is_shared_borrowed(r) == model.conflicts(("shared",), start, length)
            assert bc.is_mut_borrowed(r) == model.conflicts(("mut",), start, length)
        assert bc.has_outstanding_borrows() == bool(model.live)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_region_overlap_matches_interval_intersection(a: int, alen: int, b: int, blen: int) -> None:
    assert Region(a, alen).overlaps(Region(b, blen)) == (max(a, b) < min(a + alen, b + blen))
    assert Region(a, alen).overlaps(Region(b, blen)) == Region(b, blen).overlaps(Region(a, alen))

"""Region and BorrowChecker: the semantics of wiggle's own unit tests
(wasmtime crates/wiggle/src/region.rs and borrow.rs `mod test`, in-window version)."""

from __future__ import annotations

import pytest

from witx_lsp.wiggle.runtime import (
    USIZE_MAX,
    BorrowChecker,
    BorrowCheckerOutOfHandles,
    BorrowHandle,
    PtrBorrowed,
    Region,
)


def test_region_nonoverlapping() -> None:
    r1, r2 = Region(0, 10), Region(10, 10)
    assert not r1.overlaps(r2) and not r2.overlaps(r1)
    assert not Region(10, 10).overlaps(Region(0, 10))


def test_region_overlapping() -> None:
    assert Region(0, 10).overlaps(Region(9, 10))
    assert Region(0, 10).overlaps(Region(2, 5))
    assert Region(9, 10).overlaps(Region(0, 10))
    assert Region(2, 5).overlaps(Region(0, 10))


def test_zero_length_regions_never_overlap() -> None:
    assert not Region(5, 0).overlaps(Region(0, 10))
    assert not Region(0, 10).overlaps(Region(5, 0))
    assert not Region(5, 0).overlaps(Region(5, 0))


def test_region_ends_use_wide_arithmetic() -> None:
    top = Region(0xFFFF_FFFF, 1)
    assert top.overlaps(Region(0xFFFF_FFF0, 0x10))
    assert not top.overlaps(Region(0, 0xFFFF_FFFF))
    assert Region(0, 0xFFFF_FFFF).overlaps(Region(0xFFFF_FFFE, 1))


def test_region_extend_and_debug() -> None:
    assert Region(4, 3).extend(5) == Region(4, 15)
    with pytest.raises(OverflowError):
        Region(0, 0x8000_0000).extend(2)
    assert repr(Region(65535, 4)) == "Region { start: 65535, len: 4 }"


def test_nonoverlapping_mut_borrows() -> None:
    for r1, r2 in ((Region(0, 10), Region(10, 10)), (Region(10, 10), Region(0, 10))):
        bs = BorrowChecker()
        bs.mut_borrow(r1)
        bs.mut_borrow(r2)


@pytest.mark.parametrize(("r1", "r2"), [
    (Region(0, 10), Region(9, 10)),
    (Region(0, 10), Region(2, 5)),
    (Region(9, 10), Region(0, 10)),
    (Region(2, 5), Region(0, 10)),
])
def test_overlapping_shared_then_mut(r1: Region, r2: Region) -> None:
    bs = BorrowChecker()
    bs.shared_borrow(r1)
    with pytest.raises(PtrBorrowed) as e:
        bs.mut_borrow(r2)
    assert e.value.region == r2
    bs.shared_borrow(r2)


def test_overlapping_several_shared() -> None:
    bs = BorrowChecker()
    for r in (Region(2, 5), Region(10, 5), Region(15, 5)):
        bs.shared_borrow(r)
    with pytest.raises(PtrBorrowed):
        bs.mut_borrow(Region(0, 10))
    bs.shared_borrow(Region(0, 10))


def test_mut_excludes_shared_and_mut() -> None:
    bs = BorrowChecker()
    bs.mut_borrow(Region(0, 10))
    with pytest.raises(PtrBorrowed):
        bs.shared_borrow(Region(5, 1))
    with pytest.raises(PtrBorrowed):
        bs.mut_borrow(Region(9, 4))
    assert bs.is_mut_borrowed(Region(3, 1)) and not bs.is_shared_borrowed(Region(3, 1))


def test_unborrowing_mut() -> None:
    bs = BorrowChecker()
    r1, r2 = Region(0, 10), Region(10, 10)
    assert not bs.has_outstanding_borrows()
    h1 = bs.mut_borrow(r1)
    assert bs.has_outstanding_borrows()
    h2 = bs.mut_borrow(r2)
    with pytest.raises(PtrBorrowed):
        bs.mut_borrow(r2)
    bs.mut_unborrow(h2)
    assert bs.has_outstanding_borrows()
    bs.mut_unborrow(h1)
    assert not bs.has_outstanding_borrows()
    bs.mut_borrow(r2)


def test_unborrowing_shared() -> None:
    bs = BorrowChecker()
    r1, r2 = Region(0, 10), Region(10, 10)
    h1 = bs.shared_borrow(r1)
    h2 = bs.shared_borrow(r2)
    h3 = bs.shared_borrow(r2)
    bs.shared_unborrow(h2)
    assert bs.has_outstanding_borrows()
    bs.shared_unborrow(h1)
    bs.shared_unborrow(h3)
    assert not bs.has_outstanding_borrows()


def test_handles_count_up_and_restart_only_when_all_returned() -> None:
    bs = BorrowChecker()
    h0 = bs.shared_borrow(Region(0, 1))
    h1 = bs.mut_borrow(Region(1, 1))
    assert (h0, h1) == (BorrowHandle(0), BorrowHandle(1))
    bs.shared_unborrow(h0)
    # h1 is still out: no reuse of 0
    assert bs.shared_borrow(Region(0, 1)) == BorrowHandle(2)
    bs.mut_unborrow(h1)
    bs.shared_unborrow(BorrowHandle(2))
    assert not bs.has_outstanding_borrows()
    # nothing left: the next handle is 0 again
    assert bs.mut_borrow(Region(0, 4)) == BorrowHandle(0)


def test_zero_length_borrows_always_succeed_but_take_handles() -> None:
    bs = BorrowChecker()
    bs.mut_borrow(Region(0, 100))
    h = bs.mut_borrow(Region(50, 0))
    assert h == BorrowHandle(1)
    assert bs.shared_borrow(Region(0, 0)) == BorrowHandle(2)
    assert not bs.is_mut_borrowed(Region(50, 0))


def test_out_of_handles() -> None:
    bs = BorrowChecker()
    keep = bs.shared_borrow(Region(0, 1))
    bs.next_handle = USIZE_MAX - 1
    assert bs.shared_borrow(Region(1, 1)) == BorrowHandle(USIZE_MAX - 1)
    # usize::MAX itself can never be handed out: checked_add fails first
    with pytest.raises(BorrowCheckerOutOfHandles) as e:
        bs.mut_borrow(Region(8, 1))
    assert str(e.value) == "Borrow checker out of handles"
    assert not bs.is_mut_borrowed(Region(8, 1))  # the failed borrow left no trace
    # a conflicting borrow reports the conflict, not the handles
    with pytest.raises(PtrBorrowed):
        bs.mut_borrow(Region(0, 1))
    bs.shared_unborrow(keep)
    bs.shared_unborrow(BorrowHandle(USIZE_MAX - 1))
    assert bs.shared_borrow(Region(0, 1)) == BorrowHandle(0)


def test_double_free_is_a_bug() -> None:
    bs = BorrowChecker()
    h = bs.shared_borrow(Region(0, 1))
    bs.shared_unborrow(h)
    with pytest.raises(AssertionError, match="double-freed shared borrow"):
        bs.shared_unborrow(h)
    with pytest.raises(AssertionError, match="double-freed mut borrow"):
        bs.mut_unborrow(h)
    with pytest.raises(ValueError):
        bs.next_handle = -1

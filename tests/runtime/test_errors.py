"""GuestError messages: the Display strings of wiggle.md §3 (verified there by
compiling wiggle's error.rs), the derived Debug strings, and Utf8Error as
Rust's `str::from_utf8` reports it."""

from __future__ import annotations

import pytest

from witx_lsp.wiggle.runtime import (
    BorrowCheckerOutOfHandles,
    GuestError,
    InFunc,
    InvalidEnumValue,
    InvalidFlagValue,
    InvalidUtf8,
    PendingFutureError,
    PtrBorrowed,
    PtrNotAligned,
    PtrOutOfBounds,
    PtrOverflow,
    Region,
    SliceLengthsDiffer,
    TryFromIntError,
    Utf8Error,
    run_in_dummy_executor,
)

DISPLAY = [
    (InvalidFlagValue("CarConfig"), "Invalid flag value CarConfig"),
    (InvalidEnumValue("Errno"), "Invalid enum value Errno"),
    (PtrOverflow(), "Pointer overflow"),
    (PtrOutOfBounds(Region(65535, 4)), "Pointer out of bounds: Region { start: 65535, len: 4 }"),
    (PtrNotAligned(Region(1, 4), 4), "Pointer not aligned to 4: Region { start: 1, len: 4 }"),
    (PtrBorrowed(Region(0, 8)), "Pointer already borrowed: Region { start: 0, len: 8 }"),
    (BorrowCheckerOutOfHandles(), "Borrow checker out of handles"),
    (SliceLengthsDiffer(), "Slice length mismatch"),
    (InFunc("wasi_snapshot_preview1", "fd_read", "write size", PtrOutOfBounds(Region(65535, 4))),
     "In func wasi_snapshot_preview1::fd_read at write size: Pointer out of bounds: Region { start: 65535, len: 4 }"),
    (InvalidUtf8(Utf8Error(0, 1)), "Invalid UTF-8 encountered: Utf8Error { valid_up_to: 0, error_len: Some(1) }"),
    (TryFromIntError(), "Int conversion error: TryFromIntError(())"),
]


@pytest.mark.parametrize(("err", "text"), DISPLAY, ids=[type(e).__name__ for e, _ in DISPLAY])
def test_display(err: GuestError, text: str) -> None:
    assert str(err) == text
    assert isinstance(err, GuestError) and isinstance(err, Exception)


def test_debug() -> None:
    assert PtrNotAligned(Region(1, 4), 4).debug() == "PtrNotAligned(Region { start: 1, len: 4 }, 4)"
    assert repr(InvalidEnumValue("Errno")) == 'InvalidEnumValue("Errno")'
    assert PtrOverflow().debug() == "PtrOverflow"
    assert TryFromIntError().debug() == "TryFromIntError(TryFromIntError(()))"
    assert InvalidUtf8(Utf8Error(2, None)).debug() == "InvalidUtf8(Utf8Error { valid_up_to: 2, error_len: None })"
    inner = InFunc("m", "f", 'read "x"', PtrOverflow())
    assert inner.debug() == 'InFunc { modulename: "m", funcname: "f", location: "read \\"x\\"", err: PtrOverflow }'


def test_equality_and_rust_spellings() -> None:
    assert GuestError.PtrOverflow() == PtrOverflow()
    assert PtrBorrowed(Region(0, 1)) == PtrBorrowed(Region(0, 1)) != PtrBorrowed(Region(0, 2))
    assert PtrBorrowed(Region(0, 1)) != PtrOutOfBounds(Region(0, 1))
    assert len({PtrOverflow(), PtrOverflow(), SliceLengthsDiffer()}) == 2
    e = InFunc("m", "f", "convert u8", TryFromIntError())
    assert e.__cause__ == TryFromIntError() and e.err == TryFromIntError()


# Cases checked against Rust 1.95 `std::str::from_utf8(..).unwrap_err()` `{:?}` output.
UTF8 = [
    ("80", 0, 1), ("c328", 0, 1), ("e282", 0, None), ("f09f98", 0, None), ("61ff62", 1, 1),
    ("eda080", 0, 1), ("f4908080", 0, 1), ("c0af", 0, 1), ("6162e2", 2, None), ("e0a0", 0, None),
    ("41f0", 1, None),
]


@pytest.mark.parametrize(("hexdata", "valid", "err_len"), UTF8)
def test_utf8_error_matches_rust(hexdata: str, valid: int, err_len: int | None) -> None:
    with pytest.raises(UnicodeDecodeError) as e:
        bytes.fromhex(hexdata).decode("utf-8")
    assert Utf8Error.from_decode_error(e.value) == Utf8Error(valid, err_len)


def test_dummy_executor() -> None:
    async def ready() -> int:
        return 42

    assert run_in_dummy_executor(ready()) == 42

    class Pending:
        def __await__(self):  # type: ignore[no-untyped-def]
            yield None

    async def waits() -> int:
        await Pending()
        return 1

    with pytest.raises(PendingFutureError) as e:
        run_in_dummy_executor(waits())
    assert str(e.value) == ('Cannot wait on pending future: must enable wiggle "async" future and execute on '
                            "an async Store")

    async def fails() -> int:
        raise PtrOverflow()

    with pytest.raises(PtrOverflow):
        run_in_dummy_executor(fails())

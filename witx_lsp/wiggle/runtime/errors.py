"""`GuestError` and its variants, with wiggle's exact messages
(bytecodealliance/wasmtime crates/wiggle/src/error.rs, v19.0.2).

`str(e)` is the Rust `Display` text, `e.debug()` the derived `Debug` text.
Every variant is a subclass of `GuestError` (also reachable as an attribute,
`GuestError.PtrOverflow`), and errors compare by value as the Rust enum does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import ClassVar

from witx_lsp.wiggle.runtime.region import Region


def rust_debug_str(s: str) -> str:
    """A string as Rust's `{:?}` prints it (quotes and `escape_debug`)."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\u{{{code:x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Utf8Error:
    """Rust's `core::str::Utf8Error`: the length of the valid prefix, and the
    length of the invalid sequence (None when the input ended in the middle of a
    character)."""

    valid_up_to: int
    error_len: int | None

    @classmethod
    def from_decode_error(cls, e: UnicodeDecodeError) -> Utf8Error:
        # CPython's UTF-8 decoder reports the maximal invalid subpart, as Rust does;
        # an incomplete sequence at the end is "unexpected end of data".
        if e.reason == "unexpected end of data":
            return cls(e.start, None)
        return cls(e.start, e.end - e.start)

    def __repr__(self) -> str:
        err = "None" if self.error_len is None else f"Some({self.error_len})"
        return f"Utf8Error {{ valid_up_to: {self.valid_up_to}, error_len: {err} }}"


class GuestError(Exception):
    """A guest memory access or conversion that wiggle refuses. A variant with fields is a
    dataclass of the Rust variant's fields, in order (also the exception's args), made with
    `eq=False, repr=False`: equality, hash and repr are the ones here."""

    def __post_init__(self) -> None:
        super().__init__(*self._values())

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, f.name) for f in fields(self)) if is_dataclass(self) else ()

    def display(self) -> str:
        raise NotImplementedError

    def debug(self) -> str:
        name = type(self).__name__
        vals = self._values()
        if not vals:
            return name
        return f"{name}({', '.join(_debug(v) for v in vals)})"

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        return self.debug()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, GuestError) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    # Rust-style spellings: GuestError.PtrOverflow() and friends (filled in below).
    InvalidFlagValue: ClassVar[type[InvalidFlagValue]]
    InvalidEnumValue: ClassVar[type[InvalidEnumValue]]
    PtrOverflow: ClassVar[type[PtrOverflow]]
    PtrOutOfBounds: ClassVar[type[PtrOutOfBounds]]
    PtrNotAligned: ClassVar[type[PtrNotAligned]]
    PtrBorrowed: ClassVar[type[PtrBorrowed]]
    BorrowCheckerOutOfHandles: ClassVar[type[BorrowCheckerOutOfHandles]]
    SliceLengthsDiffer: ClassVar[type[SliceLengthsDiffer]]
    InFunc: ClassVar[type[InFunc]]
    InvalidUtf8: ClassVar[type[InvalidUtf8]]
    TryFromIntError: ClassVar[type[TryFromIntError]]


def _debug(v: object) -> str:
    if isinstance(v, str):
        return rust_debug_str(v)
    if isinstance(v, GuestError):
        return v.debug()
    return repr(v)


@dataclass(eq=False, repr=False)
class InvalidFlagValue(GuestError):
    name: str

    def display(self) -> str:
        return f"Invalid flag value {self.name}"


@dataclass(eq=False, repr=False)
class InvalidEnumValue(GuestError):
    name: str

    def display(self) -> str:
        return f"Invalid enum value {self.name}"


class PtrOverflow(GuestError):
    def display(self) -> str:
        return "Pointer overflow"


@dataclass(eq=False, repr=False)
class PtrOutOfBounds(GuestError):
    region: Region

    def display(self) -> str:
        return f"Pointer out of bounds: {self.region!r}"


@dataclass(eq=False, repr=False)
class PtrNotAligned(GuestError):
    region: Region
    align: int

    def display(self) -> str:
        return f"Pointer not aligned to {self.align}: {self.region!r}"


@dataclass(eq=False, repr=False)
class PtrBorrowed(GuestError):
    region: Region

    def display(self) -> str:
        return f"Pointer already borrowed: {self.region!r}"


class BorrowCheckerOutOfHandles(GuestError):
    def display(self) -> str:
        return "Borrow checker out of handles"


class SliceLengthsDiffer(GuestError):
    def display(self) -> str:
        return "Slice length mismatch"


@dataclass(eq=False, repr=False)
class InFunc(GuestError):
    """An error while lifting or lowering a value of `modulename::funcname`;
    `location` is e.g. "convert u8", "read pair_ints" or "write size"."""

    modulename: str
    funcname: str
    location: str
    err: GuestError

    def __post_init__(self) -> None:
        super().__post_init__()
        self.__cause__ = self.err

    def display(self) -> str:
        return f"In func {self.modulename}::{self.funcname} at {self.location}: {self.err}"

    def debug(self) -> str:
        return (f"InFunc {{ modulename: {rust_debug_str(self.modulename)}, funcname: {rust_debug_str(self.funcname)}, "
                f"location: {rust_debug_str(self.location)}, err: {self.err.debug()} }}")


@dataclass(eq=False, repr=False)
class InvalidUtf8(GuestError):
    error: Utf8Error

    def display(self) -> str:
        return f"Invalid UTF-8 encountered: {self.error!r}"


class TryFromIntError(GuestError):
    """An integer that does not fit the target type (Rust's `TryFromIntError(())`)."""

    def display(self) -> str:
        return "Int conversion error: TryFromIntError(())"

    def debug(self) -> str:
        return "TryFromIntError(TryFromIntError(()))"


GuestError.InvalidFlagValue = InvalidFlagValue
GuestError.InvalidEnumValue = InvalidEnumValue
GuestError.PtrOverflow = PtrOverflow
GuestError.PtrOutOfBounds = PtrOutOfBounds
GuestError.PtrNotAligned = PtrNotAligned
GuestError.PtrBorrowed = PtrBorrowed
GuestError.BorrowCheckerOutOfHandles = BorrowCheckerOutOfHandles
GuestError.SliceLengthsDiffer = SliceLengthsDiffer
GuestError.InFunc = InFunc
GuestError.InvalidUtf8 = InvalidUtf8
GuestError.TryFromIntError = TryFromIntError

PENDING_FUTURE_MESSAGE = ('Cannot wait on pending future: must enable wiggle "async" future and execute on an async '
                          "Store")


class PendingFutureError(RuntimeError):
    """`run_in_dummy_executor` met a coroutine that wanted to suspend
    (the `bail!` of wasmtime crates/wiggle/src/lib.rs `run_in_dummy_executor`)."""

    def __init__(self) -> None:
        super().__init__(PENDING_FUTURE_MESSAGE)


class MissingMemoryExport(RuntimeError):
    """The calling instance exports no memory named "memory"
    (wasmtime crates/wiggle/generate/src/wasmtime.rs)."""

    def __init__(self) -> None:
        super().__init__("missing required memory export")

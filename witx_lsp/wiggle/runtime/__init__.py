"""The wiggle runtime in Python: guest memory, pointers, borrows, typed access
to witx values and host bindings on wasmtime-py (a port of wasmtime's
crates/wiggle/src/{lib,guest_type,error,region,borrow}.rs, v5.0.0-v19.0.2).

Modules: `region`, `errors`, `borrow` (Region, GuestError, BorrowChecker);
`memory` (GuestMemory, validate_size_align, BytearrayMemory, WasmtimeMemory);
`guest_type` (primitive and pointer guest types); `ptr` and `slices`
(GuestPtr, SlicePtr, StrPtr and the borrow-checked views); `witx_types`
(TypeSpace: guest types of witx types); `abi` and `linker` (the ABI glue and
`add_to_linker`); `protocol` (the typed Python Protocol of a module);
`executor` (`run_in_dummy_executor`); `result` (Ok / Err).
"""

from witx_lsp.wiggle.runtime.abi import AbiFunction, HostError, WiggleDefinitionError, abi_function, method_name
from witx_lsp.wiggle.runtime.borrow import USIZE_MAX, BorrowChecker, BorrowHandle
from witx_lsp.wiggle.runtime.errors import (
    BorrowCheckerOutOfHandles,
    GuestError,
    InFunc,
    InvalidEnumValue,
    InvalidFlagValue,
    InvalidUtf8,
    MissingMemoryExport,
    PendingFutureError,
    PtrBorrowed,
    PtrNotAligned,
    PtrOutOfBounds,
    PtrOverflow,
    SliceLengthsDiffer,
    TryFromIntError,
    Utf8Error,
)
from witx_lsp.wiggle.runtime.executor import run_in_dummy_executor
from witx_lsp.wiggle.runtime.guest_type import (
    F32,
    F64,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    GuestType,
    Primitive,
    PtrType,
    SlicePtrType,
    StrPtrType,
)
from witx_lsp.wiggle.runtime.linker import add_to_linker, module_functions
from witx_lsp.wiggle.runtime.memory import (
    BorrowingMemory,
    BytearrayMemory,
    GuestMemory,
    WasmtimeMemory,
    validate_size_align,
)
from witx_lsp.wiggle.runtime.ptr import GuestPtr, SlicePtr, StrPtr
from witx_lsp.wiggle.runtime.region import U32_MAX, Region
from witx_lsp.wiggle.runtime.result import Err, Ok, Result
from witx_lsp.wiggle.runtime.slices import GuestSlice, GuestSliceMut, GuestStr, GuestStrMut, UnsafeGuestSlice
from witx_lsp.wiggle.runtime.witx_types import (
    EnumGuestType,
    FlagsGuestType,
    HandleGuestType,
    RecordGuestType,
    TypeSpace,
    VariantGuestType,
)

__all__ = [
    "F32",
    "F64",
    "I8",
    "I16",
    "I32",
    "I64",
    "U8",
    "U16",
    "U32",
    "U32_MAX",
    "U64",
    "USIZE_MAX",
    "AbiFunction",
    "BorrowChecker",
    "BorrowCheckerOutOfHandles",
    "BorrowHandle",
    "BorrowingMemory",
    "BytearrayMemory",
    "EnumGuestType",
    "Err",
    "FlagsGuestType",
    "GuestError",
    "GuestMemory",
    "GuestPtr",
    "GuestSlice",
    "GuestSliceMut",
    "GuestStr",
    "GuestStrMut",
    "GuestType",
    "HandleGuestType",
    "HostError",
    "InFunc",
    "InvalidEnumValue",
    "InvalidFlagValue",
    "InvalidUtf8",
    "MissingMemoryExport",
    "Ok",
    "PendingFutureError",
    "Primitive",
    "PtrBorrowed",
    "PtrNotAligned",
    "PtrOutOfBounds",
    "PtrOverflow",
    "PtrType",
    "RecordGuestType",
    "Region",
    "Result",
    "SliceLengthsDiffer",
    "SlicePtr",
    "SlicePtrType",
    "StrPtr",
    "StrPtrType",
    "TryFromIntError",
    "TypeSpace",
    "UnsafeGuestSlice",
    "Utf8Error",
    "VariantGuestType",
    "WasmtimeMemory",
    "WiggleDefinitionError",
    "abi_function",
    "add_to_linker",
    "method_name",
    "module_functions",
    "run_in_dummy_executor",
    "validate_size_align",
]

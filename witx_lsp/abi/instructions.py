"""The instruction vocabulary of the Preview1 ABI adapter streams
(WebAssembly/WASI tools/witx/src/abi.rs `Instruction` plus the three `Bindgen`
callbacks; spellings as in tools/witx/tests/witxt.rs, witx 0.9.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Op(Enum):
    """An instruction; the value is its witxt spelling (without the index of
    `get-argN` and `return_pointer.getN`)."""

    GET_ARG = "get-arg"
    ADDR_OF = "addr-of"
    # interface values -> core values
    I32_FROM_CHAR = "i32.from_char"
    I64_FROM_U64 = "i64.from_u64"
    I64_FROM_S64 = "i64.from_s64"
    I32_FROM_U32 = "i32.from_u32"
    I32_FROM_S32 = "i32.from_s32"
    I32_FROM_USIZE = "i32.from_usize"
    I32_FROM_U16 = "i32.from_u16"
    I32_FROM_S16 = "i32.from_s16"
    I32_FROM_U8 = "i32.from_u8"
    I32_FROM_S8 = "i32.from_s8"
    I32_FROM_CHAR8 = "i32.from_char8"
    I32_FROM_POINTER = "i32.from_pointer"
    I32_FROM_CONST_POINTER = "i32.from_const_pointer"
    I32_FROM_HANDLE = "i32.from_handle"
    I32_FROM_BITFLAGS = "i32.from_bitflags"
    I64_FROM_BITFLAGS = "i64.from_bitflags"
    F32_FROM_IF32 = "f32.from_if32"
    F64_FROM_IF64 = "f64.from_if64"
    LIST_POINTER_LENGTH = "list.pointer_length"
    LIST_FROM_POINTER_LENGTH = "list.from_pointer_length"
    CALL_WASM = "call.wasm"
    CALL_INTERFACE = "call.interface"
    # core values -> interface values
    S8_FROM_I32 = "s8.from_i32"
    U8_FROM_I32 = "u8.from_i32"
    S16_FROM_I32 = "s16.from_i32"
    U16_FROM_I32 = "u16.from_i32"
    S32_FROM_I32 = "s32.from_i32"
    U32_FROM_I32 = "u32.from_i32"
    S64_FROM_I64 = "s64.from_i64"
    U64_FROM_I64 = "u64.from_i64"
    CHAR_FROM_I32 = "char.from_i32"
    CHAR8_FROM_I32 = "char8.from_i32"
    USIZE_FROM_I32 = "usize.from_i32"
    IF32_FROM_F32 = "if32.from_f32"
    IF64_FROM_F64 = "if64.from_f64"
    HANDLE_FROM_I32 = "handle.from_i32"
    POINTER_FROM_I32 = "pointer.from_i32"
    CONST_POINTER_FROM_I32 = "const_pointer.from_i32"
    BITFLAGS_FROM_I32 = "bitflags.from_i32"
    BITFLAGS_FROM_I64 = "bitflags.from_i64"
    RETURN_POINTER_GET = "return_pointer.get"
    LOAD = "load"
    STORE = "store"
    RESULT_LIFT = "result.lift"
    RESULT_LOWER = "result.lower"
    ENUM_LIFT = "enum.lift"
    ENUM_LOWER = "enum.lower"
    TUPLE_LIFT = "tuple.lift"
    TUPLE_LOWER = "tuple.lower"
    REUSE_RETURN = "reuse_return"
    RETURN = "return"
    VARIANT_PAYLOAD = "variant-payload"
    # Bindgen callbacks, recorded in the stream as witxt does
    ALLOCATE_SPACE = "allocate-space"
    BLOCK_PUSH = "block.push"
    BLOCK_FINISH = "block.finish"

    @property
    def variant(self) -> str:
        """The name of the abi.rs `Instruction` variant (`i32.from_u32` -> `I32FromU32`), as the
        generators that implement `Bindgen` print it (wiggle funcs.rs: `no implementation for {:?}`,
        without the fields)."""
        return "".join(part[:1].upper() + part[1:] for part in re.split(r"[._-]", self.value))


_INDEXED = {Op.GET_ARG, Op.RETURN_POINTER_GET}


@dataclass(frozen=True, slots=True)
class Instruction:
    op: Op
    # get-argN / return_pointer.getN index, allocate-space slot, tuple.lift/tuple.lower/return amount
    n: int | None = None
    # the typename an instruction is about (load, store, enum.lift, handle.from_i32, allocate-space, ...),
    # or "module::func" for call.wasm / call.interface
    ty: str | None = None

    @property
    def witxt(self) -> str:
        if self.op in _INDEXED:
            return f"{self.op.value}{self.n}"
        return self.op.value

    def __str__(self) -> str:
        return self.witxt


@dataclass(frozen=True, slots=True)
class AbiError:
    """Where the reference reaches `unreachable!()`, an assertion or an
    `unwrap()` on `None`: the function has no stream (or no signature)."""

    message: str
    function: str = ""
    # the instructions the reference emits before it gives up
    partial: tuple[Instruction, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return self.message


def witxt_names(stream: tuple[Instruction, ...] | list[Instruction]) -> list[str]:
    return [i.witxt for i in stream]

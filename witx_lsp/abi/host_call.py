"""The host side of a call, read off its `call_interface` stream: which core
arguments each parameter is lifted from and by which instruction, and how the
result is lowered (the out-pointers its ok payload is stored through, the
instruction that lowers its error). The stream is the one description of a
function's ABI; the runtime's glue (`wiggle/runtime/abi.py`) and the Rust
preview interpret this reading of it instead of walking the types again.

Stream shape (WebAssembly/WASI tools/witx/src/abi.rs `Generator::call_interface`,
witx 0.9.1): per parameter `get-argN` (two for a list) and one lift instruction;
`call.interface`; for an `expected` result `block.push [variant-payload
[tuple.lower N] (get-argK store T)+] block.finish block.push [variant-payload
LOWER] block.finish result.lower`, for any other result one lower instruction;
`return N`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from witx_lsp.abi.instructions import AbiError, Instruction, Op
from witx_lsp.abi.streams import call_interface
from witx_lsp.model.types import InterfaceFunc, Param


@dataclass(frozen=True, slots=True)
class ParamLift:
    param: Param
    args: tuple[int, ...]  # the core arguments it is lifted from (`get-argN`)
    lift: Instruction  # u8.from_i32, list.from_pointer_length, enum.lift T, load T, ...


@dataclass(frozen=True, slots=True)
class Store:
    arg: int  # the core argument holding the out-pointer (`get-argK`)
    ty: str  # the typename stored there


@dataclass(frozen=True, slots=True)
class ResultLowering:
    expected: bool  # lowered by `result.lower` (an ok and an err block); else by `plain` alone
    plain: Instruction | None = None
    ok_tuple: int | None = None  # `tuple.lower N`: the ok payload is a tuple of N members
    stores: tuple[Store, ...] = ()  # in stream order (a tuple's last member first)
    err: Instruction | None = None  # how the err payload is lowered (`enum.lower T` for an error enum)


@dataclass(frozen=True, slots=True)
class HostCall:
    func: InterfaceFunc
    params: tuple[ParamLift, ...]
    result: ResultLowering | None  # None: the function has no result
    core_results: int  # `return N`


class _Reader:
    def __init__(self, stream: tuple[Instruction, ...]) -> None:
        self.stream = stream
        self.i = 0

    def peek(self) -> Op | None:
        return self.stream[self.i].op if self.i < len(self.stream) else None

    def take(self, *ops: Op) -> Instruction:
        ins = self.stream[self.i] if self.i < len(self.stream) else None
        if ins is None or (ops and ins.op not in ops):
            want = " or ".join(o.value for o in ops) or "an instruction"
            raise ValueError(f"expected {want} at instruction {self.i} of the call_interface stream")
        self.i += 1
        return ins

    def block(self) -> list[Instruction]:
        """The instructions of one `block.push … block.finish`."""
        self.take(Op.BLOCK_PUSH)
        out = []
        while self.peek() is not Op.BLOCK_FINISH:
            out.append(self.take())
        self.take(Op.BLOCK_FINISH)
        return out


def _result(r: _Reader) -> ResultLowering:
    if r.peek() is not Op.BLOCK_PUSH:
        return ResultLowering(expected=False, plain=r.take())
    ok, err = r.block(), r.block()
    r.take(Op.RESULT_LOWER)
    ok_tuple = next((i.n for i in ok if i.op is Op.TUPLE_LOWER), None)
    stores = tuple(Store(get.n or 0, store.ty or "") for get, store in itertools.pairwise(ok)
                   if get.op is Op.GET_ARG and store.op is Op.STORE)
    lowered = [i for i in err if i.op is not Op.VARIANT_PAYLOAD]
    return ResultLowering(expected=True, ok_tuple=ok_tuple, stores=stores, err=lowered[0] if lowered else None)


def read_host_call(func: InterfaceFunc, stream: tuple[Instruction, ...]) -> HostCall:
    """The structure of a `call_interface` stream of `func` (raises ValueError on a stream of
    another shape, which `call_interface` never produces)."""
    r = _Reader(stream)
    params = []
    for p in func.params:
        args = []
        while r.peek() is Op.GET_ARG:
            args.append(r.take().n or 0)
        params.append(ParamLift(p, tuple(args), r.take()))
    r.take(Op.CALL_INTERFACE)
    result = _result(r) if func.results else None
    ret = r.take(Op.RETURN)
    return HostCall(func, tuple(params), result, ret.n or 0)


def host_call(func: InterfaceFunc, module: str = "") -> HostCall | AbiError:
    """The host side of `module::func`, or why the reference's adapter cannot produce it."""
    stream = call_interface(func, module)
    if isinstance(stream, AbiError):
        return stream
    return read_host_call(func, stream)

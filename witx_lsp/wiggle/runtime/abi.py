"""The ABI glue of one interface function: lift the core arguments, call the
implementation, lower the result, as the code wiggle generates does
(wasmtime crates/wiggle/generate/src/funcs.rs driving witx's `call_interface`,
v19.0.2). The glue interprets the function's `call_interface` stream
(`witx_lsp.abi.host_call`): each parameter's lift instruction picks its
conversion, the ok block's stores give the out-pointers, the err block's
`enum.lower` the error enum.

* Params: u8/s8/u16/s16 (and char8) go through a checked conversion ("convert
  u8", TryFromIntError); u32/usize/handles reinterpret the i32; enums and flags
  convert to their repr (TryFromIntError) and then check the value
  (InvalidEnumValue / InvalidFlagValue), at "convert <RustName>"; pointers, lists
  and strings become GuestPtr / SlicePtr / StrPtr unchecked; records and variants
  with payloads are read from the pointer ("read <witx name>").
* Result: `Ok(v)` stores v through the out-pointer(s), tuple members last
  first ("write <witx name>"), and returns the error enum's success tag;
  `Err(e)` returns e's tag, after the user conversion hook for that error type
  if there is one. A noreturn function raises what the implementation returns.
* Every lift or store failure raises `InFunc(module, func, location, err)`,
  which traps the guest; so does any exception from the implementation.

Functions the generator refuses (a `char` param, a result that is not an
`expected` with an enum error, types the ABI adapter cannot name) raise
`WiggleDefinitionError` when the glue is built, where the Rust build fails.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from witx_lsp.abi import AbiError, Op, wasm_signature
from witx_lsp.abi.host_call import ParamLift, ResultLowering, host_call
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    InterfaceFunc,
    IntRepr,
    NamedType,
    TypeRef,
    VariantType,
    inner_types,
    resolve,
    visit,
)
from witx_lsp.wiggle.runtime._names import py_ident, rust_type_name, snake
from witx_lsp.wiggle.runtime.errors import GuestError, InFunc, TryFromIntError
from witx_lsp.wiggle.runtime.executor import run_in_dummy_executor
from witx_lsp.wiggle.runtime.guest_type import GuestType
from witx_lsp.wiggle.runtime.memory import GuestMemory
from witx_lsp.wiggle.runtime.ptr import GuestPtr, SlicePtr, StrPtr
from witx_lsp.wiggle.runtime.result import Err, Ok
from witx_lsp.wiggle.runtime.witx_types import EnumGuestType, FlagsGuestType, TypeSpace

M32 = 0xFFFF_FFFF
M64 = 0xFFFF_FFFF_FFFF_FFFF

# What each lift instruction of the `call_interface` stream does to its core value(s), as the code
# wiggle generates for it. Checked conversions of the narrow integers (`try_from`): (Rust type, low, high).
_NARROW = {
    Op.U8_FROM_I32: ("u8", 0, 0xFF), Op.CHAR8_FROM_I32: ("u8", 0, 0xFF), Op.S8_FROM_I32: ("i8", -0x80, 0x7F),
    Op.U16_FROM_I32: ("u16", 0, 0xFFFF), Op.S16_FROM_I32: ("i16", -0x8000, 0x7FFF),
}
# Reinterpreted as unsigned (`as u32` / `as u64`).
_MASK = {Op.U32_FROM_I32: 0xFFFF_FFFF, Op.USIZE_FROM_I32: 0xFFFF_FFFF, Op.HANDLE_FROM_I32: 0xFFFF_FFFF,
         Op.U64_FROM_I64: 0xFFFF_FFFF_FFFF_FFFF}
_AS_IS = {Op.S32_FROM_I32, Op.S64_FROM_I64, Op.IF32_FROM_F32, Op.IF64_FROM_F64}
_REPR_MAX = {IntRepr.U8: 0xFF, IntRepr.U16: 0xFFFF, IntRepr.U32: M32, IntRepr.U64: M64}

Lift = Callable[[GuestMemory, tuple[Any, ...]], Any]

# The integer an enum (its tag) or flags (their repr) travels as.
_INT_REPR: Cases[IntRepr | None] = Cases(
    builtin=lambda _: None, list_=lambda _: None, pointer=lambda _: None, const_pointer=lambda _: None,
    handle=lambda _: None, record=lambda t: t.repr, variant=lambda t: t.tag_repr)


class WiggleDefinitionError(ValueError):
    """A witx function the wiggle generator cannot bind."""


class HostError(Exception):
    """Raised for a noreturn function whose implementation returned a value that
    is not an exception (Rust's `return Err(ret)`: the guest traps)."""

    def __init__(self, value: object) -> None:
        super().__init__(str(value))
        self.value = value


def method_name(func_name: str) -> str:
    """The implementation method of a witx function (snake case, keyword-escaped)."""
    return py_ident(snake(func_name) or func_name)


def param_name(name: str) -> str:
    return py_ident(snake(name) or name)


@dataclass(frozen=True)
class AbiFunction:
    """The glue of one function: `call(memory, *core_args)` returns the core
    result (an int) or None."""

    module: str
    name: str
    params: tuple[str, ...]  # core types
    results: tuple[str, ...]
    call: Callable[..., Any]


def _type_name(tref: TypeRef) -> str:
    return tref.name if isinstance(tref, NamedType) else str(getattr(resolve(tref), "form", "value"))


def _rust_name(tref: TypeRef) -> str:
    """The Rust name in "convert <RustName>" and enum/flag errors: the type an alias chain ends at."""
    while isinstance(tref, NamedType) and isinstance(tref.tref, NamedType):
        tref = tref.tref
    return rust_type_name(tref.name) if isinstance(tref, NamedType) else _type_name(tref)


class _Builder:
    def __init__(self, types: TypeSpace, module: str, func: InterfaceFunc) -> None:
        self.types = types
        self.module = module
        self.func = func

    def fail(self, message: str) -> WiggleDefinitionError:
        return WiggleDefinitionError(f"{self.module}::{self.func.name}: {message}")

    def in_func(self, location: str, err: GuestError) -> InFunc:
        return InFunc(self.module, self.func.name, location, err)

    def lift(self, pl: ParamLift) -> Lift:
        """The lift of one parameter, as its instruction in the stream says."""
        op, tref = pl.lift.op, pl.param.tref
        in_func = self.in_func
        if op in _NARROW:
            rust, lo, hi = _NARROW[op]
            where = f"convert {rust}"

            def narrow(mem: GuestMemory, a: tuple[Any, ...]) -> int:
                v: int = a[0]
                if lo <= v <= hi:
                    return v
                raise in_func(where, TryFromIntError())
            return narrow
        if op in _MASK:
            mask = _MASK[op]
            return lambda mem, a: a[0] & mask
        if op in _AS_IS:
            return lambda mem, a: a[0]
        if op is Op.CHAR_FROM_I32:
            raise self.fail("a `char` param has no ABI conversion (the generator panics: "
                            "no implementation for CharFromI32)")
        if op in (Op.POINTER_FROM_I32, Op.CONST_POINTER_FROM_I32):
            (pointee_ref,) = inner_types(resolve(tref))
            pointee = self.types.of(pointee_ref)
            return lambda mem, a: GuestPtr(mem, a[0] & M32, pointee)
        if op is Op.LIST_FROM_POINTER_LENGTH:
            (element,) = inner_types(resolve(tref))
            el = resolve(element)
            if isinstance(el, Builtin) and el.kind is BuiltinKind.CHAR:
                return lambda mem, a: StrPtr(mem, a[0] & M32, a[1] & M32)
            elem = self.types.of(element)
            return lambda mem, a: SlicePtr(mem, a[0] & M32, a[1] & M32, elem)
        if op in (Op.ENUM_LIFT, Op.BITFLAGS_FROM_I32, Op.BITFLAGS_FROM_I64):
            return self.convert(tref)
        return self.read(tref)  # load T: records and variants with payloads come by address

    def convert(self, tref: TypeRef) -> Lift:
        """An enum or flags value: the repr's range, then the value (InvalidEnumValue / InvalidFlagValue)."""
        gt = self.types.of(tref)
        assert isinstance(gt, (EnumGuestType, FlagsGuestType))
        top = _REPR_MAX[visit(resolve(tref), _INT_REPR) or IntRepr.U32]
        where = f"convert {_rust_name(tref)}"
        check = gt.from_tag if isinstance(gt, EnumGuestType) else gt.from_bits
        in_func = self.in_func

        def convert(mem: GuestMemory, a: tuple[Any, ...]) -> Any:
            v: int = a[0]
            if not 0 <= v <= top:
                raise in_func(where, TryFromIntError())
            try:
                return check(v)
            except GuestError as e:
                raise in_func(where, e) from None
        return convert

    def read(self, tref: TypeRef) -> Lift:
        gt = self.types.of(tref)
        where = f"read {_type_name(tref)}"
        in_func = self.in_func

        def read(mem: GuestMemory, a: tuple[Any, ...]) -> Any:
            try:
                return gt.read(mem, a[0] & M32)
            except GuestError as e:
                raise in_func(where, e) from None
        return read

    def error_type(self, r: ResultLowering) -> EnumGuestType:
        """The error enum of an `expected` result, as the err block of the stream lowers it."""
        if r.err is None:
            raise self.fail("an `expected` without an error type cannot be lowered")
        if r.err.op is not Op.ENUM_LOWER or r.err.ty is None:
            var = resolve(self.func.results[0].tref)
            pair = var.as_expected() if isinstance(var, VariantType) else None
            name = _type_name(pair[1]) if pair is not None and pair[1] is not None else "?"
            raise self.fail(f"the error type `{name}` is not an enum (the generator panics)")
        gt = self.types.named(r.err.ty)
        assert isinstance(gt, EnumGuestType)
        return gt

    def out_slots(self, r: ResultLowering, n_args: int) -> list[tuple[GuestType[Any], str]]:
        """The ok payload's stores, by out-pointer (the core arguments after the params)."""
        stores = sorted(r.stores, key=lambda st: st.arg)
        assert [st.arg - n_args for st in stores] == list(range(len(stores)))
        return [(self.types.named(st.ty), f"write {st.ty}") for st in stores]


def abi_function(types: TypeSpace, module: str, func: InterfaceFunc, implementation: object, *,
                 errors: Mapping[str, Callable[[Any], Any]] | None = None,
                 success: Mapping[str, str] | None = None) -> AbiFunction:
    """Build the glue of `module::func` calling `implementation.<method>`.

    `errors` maps an error typename (as the `expected` names it) to a user
    conversion hook: `Err(x)` is lowered as `hook(x)`, which returns a case of
    that enum or raises (a trap). `success` maps an error typename to the case
    whose tag reports success (default: its first case)."""
    b = _Builder(types, module, func)
    hc = host_call(func, module)
    if isinstance(hc, AbiError):
        raise b.fail(hc.message)
    sig = wasm_signature(func)
    if isinstance(sig, AbiError):
        raise b.fail(sig.message)
    name = method_name(func.name)
    method = getattr(implementation, name, None)
    if not callable(method):
        raise TypeError(f"{type(implementation).__name__} has no method `{name}` for {module}::{func.name}")

    lifts = [(len(pl.args), b.lift(pl)) for pl in hc.params]
    n_args = sum(n for n, _ in lifts)
    in_func = b.in_func

    if func.noreturn or hc.result is None:
        if func.results:
            raise b.fail("a noreturn function has results")
        noreturn = func.noreturn

        def call_plain(mem: GuestMemory, *args: Any) -> None:
            ret = _invoke(method, _lift_all(lifts, mem, args))
            if noreturn:
                if isinstance(ret, BaseException):
                    raise ret
                raise HostError(ret)
            return None
        return AbiFunction(module, func.name, sig.params, sig.results, call_plain)

    if len(func.results) > 1:
        raise b.fail("more than one result")
    if not hc.result.expected:
        raise b.fail(f"result `{func.results[0].name}` is not an `expected` (the generator panics: not implemented)")
    err_gt = b.error_type(hc.result)
    err_name = err_gt.name
    hook = (errors or {}).get(err_name)
    success_case = (success or {}).get(err_name, err_gt.cases[0])
    success_tag = err_gt.to_tag(success_case)
    slots = b.out_slots(hc.result, n_args)
    tuple_ok = hc.result.ok_tuple is not None
    to_tag = err_gt.to_tag
    single = slots[0] if len(slots) == 1 and not tuple_ok else None

    def call(mem: GuestMemory, *args: Any) -> int:
        ret = _invoke(method, _lift_all(lifts, mem, args))
        if type(ret) is Ok:
            if single is not None:
                ty, where = single
                try:
                    ty.write(mem, args[n_args] & M32, ret.value)
                except GuestError as e:
                    raise in_func(where, e) from None
            elif slots:
                values = ret.value
                for i in reversed(range(len(slots))):  # the last member is stored first
                    ty, where = slots[i]
                    try:
                        ty.write(mem, args[n_args + i] & M32, values[i])
                    except GuestError as e:
                        raise in_func(where, e) from None
            return success_tag
        if type(ret) is Err:
            return to_tag(ret.error if hook is None else hook(ret.error))
        raise TypeError(f"{module}::{func.name} must return Ok(...) or Err(...), not {type(ret).__name__}")
    return AbiFunction(module, func.name, sig.params, sig.results, call)


def _lift_all(lifts: list[tuple[int, Lift]], mem: GuestMemory, args: tuple[Any, ...]) -> list[Any]:
    out = []
    i = 0
    for n, lift in lifts:
        out.append(lift(mem, args[i:i + n]))
        i += n
    return out


def _invoke(method: Callable[..., Any], values: list[Any]) -> Any:
    ret = method(*values)
    if inspect.iscoroutine(ret):
        ret = run_in_dummy_executor(ret)
    return ret

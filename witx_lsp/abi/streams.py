"""The `call_wasm` and `call_interface` adapter instruction streams of the
Preview1 ABI (WebAssembly/WASI tools/witx/src/abi.rs `Generator`,
witx 0.9.1).

Where the reference reaches `unreachable!()` (an inline type that needs a
typename, such as a `bool` or `tuple` param), fails an assertion or unwraps
`None`, these functions return an `AbiError` carrying the instructions emitted
up to that point instead of raising.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from witx_lsp.abi.instructions import AbiError, Instruction, Op
from witx_lsp.abi.signature import wasm_signature
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    ConstPointerType,
    HandleType,
    InterfaceFunc,
    IntRepr,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
    tuple_members,
    type_kind,
    visit,
)

# The one instruction of each kind in either direction, as (lower, lift) (abi.rs `lower` and `lift`).
_BUILTIN = {
    BuiltinKind.S8: (Op.I32_FROM_S8, Op.S8_FROM_I32), BuiltinKind.U8: (Op.I32_FROM_U8, Op.U8_FROM_I32),
    BuiltinKind.S16: (Op.I32_FROM_S16, Op.S16_FROM_I32), BuiltinKind.U16: (Op.I32_FROM_U16, Op.U16_FROM_I32),
    BuiltinKind.S32: (Op.I32_FROM_S32, Op.S32_FROM_I32), BuiltinKind.U32: (Op.I32_FROM_U32, Op.U32_FROM_I32),
    BuiltinKind.S64: (Op.I64_FROM_S64, Op.S64_FROM_I64), BuiltinKind.U64: (Op.I64_FROM_U64, Op.U64_FROM_I64),
    BuiltinKind.CHAR: (Op.I32_FROM_CHAR, Op.CHAR_FROM_I32), BuiltinKind.F32: (Op.F32_FROM_IF32, Op.IF32_FROM_F32),
    BuiltinKind.F64: (Op.F64_FROM_IF64, Op.IF64_FROM_F64),
}
_CHAR8 = (Op.I32_FROM_CHAR8, Op.CHAR8_FROM_I32)
_USIZE = (Op.I32_FROM_USIZE, Op.USIZE_FROM_I32)
_LIST = (Op.LIST_POINTER_LENGTH, Op.LIST_FROM_POINTER_LENGTH)
_POINTER = (Op.I32_FROM_POINTER, Op.POINTER_FROM_I32)
_CONST_POINTER = (Op.I32_FROM_CONST_POINTER, Op.CONST_POINTER_FROM_I32)
_HANDLE = (Op.I32_FROM_HANDLE, Op.HANDLE_FROM_I32)
_BITFLAGS = (Op.I32_FROM_BITFLAGS, Op.BITFLAGS_FROM_I32)
_BITFLAGS_64 = (Op.I64_FROM_BITFLAGS, Op.BITFLAGS_FROM_I64)
_ENUM = (Op.ENUM_LOWER, Op.ENUM_LIFT)
_RESULT = (Op.RESULT_LOWER, Op.RESULT_LIFT)
_LOWER, _LIFT = 0, 1
_DONE = ("lowered", "lifted")  # what the message about an inline type says cannot be done to it


class _Unreachable(Exception):
    pass


def _describe(t: Type) -> str:
    if isinstance(t, (VariantType, RecordType)):
        return f"`{t.form}`"
    return f"`{type_kind(t)}`"


class _Generator:
    def __init__(self, func: InterfaceFunc, module: str) -> None:
        self.func = func
        self.module = module
        self.out: list[Instruction] = []
        self.where = ""

    def emit(self, op: Op, n: int | None = None, ty: str | None = None) -> None:
        self.out.append(Instruction(op, n, ty))

    def named(self, tref: TypeRef, what: str) -> str:
        if isinstance(tref, NamedType):
            return tref.name
        raise _Unreachable(f"{self.where}: an inline {_describe(resolve(tref))} cannot be {what} by the Preview1 "
                           "ABI adapter (the reference reaches `unreachable!()`); give the type a typename")

    # -- interface value -> core values (abi.rs `lower`)
    def lower(self, tref: TypeRef, retptr: int | None) -> None:
        visit(resolve(tref), _Lower(self, tref, retptr))

    # -- core values -> interface value (abi.rs `lift`)
    def lift(self, tref: TypeRef, is_return: bool) -> None:
        visit(resolve(tref), _Lift(self, tref, is_return))

    def prep_return_pointer(self, tref: TypeRef) -> None:
        """Space for the ok payload of a result (abi.rs `prep_return_pointer`)."""
        t = resolve(tref)
        if not isinstance(t, VariantType):
            return
        if not t.cases:
            raise _Unreachable(f"{self.where}: a result variant with no cases has no `ok` case")
        ok = t.cases[0].tref
        if ok is None:
            return
        members = tuple_members(ok)
        for n, slot in enumerate(members if members is not None else (ok,)):
            self.emit(Op.ALLOCATE_SPACE, n=n, ty=self.named(slot, "given return space"))
            self.emit(Op.RETURN_POINTER_GET, n=n)

    def call_wasm(self) -> None:
        f = self.func
        for nth, p in enumerate(f.params):
            self.where = f"param `{p.name}`"
            self.emit(Op.GET_ARG, n=nth)
            self.lower(p.tref, None)
        if len(f.results) >= 2:
            raise _Unreachable("the Preview1 ABI allows at most one result")
        self.where = f"result `{f.results[0].name}`" if f.results else ""
        if f.results:
            self.prep_return_pointer(f.results[0].tref)
        sig = wasm_signature(f)
        if isinstance(sig, AbiError):
            raise _Unreachable(sig.message)
        self.emit(Op.CALL_WASM, ty=f"{self.module}::{f.name}")
        if f.results:
            self.lift(f.results[0].tref, True)
        self.emit(Op.RETURN, n=len(f.results))

    def call_interface(self) -> None:
        f = self.func
        nth = 0
        for p in f.params:
            self.where = f"param `{p.name}`"
            self.emit(Op.GET_ARG, n=nth)
            nth += 1
            if isinstance(resolve(p.tref), ListType):
                self.emit(Op.GET_ARG, n=nth)
                nth += 1
            self.lift(p.tref, False)
        self.emit(Op.CALL_INTERFACE, ty=f"{self.module}::{f.name}")
        if f.results:
            self.where = f"result `{f.results[0].name}`"
            self.lower(f.results[0].tref, nth)
        sig = wasm_signature(f)
        if isinstance(sig, AbiError):
            raise _Unreachable(sig.message)
        self.emit(Op.RETURN, n=len(sig.results))


class _Convert(ABC):
    """abi.rs `lower` or `lift` (`side`) of one value of type `tref`. The kinds with one instruction
    each way are done here; `_Lower` and `_Lift` say what becomes of a record or variant passed by
    address and of a result's payloads."""

    side = _LOWER

    def __init__(self, g: _Generator, tref: TypeRef) -> None:
        self.g, self.tref = g, tref

    def on_builtin(self, t: Builtin) -> None:
        if t.kind is BuiltinKind.U8 and t.lang_c_char:
            self.g.emit(_CHAR8[self.side])
        elif t.kind is BuiltinKind.U32 and t.lang_ptr_size:
            self.g.emit(_USIZE[self.side])
        else:
            self.g.emit(_BUILTIN[t.kind][self.side])

    def on_list(self, t: ListType) -> None:
        self.g.emit(_LIST[self.side])

    def on_pointer(self, t: PointerType) -> None:
        self.g.emit(_POINTER[self.side])

    def on_const_pointer(self, t: ConstPointerType) -> None:
        self.g.emit(_CONST_POINTER[self.side])

    def on_handle(self, t: HandleType) -> None:
        self.g.emit(_HANDLE[self.side], ty=self.g.named(self.tref, _DONE[self.side]))

    def on_record(self, t: RecordType) -> None:
        name = self.g.named(self.tref, _DONE[self.side])
        if t.kind is RecordKind.BITFLAGS:
            self.g.emit((_BITFLAGS_64 if t.repr is IntRepr.U64 else _BITFLAGS)[self.side], ty=name)
        else:
            self.by_address(name)

    def on_variant(self, t: VariantType) -> None:
        if t.is_enum():
            self.g.emit(_ENUM[self.side], ty=self.g.named(self.tref, _DONE[self.side]))
        else:
            self.variant(t)

    def result(self, v: VariantType) -> None:
        """A function's result: one block for the ok payload, one for the err payload."""
        pair = v.as_expected()
        if pair is None:
            raise _Unreachable(f"{self.g.where}: a result variant must have exactly the cases `ok` and `err`")
        ok, err = pair
        self.g.emit(Op.BLOCK_PUSH)
        if ok is not None:
            self.ok_payload(ok)
        self.g.emit(Op.BLOCK_FINISH)
        self.g.emit(Op.BLOCK_PUSH)
        if err is not None:
            self.err_payload(err)
        self.g.emit(Op.BLOCK_FINISH)
        self.g.emit(_RESULT[self.side])

    @abstractmethod
    def by_address(self, name: str) -> None:
        """A record that is not bitflags (`name`: its typename)."""

    @abstractmethod
    def variant(self, t: VariantType) -> None:
        """A variant that is not an enum."""

    @abstractmethod
    def ok_payload(self, ok: TypeRef) -> None:
        """A result's ok payload, which goes through the return pointers."""

    @abstractmethod
    def err_payload(self, err: TypeRef) -> None:
        """A result's err payload."""


class _Lower(_Convert):
    """abi.rs `lower`: interface value -> core values (`retptr`: the first out-pointer argument
    of a result's ok payload)."""

    def __init__(self, g: _Generator, tref: TypeRef, retptr: int | None) -> None:
        super().__init__(g, tref)
        self.retptr = retptr

    def by_address(self, name: str) -> None:
        self.g.emit(Op.ADDR_OF)

    def variant(self, t: VariantType) -> None:
        if self.retptr is None:
            self.g.emit(Op.ADDR_OF)
        else:
            self.result(t)

    def ok_payload(self, ok: TypeRef) -> None:
        assert self.retptr is not None
        self.g.emit(Op.VARIANT_PAYLOAD)
        members = tuple_members(ok)
        if members is not None:
            self.g.emit(Op.TUPLE_LOWER, n=len(members))
            # The last member is on top of the stack, so it is stored first.
            for i in reversed(range(len(members))):
                self.g.emit(Op.GET_ARG, n=self.retptr + i)
                self.g.emit(Op.STORE, ty=self.g.named(members[i], "stored"))
        else:
            self.g.emit(Op.GET_ARG, n=self.retptr)
            self.g.emit(Op.STORE, ty=self.g.named(ok, "stored"))

    def err_payload(self, err: TypeRef) -> None:
        self.g.emit(Op.VARIANT_PAYLOAD)
        self.g.lower(err, None)


class _Lift(_Convert):
    """abi.rs `lift`: core values -> interface value (`is_return`: the function's result)."""

    side = _LIFT

    def __init__(self, g: _Generator, tref: TypeRef, is_return: bool) -> None:
        super().__init__(g, tref)
        self.is_return = is_return

    def by_address(self, name: str) -> None:
        self.g.emit(Op.LOAD, ty=name)

    def variant(self, t: VariantType) -> None:
        if self.is_return:
            self.result(t)
        else:
            self.g.emit(Op.LOAD, ty=self.g.named(self.tref, "loaded"))

    def ok_payload(self, ok: TypeRef) -> None:
        members = tuple_members(ok)
        if members is not None:
            for n, m in enumerate(members):
                self.g.emit(Op.RETURN_POINTER_GET, n=n)
                self.g.emit(Op.LOAD, ty=self.g.named(m, "loaded"))
            self.g.emit(Op.TUPLE_LIFT, n=len(members))
        else:
            self.g.emit(Op.RETURN_POINTER_GET, n=0)
            self.g.emit(Op.LOAD, ty=self.g.named(ok, "loaded"))

    def err_payload(self, err: TypeRef) -> None:
        self.g.emit(Op.REUSE_RETURN)
        self.g.lift(err, False)


def _run(func: InterfaceFunc, module: str, which: str) -> tuple[Instruction, ...] | AbiError:
    g = _Generator(func, module)
    try:
        if which == "wasm":
            g.call_wasm()
        else:
            g.call_interface()
    except _Unreachable as e:
        return AbiError(str(e).lstrip(": "), func.name, tuple(g.out))
    return tuple(g.out)


def call_wasm(func: InterfaceFunc, module: str = "") -> tuple[Instruction, ...] | AbiError:
    """Guest code calling the imported function: lower the interface params,
    call the core function, lift the result."""
    return _run(func, module, "wasm")


def call_interface(func: InterfaceFunc, module: str = "") -> tuple[Instruction, ...] | AbiError:
    """The host side: lift the core params, call the interface function, lower
    the result (ok payloads are stored through the trailing out-pointers)."""
    return _run(func, module, "interface")

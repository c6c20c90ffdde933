"""The `call_wasm` and `call_interface` adapter instruction streams of the
Preview1 ABI (WebAssembly/WASI tools/witx/src/abi.rs `Generator`,
witx 0.9.1).

Where the reference reaches `unreachable!()` (an inline type that needs a
typename, such as a `bool` or `tuple` param), fails an assertion or unwraps
`None`, these functions return an `AbiError` carrying the instructions emitted
up to that point instead of raising.
"""

from __future__ import annotations

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

_LOWER_BUILTIN = {
    BuiltinKind.S8: Op.I32_FROM_S8, BuiltinKind.U8: Op.I32_FROM_U8, BuiltinKind.S16: Op.I32_FROM_S16,
    BuiltinKind.U16: Op.I32_FROM_U16, BuiltinKind.S32: Op.I32_FROM_S32, BuiltinKind.U32: Op.I32_FROM_U32,
    BuiltinKind.S64: Op.I64_FROM_S64, BuiltinKind.U64: Op.I64_FROM_U64, BuiltinKind.CHAR: Op.I32_FROM_CHAR,
    BuiltinKind.F32: Op.F32_FROM_IF32, BuiltinKind.F64: Op.F64_FROM_IF64,
}
_LIFT_BUILTIN = {
    BuiltinKind.S8: Op.S8_FROM_I32, BuiltinKind.U8: Op.U8_FROM_I32, BuiltinKind.S16: Op.S16_FROM_I32,
    BuiltinKind.U16: Op.U16_FROM_I32, BuiltinKind.S32: Op.S32_FROM_I32, BuiltinKind.U32: Op.U32_FROM_I32,
    BuiltinKind.S64: Op.S64_FROM_I64, BuiltinKind.U64: Op.U64_FROM_I64, BuiltinKind.CHAR: Op.CHAR_FROM_I32,
    BuiltinKind.F32: Op.IF32_FROM_F32, BuiltinKind.F64: Op.IF64_FROM_F64,
}


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

    def lower_result(self, v: VariantType, retptr: int) -> None:
        pair = v.as_expected()
        if pair is None:
            raise _Unreachable(f"{self.where}: a result variant must have exactly the cases `ok` and `err`")
        ok, err = pair
        self.emit(Op.BLOCK_PUSH)
        if ok is not None:
            self.emit(Op.VARIANT_PAYLOAD)
            members = tuple_members(ok)
            if members is not None:
                self.emit(Op.TUPLE_LOWER, n=len(members))
                # The last member is on top of the stack, so it is stored first.
                for i in reversed(range(len(members))):
                    self.emit(Op.GET_ARG, n=retptr + i)
                    self.emit(Op.STORE, ty=self.named(members[i], "stored"))
            else:
                self.emit(Op.GET_ARG, n=retptr)
                self.emit(Op.STORE, ty=self.named(ok, "stored"))
        self.emit(Op.BLOCK_FINISH)
        self.emit(Op.BLOCK_PUSH)
        if err is not None:
            self.emit(Op.VARIANT_PAYLOAD)
            self.lower(err, None)
        self.emit(Op.BLOCK_FINISH)
        self.emit(Op.RESULT_LOWER)

    # -- core values -> interface value (abi.rs `lift`)
    def lift(self, tref: TypeRef, is_return: bool) -> None:
        visit(resolve(tref), _Lift(self, tref, is_return))

    def lift_result(self, v: VariantType) -> None:
        pair = v.as_expected()
        if pair is None:
            raise _Unreachable(f"{self.where}: a result variant must have exactly the cases `ok` and `err`")
        ok, err = pair
        self.emit(Op.BLOCK_PUSH)
        if ok is not None:
            members = tuple_members(ok)
            if members is not None:
                for n, m in enumerate(members):
                    self.emit(Op.RETURN_POINTER_GET, n=n)
                    self.emit(Op.LOAD, ty=self.named(m, "loaded"))
                self.emit(Op.TUPLE_LIFT, n=len(members))
            else:
                self.emit(Op.RETURN_POINTER_GET, n=0)
                self.emit(Op.LOAD, ty=self.named(ok, "loaded"))
        self.emit(Op.BLOCK_FINISH)
        self.emit(Op.BLOCK_PUSH)
        if err is not None:
            self.emit(Op.REUSE_RETURN)
            self.lift(err, False)
        self.emit(Op.BLOCK_FINISH)
        self.emit(Op.RESULT_LIFT)

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


class _Lower:
    """abi.rs `lower` of one value of type `tref` (`retptr`: where a result's ok payload goes)."""

    def __init__(self, g: _Generator, tref: TypeRef, retptr: int | None) -> None:
        self.g, self.tref, self.retptr = g, tref, retptr

    def on_builtin(self, t: Builtin) -> None:
        if t.kind is BuiltinKind.U8 and t.lang_c_char:
            self.g.emit(Op.I32_FROM_CHAR8)
        elif t.kind is BuiltinKind.U32 and t.lang_ptr_size:
            self.g.emit(Op.I32_FROM_USIZE)
        else:
            self.g.emit(_LOWER_BUILTIN[t.kind])

    def on_list(self, t: ListType) -> None:
        self.g.emit(Op.LIST_POINTER_LENGTH)

    def on_pointer(self, t: PointerType) -> None:
        self.g.emit(Op.I32_FROM_POINTER)

    def on_const_pointer(self, t: ConstPointerType) -> None:
        self.g.emit(Op.I32_FROM_CONST_POINTER)

    def on_handle(self, t: HandleType) -> None:
        self.g.emit(Op.I32_FROM_HANDLE, ty=self.g.named(self.tref, "lowered"))

    def on_record(self, t: RecordType) -> None:
        name = self.g.named(self.tref, "lowered")
        if t.kind is RecordKind.BITFLAGS:
            self.g.emit(Op.I64_FROM_BITFLAGS if t.repr is IntRepr.U64 else Op.I32_FROM_BITFLAGS, ty=name)
        else:
            self.g.emit(Op.ADDR_OF)

    def on_variant(self, t: VariantType) -> None:
        if t.is_enum():
            self.g.emit(Op.ENUM_LOWER, ty=self.g.named(self.tref, "lowered"))
        elif self.retptr is None:
            self.g.emit(Op.ADDR_OF)
        else:
            self.g.lower_result(t, self.retptr)


class _Lift:
    """abi.rs `lift` of one value of type `tref` (`is_return`: the function's result)."""

    def __init__(self, g: _Generator, tref: TypeRef, is_return: bool) -> None:
        self.g, self.tref, self.is_return = g, tref, is_return

    def on_builtin(self, t: Builtin) -> None:
        if t.kind is BuiltinKind.U8 and t.lang_c_char:
            self.g.emit(Op.CHAR8_FROM_I32)
        elif t.kind is BuiltinKind.U32 and t.lang_ptr_size:
            self.g.emit(Op.USIZE_FROM_I32)
        else:
            self.g.emit(_LIFT_BUILTIN[t.kind])

    def on_list(self, t: ListType) -> None:
        self.g.emit(Op.LIST_FROM_POINTER_LENGTH)

    def on_pointer(self, t: PointerType) -> None:
        self.g.emit(Op.POINTER_FROM_I32)

    def on_const_pointer(self, t: ConstPointerType) -> None:
        self.g.emit(Op.CONST_POINTER_FROM_I32)

    def on_handle(self, t: HandleType) -> None:
        self.g.emit(Op.HANDLE_FROM_I32, ty=self.g.named(self.tref, "lifted"))

    def on_record(self, t: RecordType) -> None:
        name = self.g.named(self.tref, "lifted")
        if t.kind is RecordKind.BITFLAGS:
            self.g.emit(Op.BITFLAGS_FROM_I64 if t.repr is IntRepr.U64 else Op.BITFLAGS_FROM_I32, ty=name)
        else:
            self.g.emit(Op.LOAD, ty=name)

    def on_variant(self, t: VariantType) -> None:
        if t.is_enum():
            self.g.emit(Op.ENUM_LIFT, ty=self.g.named(self.tref, "lifted"))
        elif not self.is_return:
            self.g.emit(Op.LOAD, ty=self.g.named(self.tref, "loaded"))
        else:
            self.g.lift_result(t)


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

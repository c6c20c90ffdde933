"""One `pub mod <module>` per witx module: the ABI functions' signatures, the
`#[wiggle::async_trait] pub trait <Module>` with its methods, and the
`add_to_linker` signature; plus `types::UserErrorConversion`.

Mirrors bytecodealliance/wasmtime crates/wiggle/generate/src/module_trait.rs
(`define_module_trait`), funcs.rs (`_define_func`), wasmtime.rs (`link_module`)
and lib.rs (`generate`), with the per-release changes between wasmtime v5.0.0 and v22.0.0.
"""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.abi import AbiError, Op, wasm_signature
from witx_lsp.abi.host_call import ResultLowering, host_call
from witx_lsp.model.types import (
    InterfaceFunc,
    Module,
    NamedType,
    TypeRef,
    VariantType,
    resolve,
    tuple_members,
)
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen.config import Config, ErrorMapping
from witx_lsp.wiggle.codegen.rust_writer import FnSig, RustWriter
from witx_lsp.wiggle.codegen.typeref import (
    ANON,
    LIFETIME,
    LIFETIME_FREE_PROFILE,
    GenPanic,
    needs_lifetime,
    passed_by_reference,
    tuple_type,
    type_ref,
    witx_text,
)
from witx_lsp.wiggle.codegen.types import anyhow, ident

ASYNC_TRAIT = "#[wiggle::async_trait]"

# The parameter lifts of a `call_interface` stream that funcs.rs (wiggle's `Bindgen`) has no arm for: its
# `emit` panics with `no implementation for {instruction:?}`. Of the err lowerings it implements only
# `EnumLower` (see `error_panic`).
_UNIMPLEMENTED_LIFTS = frozenset({Op.CHAR_FROM_I32})


@dataclass(frozen=True)
class Method:
    """A trait method: its signature, and whether the generator could produce it."""

    sig: FnSig | None
    panic: str | None = None

    def one_line(self) -> str:
        """The whole signature on one line with single spaces, ending in `;`."""
        if self.sig is None:
            return f"// wiggle-generate panics here: {self.panic}"
        return self.sig.one_line() + ";"


class FuncGen:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.profile = config.profile
        self.lifetimes = self.profile < LIFETIME_FREE_PROFILE

    def user_error(self, err: TypeRef | None) -> ErrorMapping | None:
        """codegen_settings.rs `for_abi_error`: only a directly named error type is mapped."""
        if isinstance(err, NamedType):
            return self.config.error_for(err.name)
        return None

    # --- the trait ------------------------------------------------------------------------------------

    def method(self, module: Module, func: InterfaceFunc) -> Method:
        try:
            return Method(self.method_sig(module, func))
        except GenPanic as e:
            return Method(None, str(e))

    def method_sig(self, module: Module, func: InterfaceFunc) -> FnSig:
        """module_trait.rs: `[async ]fn name[<'a>](&mut self, p: [&]T, ...) -> R`."""
        p = self.profile
        lifetime = any(needs_lifetime(x.tref) for x in (*func.params, *func.results))
        lt = LIFETIME if lifetime else ANON
        params = ["&mut self" if self.config.mutable else "&self"]
        if not self.lifetimes:
            params.append("mem: &mut wiggle::GuestMemory<'_>")
        for prm in func.params:
            ty = type_ref(prm.tref, lt, p)
            ref = "&" if passed_by_reference(prm.tref, p) else ""
            params.append(f"{ident(names.escape_snake(prm.name))}: {ref}{ty}")
        ret = self.result_type(func, lt)
        asyncness = self.config.asyncness(module.name, func.name)
        qualifiers = ""
        if asyncness != "sync":
            if p >= 39:
                ret = f"impl std::future::Future<Output = {ret}> + Send"
            else:
                qualifiers = "async "
        generics = "<'a>" if lifetime and self.lifetimes else ""
        return FnSig(ident(names.escape_snake(func.name)), tuple(params), ret, generics, qualifiers)

    def result_type(self, func: InterfaceFunc, lt: str) -> str:
        if not func.results:
            return f"{anyhow(self.profile)}::Error" if func.noreturn else "()"
        if len(func.results) > 1:
            raise GenPanic("not implemented")
        t = resolve(func.results[0].tref)
        if not isinstance(t, VariantType):
            raise GenPanic("not implemented")
        shape = t.as_expected()
        if shape is None:
            raise GenPanic(f"not implemented: anonymous variant ref {witx_text(func.results[0].tref)}")
        ok, err = shape
        ok_s = "()"
        if ok is not None:
            # An anonymous tuple is spelled member by member; a named one by its name.
            members = None if isinstance(ok, NamedType) else tuple_members(ok)
            if members is not None:
                ok_s = tuple_type([type_ref(m, lt, self.profile) for m in members])
            else:
                ok_s = type_ref(ok, lt, self.profile)
        err_s = "()"
        if err is not None:
            mapping = self.user_error(err)
            if mapping is None:
                err_s = type_ref(err, lt, self.profile)
            elif mapping.trappable:
                err_s = mapping.rich
            else:
                err_s = f"super::{mapping.rich}"
        return f"Result<{ok_s}, {err_s}>"

    def trait(self, w: RustWriter, module: Module) -> dict[str, Method]:
        """The trait item; returns each function's method."""
        methods = {f.name: self.method(module, f) for f in module.funcs}
        trait_name = ident(names.type_name(module.name))
        if self.profile < 39:
            w.line(ASYNC_TRAIT)
        body = bool(methods) or self.profile >= 43
        if not body:
            w.line(f"pub trait {trait_name} {{}}")
            return methods
        with w.block(f"pub trait {trait_name} {{"):
            for m in methods.values():
                if m.sig is None:
                    w.line(m.one_line())
                else:
                    w.fn(m.sig)
            if self.profile >= 43:
                w.line("/// Indicates, if this implementation supports it, that the")
                w.line("/// specified amount of fuel should be the maximal spent for the")
                w.line("/// upcoming function call.")
                w.fn(FnSig("set_hostcall_fuel", ("&mut self", "fuel: usize")), ["let _ = fuel;"])
        return methods

    # --- ABI functions --------------------------------------------------------------------------------

    def abi_panic(self, func: InterfaceFunc) -> str | None:
        """Where funcs.rs (the `Bindgen` over witx `call_interface`) panics, read off the function's
        `call_interface` stream: the first parameter lift it does not implement, else the reference
        adapter's own failure (an inline type it cannot name), else the lowering of an `expected`'s error.
        A result that is not an `expected` is the trait method's panic (`method`)."""
        call = host_call(func)
        if isinstance(call, AbiError):
            first = next((i for i in call.partial if i.op in _UNIMPLEMENTED_LIFTS), None)
            return f"no implementation for {first.op.variant}" if first is not None else call.message
        first_lift = next((p.lift for p in call.params if p.lift.op in _UNIMPLEMENTED_LIFTS), None)
        if first_lift is not None:
            return f"no implementation for {first_lift.op.variant}"
        return error_panic(call.result) if call.result is not None else None

    def bounds(self, module: Module, func: InterfaceFunc) -> list[str]:
        out = [ident(names.type_name(module.name))]
        for r in func.results:
            t = resolve(r.tref)
            shape = t.as_expected() if isinstance(t, VariantType) else None
            if shape is not None:
                mapping = self.user_error(shape[1])
                if mapping is not None and not mapping.trappable and "UserErrorConversion" not in out:
                    out.append("UserErrorConversion")
        return out

    def abi_fn(self, w: RustWriter, module: Module, func: InterfaceFunc) -> None:
        """funcs.rs `define_func`: the signature (the body is elided)."""
        name = ident(names.escape_snake(func.name))
        panic = self.abi_panic(func)
        sig = wasm_signature(func)
        if isinstance(sig, AbiError):
            panic = panic or sig.message
        if panic is not None or isinstance(sig, AbiError):
            w.line(f"// wiggle-generate panics generating `{name}`: {panic}")
            return
        args = tuple(f"arg{i}: {t}" for i, t in enumerate(sig.params))
        ret_core = sig.results[0] if sig.results else "()"
        result = f"{anyhow(self.profile)}::Result<{ret_core}>"
        bound = " + ".join(self.bounds(module, func))
        mut = "mut " if self.config.mutable else ""
        asyncness = self.config.asyncness(module.name, func.name)
        trait_name = ident(names.type_name(module.name))
        what = f"lifts the arguments, calls {trait_name}::{name}, lowers the result"
        if len(what) > 70:
            what = "lifts the arguments, calls the trait method, lowers the result"
        if self.config.tracing_enabled_for(module.name, func.name):
            what += " (traced)"
        w.line("#[allow(unreachable_code)]")
        if not self.lifetimes:
            params = (f"ctx: &{mut}(impl {bound})", "memory: &mut wiggle::GuestMemory<'_>", *args)
            quals = "pub async " if asyncness != "sync" else "pub "
            w.fn(FnSig(name, params, result, qualifiers=quals), [f"// elided: {what}"])
            return
        if asyncness == "sync":
            params = (f"ctx: &'a {mut}(impl {bound})", "memory: &dyn wiggle::GuestMemory", *args)
            ret = result
        else:
            params = (f"ctx: &'a {mut}(impl {bound})", "memory: &'a dyn wiggle::GuestMemory", *args)
            ret = f"impl std::future::Future<Output = {result}> + 'a"
        w.fn(FnSig(name, params, ret, "<'a>", "pub "), [f"// elided: {what}"])

    # --- linker ---------------------------------------------------------------------------------------

    def add_to_linker(self, w: RustWriter, module: Module) -> None:
        """wasmtime.rs `link_module` (when `wasmtime: true`)."""
        bounds: list[str] = []
        for f in module.funcs:
            for b in self.bounds(module, f):
                if b not in bounds:
                    bounds.append(b)  # a HashSet upstream: the order of several bounds varies between builds
        contains_async = any(self.config.asyncness(module.name, f.name) == "async" for f in module.funcs)
        preds = [f"U: {' + '.join(bounds)}".rstrip()]
        if contains_async:
            # `U: #ctx_bound #send_bound`, where ctx_bound already ends in the send bound: spliced in twice.
            preds = [f"U: {' + '.join(bounds)} + Send", "T: Send + Send", "T: Send"]
        if self.profile >= 34:
            preds.insert(0, "T: 'static")
        u = "&mut U" if self.config.mutable else "&U"
        params = ("linker: &mut wiggle::wasmtime_crate::Linker<T>",
                  f"get_cx: impl Fn(&mut T) -> {u} + Send + Sync + Copy + 'static")
        w.line("/// Adds all instance items to the specified `Linker`.")
        w.fn(FnSig("add_to_linker", params, f"{anyhow(self.profile)}::Result<()>", "<T, U>", "pub ", tuple(preds)),
             ["// elided: one func_wrap per function, then Ok(())"])

    # --- the module -----------------------------------------------------------------------------------

    def module(self, w: RustWriter, module: Module) -> dict[str, Method]:
        methods: dict[str, Method] = {}
        with w.block(f"pub mod {ident(names.module_name(module.name))} {{"):
            w.line("use super::types::*;")
            w.line("pub use super::types::UserErrorConversion;")
            for f in module.funcs:
                w.blank()
                self.abi_fn(w, module, f)
            w.blank()
            methods = self.trait(w, module)
            if self.config.wasmtime:
                w.blank()
                self.add_to_linker(w, module)
        return methods

    def user_error_conversion(self, w: RustWriter, typenames: dict[str, NamedType]) -> None:
        """lib.rs: one method per user error mapping (a HashMap upstream: their order varies)."""
        users = [e for e in self.config.errors if not e.trappable and e.abi in typenames]
        if not users:
            w.line("pub trait UserErrorConversion {}")
            return
        with w.block("pub trait UserErrorConversion {"):
            for e in users:
                abi = ident(names.type_name(e.abi))
                method = ident(names.user_error_method(e.abi, e.rich_ident or e.rich))
                w.fn(FnSig(method, ("&mut self", f"e: super::{e.rich}"), f"{anyhow(self.profile)}::Result<{abi}>"))


def error_panic(result: ResultLowering) -> str | None:
    """funcs.rs lowers the error of an `expected` result with `EnumLower` only: its panic when the err
    block of the stream holds anything else (`I32FromU32`, `AddrOf`, ...), or holds nothing."""
    if not result.expected:
        return None
    if result.err is None:
        return "called `Option::unwrap()` on a `None` value"
    if result.err.op is Op.ENUM_LOWER:
        return None
    return f"no implementation for {result.err.op.variant}"


__all__ = ["ASYNC_TRAIT", "FuncGen", "Method", "error_panic"]

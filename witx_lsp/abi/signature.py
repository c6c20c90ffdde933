"""Core wasm signatures of interface functions under the Preview1 ABI
(WebAssembly/WASI tools/witx/src/abi.rs `wasm_signature`, witx 0.9.1)."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.abi.instructions import AbiError
from witx_lsp.model.types import (
    BuiltinKind,
    Cases,
    Document,
    InterfaceFunc,
    IntRepr,
    Param,
    RecordKind,
    TypeRef,
    VariantType,
    resolve,
    tuple_members,
    visit,
)

I32, I64, F32, F64 = "i32", "i64", "f32", "f64"

_BUILTIN_CORE = {
    BuiltinKind.U64: I64, BuiltinKind.S64: I64, BuiltinKind.F32: F32, BuiltinKind.F64: F64,
}


@dataclass(frozen=True, slots=True)
class Signature:
    params: tuple[str, ...]
    results: tuple[str, ...]

    def text(self) -> str:
        """`(param i32 i64) (result i32)`, leaving out empty lists."""
        parts = []
        if self.params:
            parts.append(f"(param {' '.join(self.params)})")
        if self.results:
            parts.append(f"(result {' '.join(self.results)})")
        return " ".join(parts)

    def func_text(self, name: str) -> str:
        body = self.text()
        return f"(func ${name}{' ' + body if body else ''})"


def _repr_core(r: IntRepr) -> str:
    return I64 if r is IntRepr.U64 else I32


# The core params one interface param becomes: handles, pointers, records (by address) and every
# variant (always i32, even with a u64 tag) are one i32.
_PARAM_CORE: Cases[tuple[str, ...]] = Cases(
    builtin=lambda t: (_BUILTIN_CORE.get(t.kind, I32),), list_=lambda _: (I32, I32),  # pointer, length
    pointer=lambda _: (I32,), const_pointer=lambda _: (I32,), handle=lambda _: (I32,),
    record=lambda t: (_repr_core(t.repr or IntRepr.U32),) if t.kind is RecordKind.BITFLAGS else (I32,),
    variant=lambda _: (I32,))


def param_core_types(tref: TypeRef) -> tuple[str, ...]:
    """The core params one interface param becomes."""
    return visit(resolve(tref), _PARAM_CORE)


def wasm_signature(func: InterfaceFunc) -> Signature | AbiError:
    """The core signature; out-pointer params for the ok payload of an
    `expected` result come after the interface params."""
    params: list[str] = []
    for p in func.params:
        params.extend(param_core_types(p.tref))
    results: list[str] = []
    for r in func.results:
        core = _result_core(r, params)
        if isinstance(core, str):
            results.append(core)
        else:
            return AbiError(f"result `{r.name}` is a {core[0]}, which the Preview1 ABI cannot return", func.name)
    return Signature(tuple(params), tuple(results))


def _result_core(r: Param, params: list[str]) -> str | tuple[str]:
    """The core result of an interface result (an `expected` adds its out-pointers to `params`), or
    (what it is,) when the ABI cannot return it."""
    return visit(resolve(r.tref), Cases[str | tuple[str]](
        builtin=lambda t: _BUILTIN_CORE.get(t.kind, I32), pointer=lambda _: I32, const_pointer=lambda _: I32,
        handle=lambda _: I32, list_=lambda _: ("list",), variant=lambda v: _variant_result(v, params),
        record=lambda t: _repr_core(t.repr or IntRepr.U32) if t.kind is RecordKind.BITFLAGS
        else ("tuple" if t.kind is RecordKind.TUPLE else "record",)))


def _variant_result(v: VariantType, params: list[str]) -> str:
    core = _repr_core(v.tag_repr)
    if v.is_enum():
        return core
    ok = v.cases[0].tref
    if ok is not None:
        members = tuple_members(ok)
        params.extend(I32 for _ in (members if members is not None else (ok,)))  # one out-pointer per member
    return core


def document_signatures(doc: Document) -> dict[str, Signature | AbiError]:
    """Every function of every module, keyed `module::func`."""
    return {f"{m.name}::{f.name}": wasm_signature(f) for m in doc.modules for f in m.funcs}

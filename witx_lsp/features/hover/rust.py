"""The Rust forms of hover, when `HoverOptions.rust` is on: how wiggle spells a type, the item it
defines for a typename, a function's trait method. Every spelling comes from the code generator
(witx_lsp.wiggle.codegen, bytecodealliance/wasmtime crates/wiggle/generate/src v19.0.2:
names.rs `type_ref`, types/mod.rs, module_trait.rs) with the configuration the caller passes, the
one the preview (`features/preview.py`) generates with, so a hover and the preview never spell a
type two ways."""

from __future__ import annotations

from witx_lsp.abi import param_core_types
from witx_lsp.features.hover.options import code
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import (
    Cases,
    ConstPointerType,
    InterfaceFunc,
    ListType,
    Module,
    NamedType,
    PointerType,
    Type,
    TypeRef,
    resolve,
    visit,
)
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen import Config, definition_line, trait_header, type_forms, typeref
from witx_lsp.wiggle.codegen.funcs import FuncGen
from witx_lsp.wiggle.codegen.rust_writer import RustWriter

# Rust names (wiggle names.rs rules).
rust_camel = names.type_name
rust_snake = names.escape_snake
rust_enum_variant = names.enum_variant


def rust_shouty(name: str) -> str:
    """heck's shouty snake case (names.rs `flag_member`, constants)."""
    return names.shouty_snake(name)


def rust_type(tref: TypeRef | None, config: Config) -> str | None:
    """wiggle's `type_ref` spelling under `config`'s profile, or None where its generator panics."""
    if tref is None:
        return "()"
    try:
        return typeref.type_ref(tref, typeref.LIFETIME, config.profile)
    except typeref.GenPanic:
        return None


def passed_by_reference(tref: TypeRef, config: Config) -> bool:
    """wiggle module_trait.rs: which trait-method params are `&T`."""
    return typeref.passed_by_reference(tref, config.profile)


def _guest_ptr(inner: str, config: Config) -> str:
    """`GuestPtr<'a, T>` (or `GuestPtr<T>` from wasmtime 22), without the crate path."""
    return typeref.guest_ptr(inner, typeref.LIFETIME, config.profile).removeprefix("wiggle::")


def carried_as(tref: TypeRef, config: Config, spell: bool = True) -> str:
    """How a value of the type travels: in memory and as core wasm params
    (`spell`: lead with the GuestPtr form of pointers, lists and strings)."""
    core = " ".join(code(c) for c in param_core_types(tref))

    def pointer(t: PointerType | ConstPointerType) -> str:
        lead = f"{code(_guest_ptr(rust_type(t.pointee, config) or 'T', config))}: " if spell else ""
        return f"{lead}one u32 offset into guest memory (4 bytes); a param is one core {core}"

    def list_(t: ListType) -> str:
        string = typeref.is_string(t)
        what = "str" if string else f"[{rust_type(t.element, config) or 'T'}]"
        lead = f"{code(_guest_ptr(what, config))}: " if spell else ""
        return (f"{lead}an (offset, length) pair of u32, 8 bytes in memory (offset u32 @0, length u32 @4; the "
                f"length counts {'bytes' if string else 'elements'}); a param is two core `i32`s (pointer, length)")

    def other(t: Type) -> str:
        if passed_by_reference(tref, config):
            rust = rust_type(tref, config)
            takes = f"the trait method takes {code('&' + rust)}" if rust else "wiggle cannot pass it to a trait method"
            return f"a param is passed by pointer (one core {core}); {takes}"
        return f"passed by value: a param is one core {core}"

    return visit(resolve(tref), Cases(builtin=other, list_=list_, pointer=pointer, const_pointer=pointer, record=other,
                                    variant=other, handle=other))


def wiggle_section(tref: TypeRef, config: Config) -> str:
    """The wiggle form of a type: the item it defines (for a typename), its Rust spelling and how it
    is carried."""
    lines = []
    if isinstance(tref, NamedType):
        lines.append(f"```rust\n{definition_line(tref, config)}\n```")
    spelled = rust_type(tref, config)
    shown = code(spelled) if spelled else "no Rust type (wiggle panics on this anonymous type)"
    lines.append(f"**wiggle** {shown}: {carried_as(tref, config)}.")
    return "\n\n".join(lines)


def type_section(analysis: Analysis, named: NamedType, config: Config) -> str | None:
    """The typename's Rust spellings (value, parameter, pointer, slice) and its `GuestType` numbers."""
    forms = type_forms(analysis.document, named.name, config)
    if forms is None:
        return None
    rows = [(forms.rust, "the type"), (forms.param, "as a trait-method parameter"),
            (forms.pointer, "behind a pointer"), (forms.slice, "a list of it")]
    width = max(len(r) for r, _ in rows)
    body = "\n".join(f"{r.ljust(width)}  // {what}" for r, what in rows)
    size = ""
    if forms.size is not None:
        size = f"\n\n`GuestType`: `guest_size()` = {forms.size}, `guest_align()` = {forms.align}"
    return f"Rust ({forms.kind}, wiggle wasmtime v{config.profile}):\n\n```rust\n{body}\n```{size}"


def method_text(module: Module, func: InterfaceFunc, config: Config) -> tuple[str, str | None]:
    """The trait method as rustfmt lays it out at the top level, and the generator's panic (if any)."""
    gen = FuncGen(config)
    method = gen.method(module, func)
    panic = method.panic or gen.abi_panic(func)
    if method.sig is None:
        return method.one_line(), panic
    w = RustWriter()
    w.fn(method.sig)
    return w.text().rstrip("\n"), panic


def func_section(module: Module, func: InterfaceFunc, config: Config) -> str:
    """The function's wiggle trait method."""
    text, panic = method_text(module, func, config)
    header = f"{trait_header(module.name, config)} {{ … }}"
    parts = [f"wiggle host method (wasmtime v{config.profile}):", f"```rust\n// {header}\n{text}\n```"]
    if panic is not None:
        parts.append(f"⚠ wiggle-generate panics on this function: {panic}")
    return "\n\n".join(parts)

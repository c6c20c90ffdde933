"""The whole preview: the Rust `wiggle::from_witx!` generates for a document,
rustfmt-formatted, plus the per-type and per-function pieces the JSON output,
the hover and the editor command use.

Order follows bytecodealliance/wasmtime crates/wiggle/generate/src/lib.rs
(`generate`): `pub mod types` (every typename in document order, then the
constants, then `UserErrorConversion`), then one `pub mod` per witx module.
Where the real generator panics, the preview keeps going and says so in a
comment at that place (and in `Preview.panics`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from witx_lsp.layout import engine_for, typename_layout
from witx_lsp.model.types import Cases, Document, NamedType, RecordKind, RecordType, VariantType, visit
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen.config import DEFAULT_CONFIG, Config, validate_errors
from witx_lsp.wiggle.codegen.funcs import ASYNC_TRAIT, FuncGen, Method
from witx_lsp.wiggle.codegen.rust_writer import RustWriter
from witx_lsp.wiggle.codegen.typeref import (
    BUILTIN,
    LIFETIME,
    LIFETIME_FREE_PROFILE,
    GenPanic,
    guest_ptr,
    named_ref,
    needs_lifetime,
    passed_by_reference,
    type_ref,
)
from witx_lsp.wiggle.codegen.types import TypeGen, ident, resolved_kind


@dataclass(frozen=True)
class ModulePreview:
    name: str  # the witx name
    rust_module: str
    trait_name: str
    trait: str  # the trait item, formatted at the top level
    methods: dict[str, Method]


@dataclass(frozen=True)
class Preview:
    rust: str
    types: dict[str, str]  # witx typename -> its definition group, formatted at the top level
    modules: dict[str, ModulePreview]
    panics: list[str] = field(default_factory=list)  # where and why the real generator panics
    config_errors: list[str] = field(default_factory=list)  # settings the macro rejects for this document

    def to_json(self) -> dict[str, Any]:
        """`{"modules": {M: {"trait": str, "methods": {F: str}}}, "types": {T: str}}`."""
        return {
            "modules": {m: {"trait": mp.trait, "methods": {f: meth.one_line() for f, meth in mp.methods.items()}}
                        for m, mp in self.modules.items()},
            "types": dict(self.types),
        }


def _type_group(gen: TypeGen, named: NamedType, config: Config, level: int) -> tuple[list[str], str | None]:
    w = RustWriter(level)
    try:
        gen.define(w, named, config.error_for(named.name))
        return w.lines, None
    except GenPanic as e:
        msg = f"wiggle-generate panics defining `${named.name}`: {e}"
        return [RustWriter(level).prefix + "// " + msg], msg


def generate(document: Document, config: Config = DEFAULT_CONFIG, *, pieces: bool = True) -> Preview:
    """The preview of `document` under `config` (never raises on a valid model). `pieces=False` skips
    the per-type and per-trait texts laid out at the top level (`Preview.types`, `ModulePreview.trait`)."""
    engine = engine_for(document)
    tgen = TypeGen(config, engine)
    fgen = FuncGen(config)
    typenames = {t.name: t for t in document.typenames}
    config_errors = [e.message for e in validate_errors(config, set(typenames))]
    panics: list[str] = []
    types: dict[str, str] = {}
    w = RustWriter()
    with w.block("pub mod types {"):
        w.line("use std::convert::TryFrom;")
        for named in document.typenames:
            lines, panic = _type_group(tgen, named, config, w.level)
            w.blank()
            w.lines.extend(lines)
            if panic is not None:
                panics.append(panic)
            if pieces:
                top, _ = _type_group(tgen, named, config, 0)
                types[named.name] = "\n".join(top) + "\n"
        if document.constants:
            w.blank()
        for c in document.constants:
            try:
                name = ident(names.constant_name(c.ty, c.name))
                w.line(f"pub const {name}: {ident(names.type_name(c.ty))} = {c.value};")
            except GenPanic as e:
                panics.append(f"wiggle-generate panics defining the constant `${c.ty} ${c.name}`: {e}")
                w.line(f"// wiggle-generate panics defining the constant `${c.ty} ${c.name}`: {e}")
        w.blank()
        fgen.user_error_conversion(w, typenames)
    modules: dict[str, ModulePreview] = {}
    for m in document.modules:
        w.blank()
        try:
            methods = fgen.module(w, m)
        except GenPanic as e:
            msg = f"wiggle-generate panics defining module `${m.name}`: {e}"
            panics.append(msg)
            w.line("// " + msg)
            continue
        tw = RustWriter()
        if pieces:
            fgen.trait(tw, m)
        for fname, meth in methods.items():
            if meth.panic is not None:
                panics.append(f"wiggle-generate panics on `{m.name}::{fname}`: {meth.panic}")
        for f in m.funcs:
            abi = fgen.abi_panic(f)
            if abi is not None:
                panics.append(f"wiggle-generate panics on `{m.name}::{f.name}`: {abi}")
        modules[m.name] = ModulePreview(m.name, names.module_name(m.name), names.type_name(m.name), tw.text(),
                                        methods)
    for msg in config_errors:
        panics.append(f"validating codegen settings: {msg}")
    return Preview(w.text(), types, modules, panics, config_errors)


@dataclass(frozen=True)
class TypeForms:
    """How a typename appears in Rust: by value, as a trait-method parameter, behind a
    pointer, as a slice, with its guest size and alignment."""

    rust: str
    param: str
    pointer: str
    slice: str
    size: int | None
    align: int | None
    kind: str


def type_forms(document: Document, name: str, config: Config = DEFAULT_CONFIG) -> TypeForms | None:
    named = document.typename(name)
    if named is None:
        return None
    p = config.profile
    try:
        rust = named_ref(named, LIFETIME, p)
    except GenPanic:
        return None
    ref = "&" if passed_by_reference(named, p) else ""
    lay = typename_layout(named, engine_for(document))
    return TypeForms(rust, ref + rust, guest_ptr(rust, LIFETIME, p), guest_ptr(f"[{rust}]", LIFETIME, p),
                     lay.size if lay.ok else None, lay.align if lay.ok else None, resolved_kind(named))


def definition_line(named: NamedType, config: Config = DEFAULT_CONFIG) -> str:
    """The item `TypeGen.define` writes for a typename, on one line with its body elided (what a hover
    shows); a comment where the generator panics on the typename's shape."""
    p = config.profile
    rust = names.type_name(named.name)
    lt = "<'a>" if p < LIFETIME_FREE_PROFILE and needs_lifetime(named) else ""

    def spelled(make: Callable[[], str]) -> str:
        try:
            return make()
        except GenPanic:
            return "…"

    def record(t: RecordType) -> str:
        if t.kind is RecordKind.BITFLAGS:
            return f"bitflags! {{ pub struct {rust}: {(t.repr.value if t.repr else 'u32')} {{ … }} }}"
        if t.kind is RecordKind.TUPLE:
            return "// a named tuple makes wiggle's generator panic (numeric member names)"
        return f"pub struct {rust}{lt} {{ … }}"

    def variant(t: VariantType) -> str:
        if t.is_bool():
            return f"pub enum {rust} {{ False, True }}"
        if t.form == "union" and t.cases and t.cases[0].name.isdigit():
            return "// an untagged union makes wiggle's generator panic (numeric case names)"
        return f"pub enum {rust}{lt} {{ … }}"

    target = named.tref
    if isinstance(target, NamedType):
        return f"pub type {rust}{lt} = {named_ref(target, LIFETIME, p)};"
    return visit(target, Cases(
        builtin=lambda t: f"pub type {rust} = {BUILTIN[t.kind]};",
        # No `str` special case, unlike `type_ref`: a named string is `GuestPtr<[char]>` (types/mod.rs).
        list_=lambda t: f"pub type {rust}{lt} = "
                        f"{guest_ptr(f'[{spelled(lambda: type_ref(t.element, LIFETIME, p))}]', LIFETIME, p)};",
        pointer=lambda t: f"pub type {rust}{lt} = {spelled(lambda: type_ref(t, LIFETIME, p))};",
        const_pointer=lambda t: f"pub type {rust}{lt} = {spelled(lambda: type_ref(t, LIFETIME, p))};",
        record=record, variant=variant, handle=lambda t: f"pub struct {rust}(u32);"))


def trait_header(module: str, config: Config = DEFAULT_CONFIG) -> str:
    """`#[wiggle::async_trait] pub trait Name` (the line the method sits under)."""
    prefix = f"{ASYNC_TRAIT} " if config.profile < 39 else ""
    return f"{prefix}pub trait {names.type_name(module)}"


__all__ = ["ModulePreview", "Preview", "TypeForms", "definition_line", "generate", "trait_header", "type_forms"]

"""Hover text for the parts of definitions: record fields, enum and variant
cases, flags, modules, function params and results, imports and constants."""

from __future__ import annotations

from witx_lsp.abi import AbiError, param_core_types, wasm_signature
from witx_lsp.features.hover.layout import layout_header
from witx_lsp.features.hover.options import RULE, HoverOptions, code, join, size_align, witx_block
from witx_lsp.features.hover.rust import (
    carried_as,
    passed_by_reference,
    rust_camel,
    rust_enum_variant,
    rust_shouty,
    rust_snake,
    rust_type,
)
from witx_lsp.features.sexpr_nav import chain_at, inline, list_at
from witx_lsp.layout import engine_for, layout_of, typename_layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.symbols import SymbolKey, SymbolKind
from witx_lsp.model.types import (
    ConstPointerType,
    InterfaceFunc,
    ListType,
    NamedType,
    PointerType,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
)
from witx_lsp.syntax.tree import SList


def _owner(analysis: Analysis, owner: str) -> tuple[NamedType, Type] | None:
    named = analysis.document.typename(owner)
    return (named, resolve(named)) if named is not None else None


def type_line(analysis: Analysis, tref: TypeRef) -> str:
    """`$T`: its kind, size and alignment, on one line."""
    lay = layout_of(tref, engine_for(analysis.document))
    return f"{code(type_label(tref))}: {layout_header(tref, lay)}"


def _name_source(analysis: Analysis, key: SymbolKey, head: str) -> str | None:
    """The `(head $name …)` list around a member's name, printed on one line."""
    d = analysis.symbols.definitions.get(key)
    if d is None:
        return None
    f = analysis.files.get(d.name_span.path)
    if f is None:
        return None
    chain = chain_at(f.tree.items, d.name_span.span.start)
    lists = [n for n in chain if isinstance(n, SList)]
    if lists and lists[-1].head_is(head):
        return inline(lists[-1])
    return None


def field_hover(analysis: Analysis, owner: str, name: str, options: HoverOptions) -> str | None:
    found = _owner(analysis, owner)
    if found is None or not isinstance(found[1], RecordType):
        return None
    named, rec = found
    assert isinstance(rec, RecordType)
    member = next((m for m in rec.members if m.name == name), None)
    if member is None:
        return None
    lay = typename_layout(named, engine_for(analysis.document))
    ml = next((m for m in lay.members if m.name == name), None)
    source = _name_source(analysis, SymbolKey(SymbolKind.FIELD, (owner, name)), "field")
    where = f"field of {code('$' + owner)}"
    if ml is not None:
        where += f" · offset {ml.offset}, size {ml.size}, align {ml.align}"
        gap = next((p for p in lay.padding if p.before == name), None)
        if gap is not None:
            where += f" · after {gap.size} byte{'s' if gap.size != 1 else ''} of padding at {gap.offset}"
    rust = rust_type(member.tref, options.config) if options.rust else None
    wiggle = f"**wiggle** field {code(f'pub {rust_snake(name)}: {rust}')}" if rust else None
    if wiggle and isinstance(resolve(member.tref), (PointerType, ConstPointerType, ListType)):
        wiggle += f" · {carried_as(member.tref, options.config, spell=False)}."
    return join([join([where, type_line(analysis, member.tref)]),
                  join([witx_block(source or f'(field ${name} {type_label(member.tref)})'),
                        member.docs.strip() or None]),
                  wiggle], RULE)


def flag_hover(analysis: Analysis, owner: str, name: str, options: HoverOptions) -> str | None:
    found = _owner(analysis, owner)
    if found is None or not isinstance(found[1], RecordType):
        return None
    rec = found[1]
    assert isinstance(rec, RecordType)
    index = next((i for i, m in enumerate(rec.members) if m.name == name), None)
    if index is None:
        return None
    repr_ = rec.repr.value if rec.repr is not None else "u32"
    docs = rec.members[index].docs.strip()
    line = (f"flag of {code('$' + owner)} (repr {code(repr_)}) · bit {index} · mask {1 << index:#x} "
            f"(`1 << {index}`)")
    wiggle = f"**wiggle** {code(f'{rust_camel(owner)}::{rust_shouty(name)}')}" if options.rust else None
    return join([line, docs or None, wiggle], RULE)


def case_hover(analysis: Analysis, owner: str, name: str, options: HoverOptions,
               tag_enum: str | None = None) -> str | None:
    found = _owner(analysis, owner)
    if found is None or not isinstance(found[1], VariantType):
        return None
    named, var = found
    assert isinstance(var, VariantType)
    index = next((i for i, c in enumerate(var.cases) if c.name == name), None)
    if index is None:
        return None
    case = var.cases[index]
    lay = typename_layout(named, engine_for(analysis.document))
    source = _name_source(analysis, SymbolKey(SymbolKind.CASE, (owner, name)), "case")
    if var.is_enum() and var.form == "enum":
        what = f"case of enum {code('$' + owner)} · value {index} (tag {code(var.tag_repr.value)})"
    else:
        what = f"case of {var.form} {code('$' + owner)} · value {index} (tag {code(var.tag_repr.value)})"
    if tag_enum is not None:
        what += f" · its value comes from the tag enum {code('$' + tag_enum)}"
    parts: list[str | None] = [what]
    cl = lay.cases[index] if lay.ok and index < len(lay.cases) else None
    if case.tref is not None:
        payload = f"payload {code(type_label(case.tref))}"
        if cl is not None and cl.payload_size is not None:
            payload += f" at offset {lay.payload_offset}, size {cl.payload_size}, align {cl.payload_align}"
            end = lay.payload_end(cl)
            if end is not None and end > lay.size:
                payload += f" (ends at {end}, past the variant's size {lay.size}: witx 0.9.1 layout.rs)"
        parts.append(payload)
        parts.append(type_line(analysis, case.tref))
    rust = f"{rust_camel(owner)}::{rust_enum_variant(name)}"
    wiggle = f"**wiggle** {code(rust)}" if options.rust else None
    body = witx_block(source) if source and case.tref is not None else None
    return join([join(parts), join([body, case.docs.strip() or None]), wiggle], RULE)


def module_hover(analysis: Analysis, name: str, options: HoverOptions) -> str | None:
    module = analysis.document.module(name)
    d = analysis.symbols.definitions.get(SymbolKey(SymbolKind.MODULE, (name,)))
    if module is None:
        return witx_block(f"(module ${name})") + "\n\nThis module has errors." if d is not None else None
    n = len(module.funcs)
    imports = ", ".join(code(i.name) for i in module.imports) or "nothing"
    facts = f"{n} function{'s' if n != 1 else ''} · imports {imports}"
    wiggle = (f"**wiggle** `pub mod {rust_snake(name)}` with `pub trait {rust_camel(name)}`"
              if options.rust else None)
    return join([f"**module** {code('$' + name)} · {facts}", module.docs.strip() or None, wiggle], RULE)


def import_hover(analysis: Analysis, module: str, name: str) -> str | None:
    d = analysis.symbols.definitions.get(SymbolKey(SymbolKind.IMPORT, (module, name)))
    if d is None:
        return None
    what = (f"**import** {code(name)}: the linear memory of module {code('$' + module)}: every pointer, list and "
            "string offset of its functions points into it. wiggle's linker glue looks up the instance's `memory` "
            "export.")
    return join([what, d.docs.strip() or None], "\n\n")


def const_hover(analysis: Analysis, ty: str, name: str, options: HoverOptions) -> str | None:
    c = next((c for c in analysis.document.constants if c.ty == ty and c.name == name), None)
    if c is None:
        return None
    named = analysis.document.typename(ty)
    line = f"constant of {code('$' + ty)} = {c.value} ({c.value:#x})"
    if named is not None:
        line += " · " + size_align(typename_layout(named, engine_for(analysis.document)))
    rust = f"pub const {rust_shouty(ty)}_{rust_shouty(name)}: {rust_camel(ty)} = {c.value};"
    return join([line, f"**wiggle** {code(rust)}" if options.rust else None], RULE)


def param_hover(analysis: Analysis, key: SymbolKey, options: HoverOptions) -> str | None:
    module_name, func_name, name = key.names
    module = analysis.document.module(module_name)
    func = module.func(func_name) if module is not None else None
    d = analysis.symbols.definitions.get(key)
    source = None
    if d is not None and (f := analysis.files.get(d.full_span.path)) is not None:
        node = list_at(f.tree.items, d.full_span.span.start, d.full_span.span.end)
        source = inline(node) if node is not None else None
    is_result = key.kind is SymbolKind.RESULT
    if func is None:
        return witx_block(source) + "\n\nThis function has errors." if source else None
    params = func.results if is_result else func.params
    index = next((i for i, p in enumerate(params) if p.name == name), None)
    if index is None:
        return None
    p = params[index]
    what = f"{'result' if is_result else 'param'} of {code(func_name)}"
    core = _core_line(func, index, is_result)
    rust = rust_type(p.tref, options.config) if options.rust else None
    if is_result:
        wiggle = f"**wiggle** the trait method returns {code(rust)}" if rust else None
    else:
        amp = "&" if passed_by_reference(p.tref, options.config) else ""
        wiggle = (f"**wiggle** {code(f'{rust_snake(name)}: {amp}{rust}')} · "
                  f"{carried_as(p.tref, options.config, spell=False)}." if rust else None)
    return join([join([join([what, core], " · "), type_line(analysis, p.tref)]),
                  join([witx_block(source or f"({'result' if is_result else 'param'} ${name})"),
                        p.docs.strip() or None]),
                  wiggle], RULE)


def _core_line(func: InterfaceFunc, index: int, is_result: bool) -> str | None:
    sig = wasm_signature(func)
    if isinstance(sig, AbiError):
        return f"no core signature: {sig.message}"
    if not is_result:
        start = sum(len(param_core_types(p.tref)) for p in func.params[:index])
        core = param_core_types(func.params[index].tref)
        at = f"param {start}" if len(core) == 1 else f"params {start}–{start + len(core) - 1}"
        return f"core {' '.join(code(c) for c in core)} ({at})"
    first_out = sum(len(param_core_types(p.tref)) for p in func.params)
    outs = len(sig.params) - first_out
    text = f"core result {' '.join(code(c) for c in sig.results) or 'none'}"
    if outs:
        text += f", ok value written through {outs} out-pointer{'s' if outs != 1 else ''} (param {first_out}" \
                + (f"–{len(sig.params) - 1})" if outs > 1 else ")")
    return text


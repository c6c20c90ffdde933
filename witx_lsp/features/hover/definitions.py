"""Hover on a typename or a function: sections in a fixed order, each a function of a context (the
analysis, the definition, the options passed in by the caller). A type leads with its kind, size,
alignment and padding, then its member or case table, its docs, then (with `HoverOptions.rust`) the
Rust wiggle generates; a function leads with its core wasm signature."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from witx_lsp.abi import AbiError, param_core_types, wasm_signature
from witx_lsp.features.hover.layout import layout_section
from witx_lsp.features.hover.options import RULE, HoverOptions, code, docs_text, join, witx_block
from witx_lsp.features.hover.rust import func_section, type_section, wiggle_section
from witx_lsp.features.sexpr_nav import list_at, pretty, toplevel_at
from witx_lsp.layout import Layout, engine_for, typename_layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.symbols import Definition, SymbolKey, SymbolKind
from witx_lsp.model.types import InterfaceFunc, Module, NamedType
from witx_lsp.syntax.tree import SList

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TypeContext:
    analysis: Analysis
    named: NamedType
    layout: Layout
    definition: Definition | None
    options: HoverOptions


@dataclass(frozen=True)
class FuncContext:
    analysis: Analysis
    module: Module
    func: InterfaceFunc
    definition: Definition | None
    options: HoverOptions
    # Whether the cursor is on the definition itself (then its source is not echoed).
    at_definition: bool = True


TypeSection = Callable[[TypeContext], "str | None"]
FuncSection = Callable[[FuncContext], "str | None"]


def source_node(analysis: Analysis, definition: Definition | None) -> SList | None:
    """The list that a definition's full span covers, in whichever file holds it."""
    if definition is None:
        return None
    f = analysis.files.get(definition.full_span.path)
    if f is None:
        return None
    span = definition.full_span.span
    return toplevel_at(f.tree.items, span.start) or list_at(f.tree.items, span.start, span.end)


def defined_in(analysis: Analysis, definition: Definition | None, here: str | None) -> str | None:
    if definition is None or definition.full_span.path == here:
        return None
    return f"*defined in* {code(os.path.basename(definition.full_span.path))}"


# --- types -------------------------------------------------------------------------------------------


def _type_layout(ctx: TypeContext) -> str | None:
    return layout_section(ctx.named, ctx.layout)


def _type_docs(ctx: TypeContext) -> str | None:
    return docs_text(ctx.named.docs)


def _type_rust(ctx: TypeContext) -> str | None:
    if not ctx.options.rust:
        return None
    config = ctx.options.config
    return join([wiggle_section(ctx.named, config), type_section(ctx.analysis, ctx.named, config)])


TYPE_SECTIONS: tuple[TypeSection, ...] = (_type_layout, _type_docs, _type_rust)


def type_hover(analysis: Analysis, name: str, here: str | None, options: HoverOptions) -> str | None:
    key = SymbolKey(SymbolKind.TYPENAME, (name,))
    definition = analysis.symbols.definitions.get(key)
    named = analysis.document.typename(name)
    if named is None:
        node = source_node(analysis, definition)
        if node is None:
            return None
        return join([witx_block(pretty(node)), definition.docs.strip() if definition else None,
                     "This typename has errors, so it has no type and no layout."])
    ctx = TypeContext(analysis, named, typename_layout(named, engine_for(analysis.document)), definition, options)
    sections = _run(TYPE_SECTIONS, ctx)
    where = defined_in(analysis, definition, here)
    return join(sections[:2] + ([where] if where else []) + sections[2:], RULE)


# --- functions ---------------------------------------------------------------------------------------


def _func_docs(ctx: FuncContext) -> str | None:
    """The docs; the definition's source only where the cursor is not on it."""
    source = None
    if not ctx.at_definition:
        node = source_node(ctx.analysis, ctx.definition)
        source = witx_block(pretty(node)) if node is not None else None
    return join([source, docs_text(ctx.func.docs)])


def _func_rust(ctx: FuncContext) -> str | None:
    return func_section(ctx.module, ctx.func, ctx.options.config) if ctx.options.rust else None


def _func_core(ctx: FuncContext) -> str | None:
    sig = wasm_signature(ctx.func)
    if isinstance(sig, AbiError):
        return f"no core wasm signature: {sig.message}"
    rows = ["| | witx | core wasm |", "|---|---|---|"]
    index = 0
    for p in ctx.func.params:
        core = param_core_types(p.tref)
        where = f"param {index}" if len(core) == 1 else f"params {index}–{index + len(core) - 1}"
        rows.append(f"| {code(p.name)} | {code(type_label(p.tref))} | {' '.join(code(c) for c in core)} ({where}) |")
        index += len(core)
    for r in ctx.func.results:
        extra = sig.params[index:]
        outs = f"; {len(extra)} out-pointer{'s' if len(extra) != 1 else ''} `i32` (param " \
               f"{index}{'–' + str(len(sig.params) - 1) if len(extra) > 1 else ''})" if extra else ""
        rows.append(f"| {code(r.name)} (result) | {code(type_label(r.tref))} | "
                    f"returns {' '.join(code(c) for c in sig.results) or 'nothing'}{outs} |")
    table = "\n".join(rows) if len(rows) > 2 else None
    noreturn = "`(@witx noreturn)`: never returns." if ctx.func.noreturn else None
    head = f"**function** {code(ctx.func.name)} of module {code('$' + ctx.module.name)}"
    return join([head, f"```wasm\n{sig.func_text(ctx.func.name)}\n```", table, noreturn])


FUNC_SECTIONS: tuple[FuncSection, ...] = (_func_core, _func_docs, _func_rust)


def func_hover(analysis: Analysis, module_name: str, func_name: str, here: str | None, options: HoverOptions,
               at_definition: bool = True) -> str | None:
    key = SymbolKey(SymbolKind.FUNC, (module_name, func_name))
    definition = analysis.symbols.definitions.get(key)
    module = analysis.document.module(module_name)
    func = module.func(func_name) if module is not None else None
    if module is None or func is None:
        node = source_node(analysis, definition)
        if node is None:
            return None
        return join([witx_block(pretty(node)), definition.docs.strip() if definition else None,
                     "This function has errors, so it has no signature."])
    ctx = FuncContext(analysis, module, func, definition, options, at_definition)
    sections = _run(FUNC_SECTIONS, ctx)
    where = defined_in(analysis, definition, here)
    return join(sections[:2] + ([where] if where else []) + sections[2:], RULE)


def _run(sections: Sequence[Callable[[Any], str | None]], ctx: object) -> list[str | None]:
    out: list[str | None] = []
    for section in sections:
        try:
            out.append(section(ctx))
        except Exception:  # one broken section must not take the whole hover down
            log.exception("hover section %s failed", getattr(section, "__name__", section))
    return out

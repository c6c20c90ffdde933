"""Hover: what the name, keyword or string under the cursor is, in Markdown.

A type's hover leads with what the user came for: its kind, size, alignment and
padding on one line, then a compact table of member offsets (or variant cases),
then its docs; the definition itself is not echoed (it is in the editor, or one
"go to definition" away). A function's hover leads with its core wasm signature.
The Rust forms wiggle generates come last and only when `HoverOptions.rust` is on
(the `witx.hover.rust` setting), spelled with the configured wiggle profile: the
options are passed in by the caller, never read from module state.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from witx_lsp.abi import AbiError, param_core_types, wasm_signature
from witx_lsp.base.span import Span
from witx_lsp.features import hover_members, preview
from witx_lsp.features.hover_keywords import keyword_markdown
from witx_lsp.features.hover_types import HoverOptions, code, docs_text, layout_section, wiggle_section
from witx_lsp.features.sexpr_nav import chain_at, list_at, pretty, toplevel_at, typename_around
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.layout import Layout, engine_for, typename_layout
from witx_lsp.layout.report import type_label
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.symbols import Definition, SymbolKey, SymbolKind
from witx_lsp.model.types import InterfaceFunc, Module, NamedType
from witx_lsp.syntax.scanner import decode_string
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind

log = logging.getLogger(__name__)

RULE = "\n\n---\n\n"


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    span: Span  # what was hovered, in the snapshot's file


@dataclass(frozen=True)
class TypeContext:
    analysis: Analysis
    named: NamedType
    layout: Layout
    definition: Definition | None
    options: HoverOptions = field(default_factory=HoverOptions)


@dataclass(frozen=True)
class FuncContext:
    analysis: Analysis
    module: Module
    func: InterfaceFunc
    definition: Definition | None
    options: HoverOptions = field(default_factory=HoverOptions)
    # Whether the cursor is on the definition itself (then its source is not echoed).
    at_definition: bool = True


TypeSection = Callable[[TypeContext], "str | None"]
FuncSection = Callable[[FuncContext], "str | None"]


# --- shared helpers ----------------------------------------------------------------------------------


def source_node(analysis: Analysis, definition: Definition | None) -> SList | None:
    """The list that a definition's full span covers, in whichever file holds it."""
    if definition is None:
        return None
    f = analysis.files.get(definition.full_span.path)
    if f is None:
        return None
    span = definition.full_span.span
    return toplevel_at(f.tree.items, span.start) or list_at(f.tree.items, span.start, span.end)


def witx_block(text: str) -> str:
    return f"```witx\n{text}\n```"


def defined_in(analysis: Analysis, definition: Definition | None, here: str | None) -> str | None:
    if definition is None or definition.full_span.path == here:
        return None
    return f"*defined in* {code(os.path.basename(definition.full_span.path))}"


def join(parts: Sequence[str | None], sep: str = "\n\n") -> str:
    return sep.join(p for p in parts if p)


# --- types -------------------------------------------------------------------------------------------


def _type_layout(ctx: TypeContext) -> str | None:
    return layout_section(ctx.named, ctx.layout)


def _type_docs(ctx: TypeContext) -> str | None:
    return docs_text(ctx.named.docs)


def _type_rust(ctx: TypeContext) -> str | None:
    if not ctx.options.rust:
        return None
    config = ctx.options.config
    return join([wiggle_section(ctx.named, config.profile),
                 preview.type_section(ctx.analysis, ctx.named, config)])


TYPE_SECTIONS: tuple[TypeSection, ...] = (_type_layout, _type_docs, _type_rust)


def type_hover(analysis: Analysis, name: str, here: str | None = None,
               options: HoverOptions | None = None) -> str | None:
    options = options or HoverOptions()
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
    return preview.func_section(ctx.module, ctx.func, ctx.options.config) if ctx.options.rust else None


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


def func_hover(analysis: Analysis, module_name: str, func_name: str, here: str | None = None,
               options: HoverOptions | None = None, at_definition: bool = True) -> str | None:
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
    ctx = FuncContext(analysis, module, func, definition, options or HoverOptions(), at_definition)
    sections = _run(FUNC_SECTIONS, ctx)
    where = defined_in(analysis, definition, here)
    return join(sections[:2] + ([where] if where else []) + sections[2:], RULE)


# --- sections ----------------------------------------------------------------------------------------


def _run(sections: Sequence[Callable[[Any], str | None]], ctx: object) -> list[str | None]:
    out: list[str | None] = []
    for section in sections:
        try:
            out.append(section(ctx))
        except Exception:  # one broken section must not take the whole hover down
            log.exception("hover section %s failed", getattr(section, "__name__", section))
    return out


# --- entry point -------------------------------------------------------------------------------------


def hover(snapshot: Snapshot, offset: int, options: HoverOptions | None = None) -> HoverResult | None:
    """The hover at `offset` (a code-point offset, clamped into the text)."""
    options = options or HoverOptions()
    f = snapshot.file
    if f is None:
        return None
    offset = max(0, min(offset, len(f.text)))
    analysis = snapshot.analysis
    found = analysis.symbols.at(snapshot.path, offset)
    if found is not None:
        key, fspan, is_def = found
        md = symbol_markdown(snapshot, key, is_def, offset, options)
        if md:
            return HoverResult(md, fspan.span)
    chain = chain_at(f.tree.items, offset)
    if not chain or not isinstance(chain[-1], Atom):
        return None
    atom = chain[-1]
    md = _use_path(snapshot, chain) if atom.kind is TokenKind.STRING else keyword_markdown(chain)
    return HoverResult(md, atom.span) if md else None


def symbol_markdown(snapshot: Snapshot, key: SymbolKey, is_def: bool, offset: int,
                    options: HoverOptions | None = None) -> str | None:
    analysis, here, options = snapshot.analysis, snapshot.path, options or HoverOptions()
    kind, names = key.kind, key.names
    if kind is SymbolKind.TYPENAME:
        return type_hover(analysis, names[0], here, options)
    if kind is SymbolKind.FUNC:
        return func_hover(analysis, names[0], names[1], here, options, at_definition=is_def)
    if kind is SymbolKind.MODULE:
        return hover_members.module_hover(analysis, names[0], options)
    if kind is SymbolKind.FIELD:
        return hover_members.field_hover(analysis, names[0], names[1], options)
    if kind is SymbolKind.FLAG:
        return hover_members.flag_hover(analysis, names[0], names[1], options)
    if kind is SymbolKind.CASE:
        if not is_def:
            # A case named after its tag enum's member: describe the variant's case first.
            owner = typename_around(snapshot.file.tree.items, offset) if snapshot.file is not None else None
            if owner is not None and owner != names[0]:
                md = hover_members.case_hover(analysis, owner, names[1], options, tag_enum=names[0])
                if md:
                    return md
        return hover_members.case_hover(analysis, names[0], names[1], options)
    if kind in (SymbolKind.PARAM, SymbolKind.RESULT):
        return hover_members.param_hover(analysis, key, options)
    if kind is SymbolKind.IMPORT:
        return hover_members.import_hover(analysis, names[0], names[1])
    if kind is SymbolKind.CONST:
        return hover_members.const_hover(analysis, names[0], names[1], options)
    return None


def _use_path(snapshot: Snapshot, chain: list[Node]) -> str | None:
    """Hover on the file name of `(use "file")`: where it resolves to."""
    parent = chain[-2] if len(chain) > 1 else None
    atom = chain[-1]
    if not (isinstance(parent, SList) and parent.head_is("use") and len(parent.items) > 1
            and parent.items[1] is atom and isinstance(atom, Atom)):
        return None
    target = os.path.normpath(os.path.join(os.path.dirname(snapshot.path), decode_string(atom.text)))
    candidates = {target, os.path.realpath(target)}
    loaded = next((p for p in snapshot.analysis.files if p in candidates), None)
    if loaded is None:
        status = "not loaded (the file could not be read)"
    else:
        n = sum(1 for t in snapshot.analysis.document.typenames if t.span is not None and t.span.path == loaded)
        status = f"loaded: {n} typename{'s' if n != 1 else ''}"
    return join([f"**`use`** {code(loaded or target)}", status])

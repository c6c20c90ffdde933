"""Hover: what the name, keyword or string under the cursor is, in Markdown.

A type's hover leads with what the user came for: its kind, size, alignment and
padding on one line, then a compact table of member offsets (or variant cases),
then its docs; the definition itself is not echoed (it is in the editor, or one
"go to definition" away). A function's hover leads with its core wasm signature.
The Rust forms wiggle generates come last and only when `HoverOptions.rust` is on
(the `witx.hover.rust` setting), spelled by the code generator with the configured
wiggle profile: the options are passed in by the caller, never read from module state.

Modules: `definitions` (typenames and functions), `members` (fields, cases, flags,
params, modules, imports, constants), `keywords` (keywords and builtin types),
`layout` (layout summaries and tables), `rust` (the Rust forms), `options` (the
options and the Markdown pieces).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.features.hover import members
from witx_lsp.features.hover.definitions import func_hover, type_hover
from witx_lsp.features.hover.keywords import keyword_markdown
from witx_lsp.features.hover.options import HoverOptions, code, join
from witx_lsp.features.sexpr_nav import chain_at, typename_around
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.symbols import SymbolKey, SymbolKind
from witx_lsp.syntax.scanner import decode_string
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    span: Span  # what was hovered, in the snapshot's file


def hover(snapshot: Snapshot, offset: int, options: HoverOptions | None = None) -> HoverResult | None:
    """The hover at `offset` (a code-point offset, clamped into the text); without `options`, the
    defaults (no Rust forms)."""
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
                    options: HoverOptions) -> str | None:
    analysis, here = snapshot.analysis, snapshot.path
    kind, names = key.kind, key.names
    if kind is SymbolKind.TYPENAME:
        return type_hover(analysis, names[0], here, options)
    if kind is SymbolKind.FUNC:
        return func_hover(analysis, names[0], names[1], here, options, at_definition=is_def)
    if kind is SymbolKind.MODULE:
        return members.module_hover(analysis, names[0], options)
    if kind is SymbolKind.FIELD:
        return members.field_hover(analysis, names[0], names[1], options)
    if kind is SymbolKind.FLAG:
        return members.flag_hover(analysis, names[0], names[1], options)
    if kind is SymbolKind.CASE:
        if not is_def:
            # A case named after its tag enum's member: describe the variant's case first.
            owner = typename_around(snapshot.file.tree.items, offset) if snapshot.file is not None else None
            if owner is not None and owner != names[0]:
                md = members.case_hover(analysis, owner, names[1], options, tag_enum=names[0])
                if md:
                    return md
        return members.case_hover(analysis, names[0], names[1], options)
    if kind in (SymbolKind.PARAM, SymbolKind.RESULT):
        return members.param_hover(analysis, key, options)
    if kind is SymbolKind.IMPORT:
        return members.import_hover(analysis, names[0], names[1])
    if kind is SymbolKind.CONST:
        return members.const_hover(analysis, names[0], names[1], options)
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


__all__ = ["HoverOptions", "HoverResult", "hover", "symbol_markdown"]

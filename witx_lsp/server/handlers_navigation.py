"""Navigation and structure: definition, declaration, type definition,
references, document highlight, prepare rename and rename, document links,
document and workspace symbols, folding and selection ranges. Thin adapters over
witx_lsp.features.{navigation, links, symbols, folding, selection}."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lsprotocol import types

from witx_lsp.base.span import FileSpan
from witx_lsp.base.text import LineIndex, LineMap, PositionEncoding
from witx_lsp.features import folding, links, navigation, selection, symbols
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.server import convert
from witx_lsp.server.app import WitxServer
from witx_lsp.server.protocol import RequestFailed

_SYMBOL_KIND = {
    symbols.Kind.STRUCT: types.SymbolKind.Struct,
    symbols.Kind.ENUM: types.SymbolKind.Enum,
    symbols.Kind.CLASS: types.SymbolKind.Class,
    symbols.Kind.TYPE: types.SymbolKind.TypeParameter,
    symbols.Kind.MODULE: types.SymbolKind.Module,
    symbols.Kind.FUNCTION: types.SymbolKind.Function,
    symbols.Kind.FIELD: types.SymbolKind.Field,
    symbols.Kind.ENUM_MEMBER: types.SymbolKind.EnumMember,
    symbols.Kind.VARIABLE: types.SymbolKind.Variable,
    symbols.Kind.INTERFACE: types.SymbolKind.Interface,
    symbols.Kind.CONSTANT: types.SymbolKind.Constant,
}


def _at(ls: WitxServer, params: Any) -> tuple[Snapshot, int] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return snap, convert.offset(snap.lines, params.position, ls.encoding)


def _location(ls: WitxServer, lines_of: LineMap, fs: FileSpan) -> types.Location:
    return types.Location(uri=ls.uri_for(fs.path), range=convert.span_range(lines_of(fs.path), fs.span, ls.encoding))


def _locations(ls: WitxServer, params: Any,
               find: Callable[[Snapshot, int], Iterable[FileSpan]]) -> list[types.Location] | None:
    at = _at(ls, params)
    if at is None:
        return None
    snap, offset = at
    lines_of = ls.lines_of(snap, workspace=True)
    return [_location(ls, lines_of, fs) for fs in find(snap, offset)] or None


def definition(ls: WitxServer, params: types.DefinitionParams) -> list[types.Location] | None:
    return _locations(ls, params, navigation.definition)


def declaration(ls: WitxServer, params: types.DeclarationParams) -> list[types.Location] | None:
    return _locations(ls, params, navigation.declaration)


def type_definition(ls: WitxServer, params: types.TypeDefinitionParams) -> list[types.Location] | None:
    return _locations(ls, params, navigation.type_definition)


def references(ls: WitxServer, params: types.ReferenceParams) -> list[types.Location] | None:
    include = bool(params.context.include_declaration) if params.context is not None else True
    return _locations(ls, params, lambda snap, offset: navigation.references(snap, offset, ls.host, include))


def document_highlight(ls: WitxServer,
                       params: types.DocumentHighlightParams) -> list[types.DocumentHighlight] | None:
    at = _at(ls, params)
    if at is None:
        return None
    snap, offset = at
    return [types.DocumentHighlight(
        range=convert.span_range(snap.lines, h.span, ls.encoding),
        kind=types.DocumentHighlightKind.Write if h.write else types.DocumentHighlightKind.Read)
        for h in navigation.highlights(snap, offset)] or None


def prepare_rename(ls: WitxServer, params: types.PrepareRenameParams) -> types.PrepareRenameResult | None:
    at = _at(ls, params)
    if at is None:
        return None
    snap, offset = at
    result = navigation.prepare_rename(snap, offset)
    if isinstance(result, navigation.Refusal):
        raise RequestFailed(result.message)
    return types.PrepareRenamePlaceholder(range=convert.span_range(snap.lines, result.span, ls.encoding),
                                          placeholder=result.placeholder)


def rename(ls: WitxServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    at = _at(ls, params)
    if at is None:
        return None
    snap, offset = at
    result = navigation.rename(snap, offset, params.new_name, ls.host)
    if isinstance(result, navigation.Refusal):
        raise RequestFailed(result.message)
    lines_of = ls.lines_of(snap, workspace=True)
    return types.WorkspaceEdit(changes={
        ls.uri_for(path): [types.TextEdit(range=convert.span_range(lines_of(path), span, ls.encoding),
                                          new_text=text) for span, text in edits]
        for path, edits in result.items()})


def document_link(ls: WitxServer, params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return [types.DocumentLink(range=convert.span_range(snap.lines, link.span, ls.encoding),
                               target=ls.uri_for(link.target), tooltip=link.tooltip)
            for link in links.document_links(snap)]


def document_symbol(ls: WitxServer, params: types.DocumentSymbolParams) -> (
        list[types.DocumentSymbol] | list[types.SymbolInformation] | None):
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    found = symbols.document_symbols(snap)
    lines, enc = snap.lines, ls.encoding
    if ls.client_flag("text_document", "document_symbol", "hierarchical_document_symbol_support", default=False):
        return [_document_symbol(s, lines, enc) for s in found]
    flat: list[types.SymbolInformation] = []
    todo = [(s, "") for s in reversed(found)]
    while todo:
        s, container = todo.pop()
        flat.append(types.SymbolInformation(
            name=s.name, kind=_SYMBOL_KIND[s.kind], container_name=container or None,
            location=types.Location(uri=params.text_document.uri, range=convert.span_range(lines, s.span, enc))))
        todo.extend((c, s.name) for c in reversed(s.children))
    return flat


def _document_symbol(s: symbols.DocumentSymbol, lines: LineIndex, enc: PositionEncoding) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=s.name, kind=_SYMBOL_KIND[s.kind], detail=s.detail or None,
        range=convert.span_range(lines, s.span, enc), selection_range=convert.span_range(lines, s.selection, enc),
        children=[_document_symbol(c, lines, enc) for c in s.children] or None)


async def workspace_symbol(ls: WitxServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    await ls.index.wait()
    analyses = ls.host.workspace_analyses()
    lines_of = LineMap(lambda path: next((a.files[path].lines for a in analyses if path in a.files), None))
    return [types.WorkspaceSymbol(
        name=s.name, kind=_SYMBOL_KIND[s.kind], container_name=s.container or None,
        location=_location(ls, lines_of, s.location))
        for s in symbols.workspace_symbols(analyses, params.query)]


def folding_range(ls: WitxServer, params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return [types.FoldingRange(start_line=r.start_line, end_line=r.end_line,
                               kind=types.FoldingRangeKind.Comment if r.kind == "comment" else None)
            for r in folding.folding_ranges(snap)]


def selection_range(ls: WitxServer, params: types.SelectionRangeParams) -> list[types.SelectionRange] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    offsets = [convert.offset(snap.lines, p, ls.encoding) for p in params.positions]
    out = []
    for spans in selection.selection_ranges(snap, offsets):
        node: types.SelectionRange | None = None
        for span in reversed(spans):  # outermost first, so each range gets its parent
            node = types.SelectionRange(range=convert.span_range(snap.lines, span, ls.encoding), parent=node)
        assert node is not None
        out.append(node)
    return out

"""Navigation and structure: definition, declaration, type definition,
references, document highlight, prepare rename and rename, document links,
document and workspace symbols, folding and selection ranges. Thin adapters over
witx_lsp.features.{navigation, links, symbols, folding, selection}."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from witx_lsp.base.span import FileSpan
from witx_lsp.base.text import LineIndex
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


class _Lines:
    """Line indexes of the files that results point into."""

    def __init__(self, ls: WitxServer, snap: Snapshot) -> None:
        self.ls = ls
        self.known: dict[str, LineIndex] = ls.lines_of(snap)

    def __call__(self, path: str) -> LineIndex:
        lines = self.known.get(path)
        if lines is None:
            f = self.ls.host.source_file(path)
            lines = f.lines if f is not None else LineIndex("")
            self.known[path] = lines
        return lines

    def location(self, fs: FileSpan) -> types.Location:
        return types.Location(uri=self.ls.uri_for(fs.path),
                              range=convert.span_range(self(fs.path), fs.span, self.ls.encoding))


def _at(ls: WitxServer, params: Any) -> tuple[Snapshot, int] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return snap, convert.offset(snap.lines, params.position, ls.encoding)


def register(server: WitxServer) -> None:
    def locations(ls: WitxServer, params: Any, find: Any) -> list[types.Location] | None:
        at = _at(ls, params)
        if at is None:
            return None
        snap, offset = at
        lines = _Lines(ls, snap)
        found = [lines.location(fs) for fs in find(snap, offset)]
        return found or None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: WitxServer, params: types.DefinitionParams) -> list[types.Location] | None:
        return locations(ls, params, navigation.definition)

    @server.feature(types.TEXT_DOCUMENT_DECLARATION)
    def declaration(ls: WitxServer, params: types.DeclarationParams) -> list[types.Location] | None:
        return locations(ls, params, navigation.declaration)

    @server.feature(types.TEXT_DOCUMENT_TYPE_DEFINITION)
    def type_definition(ls: WitxServer, params: types.TypeDefinitionParams) -> list[types.Location] | None:
        return locations(ls, params, navigation.type_definition)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: WitxServer, params: types.ReferenceParams) -> list[types.Location] | None:
        include = bool(params.context.include_declaration) if params.context is not None else True
        return locations(ls, params, lambda snap, offset: navigation.references(snap, offset, ls.host, include))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def highlight(ls: WitxServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight] | None:
        at = _at(ls, params)
        if at is None:
            return None
        snap, offset = at
        return [types.DocumentHighlight(
            range=convert.span_range(snap.lines, h.span, ls.encoding),
            kind=types.DocumentHighlightKind.Write if h.write else types.DocumentHighlightKind.Read)
            for h in navigation.highlights(snap, offset)] or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
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

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def rename(ls: WitxServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        at = _at(ls, params)
        if at is None:
            return None
        snap, offset = at
        result = navigation.rename(snap, offset, params.new_name, ls.host)
        if isinstance(result, navigation.Refusal):
            raise RequestFailed(result.message)
        lines = _Lines(ls, snap)
        return types.WorkspaceEdit(changes={
            ls.uri_for(path): [types.TextEdit(range=convert.span_range(lines(path), span, ls.encoding),
                                              new_text=text) for span, text in edits]
            for path, edits in result.items()})

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    def document_link(ls: WitxServer, params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return [types.DocumentLink(range=convert.span_range(snap.lines, link.span, ls.encoding),
                                   target=ls.uri_for(link.target), tooltip=link.tooltip)
                for link in links.document_links(snap)]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: WitxServer, params: types.DocumentSymbolParams) -> (
            list[types.DocumentSymbol] | list[types.SymbolInformation] | None):
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        found = symbols.document_symbols(snap)
        enc = ls.encoding
        if ls._client_flag("text_document", "document_symbol", "hierarchical_document_symbol_support",
                           default=False):
            def convert_symbol(s: symbols.DocumentSymbol) -> types.DocumentSymbol:
                return types.DocumentSymbol(
                    name=s.name, kind=_SYMBOL_KIND[s.kind], detail=s.detail or None,
                    range=convert.span_range(snap.lines, s.span, enc),
                    selection_range=convert.span_range(snap.lines, s.selection, enc),
                    children=[convert_symbol(c) for c in s.children] or None)
            return [convert_symbol(s) for s in found]
        flat: list[types.SymbolInformation] = []
        todo = [(s, "") for s in reversed(found)]
        while todo:
            s, container = todo.pop()
            flat.append(types.SymbolInformation(
                name=s.name, kind=_SYMBOL_KIND[s.kind], container_name=container or None,
                location=types.Location(uri=params.text_document.uri,
                                        range=convert.span_range(snap.lines, s.span, enc))))
            todo.extend((c, s.name) for c in reversed(s.children))
        return flat

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: WitxServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        await ls.wait_indexed()
        analyses = ls.host.workspace_analyses()
        lines: dict[str, LineIndex] = {}
        for a in analyses:
            for path, f in a.files.items():
                lines.setdefault(path, f.lines)
        return [types.WorkspaceSymbol(
            name=s.name, kind=_SYMBOL_KIND[s.kind], container_name=s.container or None,
            location=types.Location(uri=ls.uri_for(s.location.path), range=convert.span_range(
                lines.get(s.location.path, LineIndex("")), s.location.span, ls.encoding)))
            for s in symbols.workspace_symbols(analyses, params.query)]

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(ls: WitxServer, params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return [types.FoldingRange(start_line=r.start_line, end_line=r.end_line,
                                   kind=types.FoldingRangeKind.Comment if r.kind == "comment" else None)
                for r in folding.folding_ranges(snap)]

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
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

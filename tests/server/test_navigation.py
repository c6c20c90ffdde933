"""Navigation and structure end to end, one server for the module: definition,
declaration, type definition, references and rename across `use` and into a file
that is not open (the workspace index), highlights, links, symbols, folding and
selection ranges."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

pytestmark = pytest.mark.asyncio(loop_scope="module")

TYPES = """\
;; Shared types.
;; Used by api.witx and other.witx.
(typename $size u32)
(typename $errno
  (enum (@witx tag u16)
    $success
    $badf))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
"""
API = """\
(use "types.witx")
(module $api
  (@interface func (export "read")
    (param $iov $iovec)
    (result $error (expected $size (error $errno)))))
"""
OTHER = '(use "types.witx")\n(typename $sizes (list $size))\n'


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("nav")
    for name, text in (("types.witx", TYPES), ("api.witx", API), ("other.witx", OTHER)):
        (root / name).write_text(text)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.init_result = result  # type: ignore[attr-defined]
    # The workspace index is complete when its progress ends.
    for _ in range(500):
        if any(isinstance(r, types.WorkDoneProgressEnd) for r in lsp_client.progress_reports.get("witx-index", [])):
            break
        await asyncio.sleep(0.02)
    lsp_client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=(root / "api.witx").as_uri(), language_id="witx", version=1, text=API)))
    yield
    await lsp_client.shutdown_session()


def uri(client: LanguageClient, name: str) -> str:
    return (client.root / name).as_uri()  # type: ignore[attr-defined,no-any-return]


def pos(text: str, needle: str, delta: int = 1) -> types.Position:
    """The position `delta` characters into the first `needle` (ASCII texts)."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


def doc(client: LanguageClient, name: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(client, name))


def span_text(text: str, rng: types.Range) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line
    return lines[rng.start.line][rng.start.character:rng.end.character]


async def test_capabilities_are_advertised(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.definition_provider and caps.declaration_provider and caps.type_definition_provider
    assert caps.references_provider and caps.document_highlight_provider
    assert isinstance(caps.rename_provider, types.RenameOptions) and caps.rename_provider.prepare_provider
    assert caps.document_link_provider is not None and caps.document_symbol_provider
    assert caps.workspace_symbol_provider and caps.folding_range_provider and caps.selection_range_provider


async def test_definition_and_declaration_across_use(client: LanguageClient) -> None:
    for request in (client.text_document_definition_async, client.text_document_declaration_async):
        got: Any = await request(types.DefinitionParams(text_document=doc(client, "api.witx"),
                                                        position=pos(API, "$iovec")))
        [loc] = got
        assert loc.uri == uri(client, "types.witx") and span_text(TYPES, loc.range) == "$iovec"
        assert loc.range.start == pos(TYPES, "$iovec", 0)


async def test_type_definition(client: LanguageClient) -> None:
    got = await client.text_document_type_definition_async(types.TypeDefinitionParams(
        text_document=doc(client, "api.witx"), position=pos(API, "$error")))
    assert isinstance(got, list)
    assert [span_text(TYPES, loc.range) for loc in got] == ["$size", "$errno"]


async def test_definition_in_a_file_that_is_not_open(client: LanguageClient) -> None:
    got = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(client, "other.witx"), position=pos(OTHER, "$size)")))
    assert isinstance(got, list) and [loc.uri for loc in got] == [uri(client, "types.witx")]


async def test_references_reach_files_that_are_not_open(client: LanguageClient) -> None:
    for include, count in ((True, 4), (False, 3)):
        got = await client.text_document_references_async(types.ReferenceParams(
            text_document=doc(client, "types.witx"), position=pos(TYPES, "$size u32"),
            context=types.ReferenceContext(include_declaration=include)))
        assert got is not None and len(got) == count
        assert {loc.uri for loc in got} == {uri(client, n) for n in ("types.witx", "api.witx", "other.witx")}


async def test_document_highlight(client: LanguageClient) -> None:
    got = await client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=doc(client, "types.witx"), position=pos(TYPES, "$size u32")))
    assert got is not None
    assert [(h.range.start.line, h.kind) for h in got] == [(2, types.DocumentHighlightKind.Write),
                                                           (7, types.DocumentHighlightKind.Read)]


async def test_prepare_rename_and_refusal(client: LanguageClient) -> None:
    got = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc(client, "api.witx"), position=pos(API, "$iovec")))
    assert isinstance(got, types.PrepareRenamePlaceholder) and got.placeholder == "iovec"
    assert got.range.start == pos(API, "$iovec", 1)
    with pytest.raises(Exception, match="builtin type"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc(client, "types.witx"), position=pos(TYPES, "u32")))


async def test_rename_across_files_and_refusals(client: LanguageClient) -> None:
    got = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(client, "types.witx"), position=pos(TYPES, "$size u32"), new_name="$len"))
    assert got is not None and got.changes is not None
    assert {u: len(edits) for u, edits in got.changes.items()} == {
        uri(client, "types.witx"): 2, uri(client, "api.witx"): 1, uri(client, "other.witx"): 1}
    assert all(e.new_text == "len" for edits in got.changes.values() for e in edits)
    [other_edit] = got.changes[uri(client, "other.witx")]
    assert span_text(OTHER, other_edit.range) == "size"
    for new_name, message in (("errno", "already defined"), ("a b", "not a valid"), ("record", "keyword")):
        with pytest.raises(Exception, match=message):
            await client.text_document_rename_async(types.RenameParams(
                text_document=doc(client, "types.witx"), position=pos(TYPES, "$size u32"), new_name=new_name))


async def test_definition_on_a_use_path_goes_to_the_file(client: LanguageClient) -> None:
    # Neovim does not follow document links: `gd` on the file name must go there.
    for at in ('"types', "types.witx", 'witx"'):
        got = await client.text_document_definition_async(types.DefinitionParams(
            text_document=doc(client, "api.witx"), position=pos(API, at, 1)))
        assert isinstance(got, list) and [(loc.uri, loc.range.start) for loc in got] == [
            (uri(client, "types.witx"), types.Position(line=0, character=0))]
    got = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(client, "api.witx"), position=pos(API, "(use", 1)))
    assert got is None  # on the keyword: nothing


async def test_document_links(client: LanguageClient) -> None:
    got = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc(client,
                                                                                                    "api.witx")))
    assert got is not None
    [link] = got
    assert link.target == uri(client, "types.witx") and span_text(API, link.range) == "types.witx"


async def test_document_symbols_are_hierarchical(client: LanguageClient) -> None:
    got = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(client,
                                                                                                         "types.witx")))
    assert got is not None
    top = [(s.name, s.kind) for s in got if isinstance(s, types.DocumentSymbol)]
    assert top == [("size", types.SymbolKind.TypeParameter), ("errno", types.SymbolKind.Enum),
                   ("iovec", types.SymbolKind.Struct)]
    errno = got[1]
    assert isinstance(errno, types.DocumentSymbol) and errno.children is not None
    assert [c.name for c in errno.children] == ["success", "badf"]
    assert errno.range.start.line == 3 and errno.range.end.line == 6
    api = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(client,
                                                                                                         "api.witx")))
    assert api is not None
    [module] = api
    assert isinstance(module, types.DocumentSymbol) and module.children is not None
    [read] = module.children
    assert read.kind == types.SymbolKind.Function and [c.name for c in read.children or ()] == ["iov", "error"]


async def test_workspace_symbols_include_files_that_are_not_open(client: LanguageClient) -> None:
    got = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="size"))
    assert got is not None
    names = [(s.name, s.location.uri) for s in got if isinstance(s.location, types.Location)]
    assert names[:2] == [("size", uri(client, "types.witx")), ("sizes", uri(client, "other.witx"))]
    got = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="badf"))
    assert got is not None and [(s.name, s.container_name) for s in got] == [("badf", "errno")]


async def test_folding_ranges(client: LanguageClient) -> None:
    got = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc(client,
                                                                                                    "types.witx")))
    assert got is not None
    assert [(r.start_line, r.end_line, r.kind) for r in got] == [(0, 1, types.FoldingRangeKind.Comment),
                                                                 (3, 6, None), (4, 6, None)]


async def test_selection_ranges(client: LanguageClient) -> None:
    got = await client.text_document_selection_range_async(types.SelectionRangeParams(
        text_document=doc(client, "types.witx"), positions=[pos(TYPES, "$buf_len"), pos(TYPES, "$badf")]))
    assert got is not None and len(got) == 2
    chain = []
    node: types.SelectionRange | None = got[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    assert span_text(TYPES, chain[0]) == "$buf_len" and span_text(TYPES, chain[2]) == "(field $buf_len $size)"
    assert chain[-1].start == types.Position(line=7, character=0)

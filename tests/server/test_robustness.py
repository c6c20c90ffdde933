"""Robustness end to end: out-of-range positions, unopened and deleted
documents, malformed params, unknown methods, a burst of 200 didChange events
(never a stale publication), positions on lines with astral-plane characters
(UTF-16) and the utf-8 position encoding."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = "(typename $size u32)\n(typename $len $size)\n"


async def _start(client: LanguageClient, root: Path, encodings: list[str] | None = None) -> types.InitializeResult:
    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    caps = pytest_lsp.client_capabilities("visual-studio-code")
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings])
    published: list[tuple[str, int | None]] = []
    handle = client.protocol._handle_notification

    def spy(method: str, params: Any) -> None:  # record every publication, in arrival order
        if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            published.append((params.uri, params.version))
        handle(method, params)

    client.protocol._handle_notification = spy  # type: ignore[method-assign]
    client.published = published  # type: ignore[attr-defined]
    client.root = root  # type: ignore[attr-defined]
    return await client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(),
                                                                                            name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 5}}))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("robust")
    (root / "disk.witx").write_text(TEXT)
    await _start(lsp_client, root)
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, name: str, text: str, version: int = 1) -> str:
    uri = (client.root / name).as_uri()  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="witx", version=version, text=text)))
    return uri


async def until(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


async def definition(client: LanguageClient, uri: str, line: int, character: int) -> Any:
    return await asyncio.wait_for(client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line,
                                                                                     character=character))), 10)


async def alive(client: LanguageClient) -> None:
    """The server still answers (a definition in a fresh document)."""
    uri = open_doc(client, "alive.witx", TEXT)
    got = await definition(client, uri, 1, 17)
    assert got is not None and got[0].range.start == types.Position(line=0, character=10)


async def test_out_of_range_positions_clamp(client: LanguageClient) -> None:
    uri = open_doc(client, "range.witx", TEXT)
    assert await definition(client, uri, 99, 99) is None  # past the end: no name there
    got = await definition(client, uri, 1, 10**6)  # past the line's end: clamps to it (after `)`)
    assert got is None
    got = await definition(client, uri, 1, 20)  # right after `$size`
    assert got is not None and got[0].range.start.line == 0
    doc = types.TextDocumentIdentifier(uri=uri)
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc, position=types.Position(line=70000, character=0),
        context=types.ReferenceContext(include_declaration=True)))
    assert refs is None
    [far] = await client.text_document_selection_range_async(types.SelectionRangeParams(
        text_document=doc, positions=[types.Position(line=500, character=500)]))
    assert far.range.start == types.Position(line=2, character=0)  # the end of the text
    await alive(client)


async def test_unopened_and_deleted_documents(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    disk = (root / "disk.witx").as_uri()
    got = await definition(client, disk, 1, 17)  # never opened: read from disk
    assert got is not None and got[0].uri == disk
    (root / "gone.witx").write_text(TEXT)
    gone = (root / "gone.witx").as_uri()
    assert await definition(client, gone, 1, 17) is not None
    (root / "gone.witx").unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=gone, type=types.FileChangeType.Deleted)]))
    assert await definition(client, gone, 1, 17) is None
    missing = (root / "never.witx").as_uri()
    for request in (client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=types.TextDocumentIdentifier(uri=missing))),
                    client.text_document_rename_async(types.RenameParams(
                        text_document=types.TextDocumentIdentifier(uri=missing),
                        position=types.Position(line=0, character=0), new_name="x")),
                    client.text_document_folding_range_async(types.FoldingRangeParams(
                        text_document=types.TextDocumentIdentifier(uri=missing)))):
        assert await asyncio.wait_for(request, 10) is None
    await alive(client)


async def test_malformed_params_get_an_error(client: LanguageClient) -> None:
    """Raw JSON through the client's transport: params of the wrong shape."""
    proto = client.protocol
    for n, params in enumerate(({"textDocument": 42}, {"position": {"line": "x"}}, [1, 2], None)):
        msg_id = f"malformed-{n}"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        proto._request_futures[msg_id] = future  # the client routes the reply here
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": types.TEXT_DOCUMENT_DEFINITION}
        if params is not None:
            message["params"] = params
        body = json.dumps(message)
        assert proto.writer is not None
        proto.writer.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
        with pytest.raises(JsonRpcException) as err:
            await asyncio.wait_for(future, 10)
        assert err.value.code == -32602  # InvalidParams, never InternalError
    await alive(client)


async def test_unknown_methods(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcException) as err:
        await asyncio.wait_for(client.protocol.send_request_async("witx/noSuchMethod", {}), 10)
    assert err.value.code == -32601  # MethodNotFound
    client.protocol.notify("witx/noSuchNotification", {})  # notifications are ignored silently
    await alive(client)


async def test_burst_of_changes_publishes_only_newer_versions(client: LanguageClient) -> None:
    uri = open_doc(client, "burst.witx", "(typename $a u8)\n")
    for version in range(2, 202):
        text = f"(typename $a u8)\n(typename $b{version} $a)\n" + ("(typename $c $nope)\n" if version % 2 else "")
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    published: list[tuple[str, int | None]] = client.published  # type: ignore[attr-defined]
    await until(lambda: (uri, 201) in published)
    # One more edit as a barrier: a publication still pending for an older version was
    # cancelled by it, or arrives before its own publication.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=202),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    await until(lambda: (uri, 202) in published)
    versions = [v for u, v in published if u == uri]
    assert versions[-1] == 202
    assert all(a is not None and b is not None and a <= b for a, b in itertools.pairwise(versions)), versions
    assert [d.message for d in client.diagnostics[uri]] == ["Unknown name `nope`"]
    await alive(client)


ASTRAL = '(module $m (import "𝄞😀é" (memory)) (@interface func (export "f") (param $p $size)))\n'


async def test_astral_characters_in_utf16(client: LanguageClient) -> None:
    uri = open_doc(client, "astral.witx", "(typename $size u32)\n" + ASTRAL)
    # `$size` after two astral characters (two UTF-16 units each) and one BMP character.
    character = ASTRAL.index("$size") + 2
    got = await definition(client, uri, 1, character + 1)
    assert got is not None and got[0].range.start == types.Position(line=0, character=10)
    highlights = await client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=character)))
    assert highlights is not None
    assert highlights[1].range == types.Range(start=types.Position(line=1, character=character),
                                              end=types.Position(line=1, character=character + 5))
    # A column inside the surrogate pair of 𝄞 rounds up to the end of 𝄞: still inside the
    # string `"𝄞😀é"`, 7 UTF-16 units from its opening quote.
    [inner] = await client.text_document_selection_range_async(types.SelectionRangeParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        positions=[types.Position(line=1, character=ASTRAL.index("𝄞") + 1)]))
    quote = ASTRAL.index('"𝄞')
    assert inner.range == types.Range(start=types.Position(line=1, character=quote),
                                      end=types.Position(line=1, character=quote + 7))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def utf8_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    result = await _start(lsp_client, tmp_path_factory.mktemp("utf8"), encodings=["utf-8"])
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_utf8_position_encoding(utf8_client: LanguageClient) -> None:
    client = utf8_client
    assert client.init_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8  # type: ignore[attr-defined]
    uri = open_doc(client, "utf8.witx", "(typename $size u32)\n" + ASTRAL)
    prefix = ASTRAL[:ASTRAL.index("$size")]
    character = len(prefix.encode("utf-8"))  # 𝄞 and 😀 are 4 bytes, é 2
    got = await definition(client, uri, 1, character + 2)
    assert got is not None and got[0].range.start == types.Position(line=0, character=10)
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=11),
        context=types.ReferenceContext(include_declaration=False)))
    assert refs is not None and [r.range.start for r in refs] == [types.Position(line=1, character=character)]

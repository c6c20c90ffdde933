"""witx.showWit over the protocol: the WIT text and its conversion notes, the file it
writes and opens with window/showDocument (rewritten as the witx changes), the "Show as
WIT" code lens, and invalid arguments."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

API = """(typename $fd (handle))
(typename $errno (enum (@witx tag u16) $success $2big))
(module $demo
  (import "memory" (memory))
  (@interface func (export "fd_close")
    (param $fd $fd)
    (result $error (expected (error $errno)))))
"""
GENERATED = tempfile.mkdtemp(prefix="witx-lsp-views-")
atexit.register(shutil.rmtree, GENERATED, True)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND,
                                              server_env={**os.environ, "WITX_LSP_VIEWS_DIR": GENERATED}))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "api.witx").write_text(API)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    caps = pytest_lsp.client_capabilities("visual-studio-code")
    caps.window = types.WindowClientCapabilities(show_document=types.ShowDocumentClientCapabilities(support=True))
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=tmp_path.as_uri(),
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="witx", version=1, text=text)))


@pytest.mark.asyncio
async def test_show_wit_returns_the_package_and_notes(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="witx.showWit", arguments=[uri]))
    assert result["package"] == "witx:api@0.1.0" and result["uri"] is None
    assert "  resource fd;" in result["wit"] and "fd-close: func(fd: borrow<fd>) -> result<_, errno>;" in result["wit"]
    codes = sorted(d["code"] for d in result["diagnostics"])
    assert codes == ["W0701", "W0704", "W0708", "W0709"], codes
    renamed = next(d for d in result["diagnostics"] if d["code"] == "W0701")
    assert renamed["range"]["start"] == {"line": 1, "character": API.splitlines()[1].index("$2big")}


@pytest.mark.asyncio
async def test_show_wit_writes_opens_and_follows_edits(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="witx.showWit", arguments=[{"uri": uri, "open": True}]))
    file_uri = result["uri"]
    assert file_uri.startswith(Path(GENERATED).as_uri() + "/api-") and file_uri.endswith(".wit")
    for _ in range(100):
        if file_uri in [d.uri for d in client.shown_documents]:
            break
        await asyncio.sleep(0.05)
    assert file_uri in [d.uri for d in client.shown_documents]
    path = Path(file_uri.removeprefix("file://"))
    assert path.read_text() == result["wit"]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=API.replace("fd_close", "fd_shut"))]))
    for _ in range(100):
        if "fd-shut: func" in path.read_text():
            break
        await asyncio.sleep(0.05)
    assert "fd-shut: func" in path.read_text()


@pytest.mark.asyncio
async def test_code_lens_and_bad_arguments(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    wit = [lens for lens in lenses or [] if lens.command and lens.command.command == "witx.showWit"]
    assert len(wit) == 1 and wit[0].range.start.line == 2 and wit[0].command is not None
    assert wit[0].command.title == "Show as WIT"
    assert list(wit[0].command.arguments or []) == [{"uri": uri, "open": True}]
    for bad in ([{"uri": uri, "package": "Not A Package"}], [{"uri": uri, "handles": "box"}], [], [42],
                [{"uri": uri, "open": "yes"}]):
        with pytest.raises(Exception, match=r"package|handles|argument|URI|open"):
            await client.workspace_execute_command_async(types.ExecuteCommandParams(
                command="witx.showWit", arguments=bad))


LEGACY = """(typename $errno (enum u16 $success $2big))
(typename $size u32)
(module $old
  (@interface func (export "read")
    (result $error $errno)
    (result $n $size)))
"""


@pytest.mark.asyncio
async def test_a_legacy_document_is_migrated_first(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "old.witx").as_uri()
    _open(client, uri, LEGACY)  # only in the editor: the file on disk does not exist
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="witx.showWit", arguments=[uri]))
    assert "read: func() -> result<size, errno>;" in result["wit"]
    renamed = next(d for d in result["diagnostics"] if d["code"] == "W0701")
    assert renamed["range"]["start"] == {"line": 0, "character": LEGACY.index("$2big")}
    assert not [d for d in result["diagnostics"] if d["code"].startswith("E")]

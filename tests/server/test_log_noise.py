"""The server's log holds internal errors only: a refused rename, bad command
arguments and a `$/cancelRequest` for a request already answered are the user's
(or the client's normal) business, answered or ignored without an ERROR line or a
traceback on stderr (which Neovim logs at ERROR, line by line)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

TEXT = "(typename $size u32)\n(typename $len $size)\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "a.witx").write_text(TEXT)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("neovim"), root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()


async def test_user_errors_are_answered_not_logged(client: LanguageClient, tmp_path: Path,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    uri = (tmp_path / "a.witx").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="witx", version=1, text=TEXT)))
    doc = types.TextDocumentIdentifier(uri=uri)
    at_size = types.Position(line=0, character=11)
    with pytest.raises(Exception, match="not a valid"):
        await client.text_document_rename_async(types.RenameParams(text_document=doc, position=at_size,
                                                                   new_name="a b"))
    with pytest.raises(Exception, match="builtin"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc, position=types.Position(line=0, character=17)))
    with pytest.raises(Exception, match="URI"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="witx.showLayout",
                                                                                arguments=[42]))
    answered = await client.text_document_hover_async(types.HoverParams(text_document=doc, position=at_size))
    assert answered is not None
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=12345))  # long answered / never sent
    # A round trip after the notification, so the server has handled it.
    await client.text_document_hover_async(types.HoverParams(text_document=doc, position=at_size))
    await asyncio.sleep(0.3)
    sys.stderr.flush()
    err = capfd.readouterr().err
    for noise in ("Traceback", "internal error", "ERROR", "Cancel notification", "WARNING"):
        assert noise not in err, err

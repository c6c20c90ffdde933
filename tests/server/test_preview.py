"""The wiggle preview over the protocol: the witx.previewHostSignatures command,
its code lens, the hover sections and the witx.preview.config setting."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import PREVIEW1, needs_corpus
from tests.server.conftest import SERVER_COMMAND

API = """(typename $errno (enum (@witx tag u16) $success $badf))
(typename $fd (handle))
(typename $size u32)
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(module $demo
  (@interface func (export "fd_read")
    (param $fd $fd)
    (param $iovs $iovec_array)
    (result $error (expected $size (error $errno))))
  (@interface func (export "fd_close")
    (param $fd $fd)
    (result $error (expected (error $errno)))))
"""

READ = "fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Errno>;"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "api.witx").write_text(API)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}, "hover": {"rust": True},
                                "preview": {"config": "{ errors: { errno => trappable ErrnoT } }"}}))
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="witx", version=1, text=text)))


async def _preview(client: LanguageClient, *arguments: object) -> str:
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="witx.previewHostSignatures", arguments=list(arguments)))
    assert isinstance(result, dict) and set(result) == {"rust"}
    rust = result["rust"]
    assert isinstance(rust, str)
    return rust


async def test_command_returns_the_rust_text(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    # The explicit configuration (default settings) and the witx.preview.config setting (a trappable error).
    rust = await _preview(client, uri, "{ witx: [\"api.witx\"] }")
    assert "    pub trait Demo {\n        " + READ + "\n" in rust
    assert "pub mod demo {" in rust and "pub struct Iovec<'a> {" in rust
    rust = await _preview(client, uri)
    assert READ.replace("Errno>", "ErrnoT>") in rust
    rust = await _preview(client, {"uri": uri, "config": "{ async: * }", "wiggle": 22})
    assert ("        async fn fd_read(\n            &mut self,\n            mem: &mut wiggle::GuestMemory<'_>,\n"
            "            fd: Fd,\n            iovs: IovecArray,\n        ) -> Result<Size, Errno>;\n") in rust


async def test_invalid_configuration_falls_back_to_the_defaults(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    rust = await _preview(client, uri, "{ async: foo }")
    assert "// invalid configuration, using the defaults: 1:10: expected curly braces or `*`" in rust
    assert READ in rust


async def test_code_lens_over_each_function(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert lenses is not None
    preview = [lens for lens in lenses if lens.command and lens.command.command == "witx.previewHostSignatures"]
    assert [lens.command.title for lens in preview if lens.command] == ["Preview host signature"] * 2
    assert [lens.range.start.line for lens in preview] == [6, 10]
    shown = {"uri": uri, "open": True}  # the lens asks for the Rust to be shown (server/views.py)
    assert [list(lens.command.arguments or []) for lens in preview if lens.command] == [[shown]] * 2
    # The other lenses (layout, core signature) are still there.
    assert len(lenses) > len(preview)


async def test_hover_shows_the_trait_method_and_the_rust_type(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "api.witx").as_uri()
    _open(client, uri, API)
    line = API.splitlines()[6]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=6, character=line.index("fd_read") + 1)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert READ.replace("Errno>", "ErrnoT>") in hover.contents.value  # the witx.preview.config setting
    line = API.splitlines()[3]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=3, character=line.index("$iovec") + 2)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "wiggle::GuestPtr<'a, [Iovec<'a>]>" in hover.contents.value


@needs_corpus
async def test_preview1_document(client: LanguageClient) -> None:
    uri = PREVIEW1.as_uri()
    _open(client, uri, PREVIEW1.read_text(encoding="utf-8"))
    rust = await _preview(client, uri, "{ witx: [] }")
    assert "        fn fd_prestat_get(&mut self, fd: Fd) -> Result<Prestat, Errno>;\n" in rust

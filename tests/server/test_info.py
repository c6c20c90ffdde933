"""Hover, inlay hints, code lenses and the witx.* commands end to end: one
server (VS Code capabilities, UTF-16) for most tests, and one whose client
offers only UTF-8 positions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

pytestmark = pytest.mark.asyncio(loop_scope="module")

TYPES = """\
(typename $size u32)
(typename $errno (enum (@witx tag u16) $success $badf))
;;; A region of memory.
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
"""
API = """\
(use "types.witx")
(module $api
  (@interface func (export "read")
    (param $iov $iovec_array)
    (result $error (expected $size (error $errno)))))
"""
# Non-ASCII text before the hovered name on the same line: 'é' is 2 UTF-8 bytes and '😀' 4.
WIDE = '(use "types.witx")\n(module $w (import "é😀" (memory)) (@interface func (export "f") (param $p $iovec)))\n'


async def _start(client: LanguageClient, root: Path, capabilities: types.ClientCapabilities) -> None:
    for name, text in (("types.witx", TYPES), ("api.witx", API), ("wide.witx", WIDE)):
        (root / name).write_text(text)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    refreshes: list[str] = []

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params: None) -> None:
        refreshes.append(types.WORKSPACE_INLAY_HINT_REFRESH)

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        refreshes.append(types.WORKSPACE_CODE_LENS_REFRESH)

    client.refreshes = refreshes  # type: ignore[attr-defined]

    result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    client.root = root  # type: ignore[attr-defined]
    client.init_result = result  # type: ignore[attr-defined]
    for name, text in (("api.witx", API), ("wide.witx", WIDE)):
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=(root / name).as_uri(), language_id="witx", version=1, text=text)))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    await _start(lsp_client, tmp_path_factory.mktemp("info"), pytest_lsp.client_capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def utf8_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    caps.general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])
    await _start(lsp_client, tmp_path_factory.mktemp("info8"), caps)
    yield
    await lsp_client.shutdown_session()


def uri(client: LanguageClient, name: str) -> str:
    return (client.root / name).as_uri()  # type: ignore[attr-defined,no-any-return]


def pos(text: str, needle: str, delta: int = 1) -> types.Position:
    """The position `delta` characters into the first `needle` (ASCII lines only)."""
    offset = text.index(needle) + delta
    return types.Position(line=text.count("\n", 0, offset), character=offset - (text.rfind("\n", 0, offset) + 1))


async def hover_at(client: LanguageClient, name: str, position: types.Position) -> types.Hover | None:
    return await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, name)), position=position)), 10)


async def command(client: LanguageClient, name: str, *args: Any) -> Any:
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(args))), 10)


def from_uri(file_uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(file_uri).path)


async def _shown(client: LanguageClient, count: int) -> list[types.ShowDocumentParams]:
    for _ in range(250):
        if len(client.shown_documents) >= count:
            break
        await asyncio.sleep(0.02)
    assert len(client.shown_documents) == count
    return list(client.shown_documents)


async def test_capabilities_are_advertised(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.hover_provider and caps.inlay_hint_provider and caps.code_lens_provider
    assert caps.execute_command_provider is not None
    assert {"witx.showLayout", "witx.renderDocs", "witx.showSyntaxTree"} <= set(
        caps.execute_command_provider.commands)


async def test_hover_at_a_reference_across_use(client: LanguageClient) -> None:
    hover = await hover_at(client, "api.witx", pos(API, "$iovec_array", 3))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    md = hover.contents.value
    # Kind, size and alignment first; no Rust without `witx.hover.rust` (tests/server/test_preview.py has it on).
    assert md.startswith("**list** · size 8, align 4") and "*defined in* `types.witx`" in md
    assert "IovecArray" not in md and "wiggle" not in md
    start = pos(API, "$iovec_array", 0)
    assert hover.range == types.Range(start=start, end=types.Position(line=start.line,
                                                                      character=start.character + 12))


async def test_hover_on_function_and_keyword(client: LanguageClient) -> None:
    func = await hover_at(client, "api.witx", pos(API, '"read"', 2))
    assert func is not None and isinstance(func.contents, types.MarkupContent)
    assert "(func $read (param i32 i32 i32) (result i32))" in func.contents.value
    kw = await hover_at(client, "api.witx", pos(API, "expected", 2))
    assert kw is not None and isinstance(kw.contents, types.MarkupContent)
    assert "**`expected`**" in kw.contents.value
    assert await hover_at(client, "api.witx", types.Position(line=1, character=0)) is None  # on `(`


async def test_hover_in_a_file_that_is_not_open_and_out_of_range(client: LanguageClient) -> None:
    hover = await hover_at(client, "types.witx", pos(TYPES, "(typename $iovec ", 11))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "| 4 | 4 | `buf_len` | `$size` |" in hover.contents.value
    assert "A region of memory." in hover.contents.value
    assert await hover_at(client, "api.witx", types.Position(line=999, character=999)) is None
    missing = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri="file:///no/such/file.witx"),
        position=types.Position(line=0, character=0))), 10)
    assert missing is None


async def test_hover_utf16_columns_on_a_non_ascii_line(client: LanguageClient) -> None:
    line = WIDE.splitlines()[1]
    character = line.index("$iovec") + 2 + 2  # é is 1 UTF-16 unit, 😀 is 2
    hover = await hover_at(client, "wide.witx", types.Position(line=1, character=character))
    assert hover is not None and hover.range is not None
    assert hover.range.start.character == line.index("$iovec") + 1


async def test_hover_with_utf8_positions(utf8_client: LanguageClient) -> None:
    caps = utf8_client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf8
    line = WIDE.splitlines()[1]
    start = len(line[:line.index("$iovec")].encode("utf-8"))  # 3 extra bytes for é, 😀
    hover = await hover_at(utf8_client, "wide.witx", types.Position(line=1, character=start + 2))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**record** · size 8, align 4" in hover.contents.value
    assert hover.range == types.Range(start=types.Position(line=1, character=start),
                                      end=types.Position(line=1, character=start + 6))
    # A column inside the multi-byte characters finds the import string, whose range is in bytes.
    first = len(line[:line.index('"é')].encode("utf-8"))
    inside = await hover_at(utf8_client, "wide.witx", types.Position(line=1, character=first + 2))
    assert inside is not None and isinstance(inside.contents, types.MarkupContent)
    assert "the linear memory of module `$w`" in inside.contents.value
    assert inside.range == types.Range(start=types.Position(line=1, character=first),
                                       end=types.Position(line=1, character=first + 8))


async def test_inlay_hints(client: LanguageClient) -> None:
    hints = await asyncio.wait_for(client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "types.witx")),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=5, character=0)))), 10)
    assert hints is not None
    got = [(h.position.line, h.position.character, h.label) for h in hints]
    assert (1, pos(TYPES, "$success", 8).character, "= 0") in got
    assert (1, pos(TYPES, "$badf", 5).character, "= 1") in got
    assert (3, pos(TYPES, "$buf ", 4).character, "@0") in got
    assert (3, pos(TYPES, "$buf_len", 8).character, "@4") in got
    assert all(h.kind == types.InlayHintKind.Type for h in hints)
    api = await asyncio.wait_for(client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "api.witx")),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=9, character=0)))), 10)
    assert api is not None and [h.label for h in api] == ["(@witx tag u32)"]


async def test_code_lens_and_its_command(client: LanguageClient) -> None:
    lenses = await asyncio.wait_for(client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "types.witx")))), 10)
    assert lenses is not None
    titles = [(lens.range.start.line, lens.command.title if lens.command else None) for lens in lenses]
    assert titles == [(0, "size 4, align 4"), (1, "size 2, align 2"), (3, "size 8, align 4"), (4, "size 8, align 4")]
    cmd = lenses[2].command
    assert cmd is not None and cmd.command == "witx.showLayout"
    assert cmd.arguments is not None
    assert list(cmd.arguments) == [{"uri": uri(client, "types.witx"), "open": True}, "iovec"]
    view = await command(client, cmd.command, *cmd.arguments)
    assert view["json"]["types"]["iovec"]["size"] == 8 and view["svg"].startswith("<svg")
    # Any client sees the lens do something: the layout is written to a file the client is asked to show.
    shown = await _shown(client, 1)
    assert Path(from_uri(shown[-1].uri)).read_text() == view["text"]
    api = await asyncio.wait_for(client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "api.witx")))), 10)
    assert api is not None and [lens.command.title for lens in api if lens.command] == [
        "Show as WIT", "(func $read (param i32 i32 i32) (result i32))", "Preview host signature"]
    # The WIT, core signature and Rust preview lenses too: each view in its own file.
    expected = {"witx.showWit": "read: func(", "witx.previewHostSignatures": "fn read(",
                "witx.showAbi": "(func $read (param i32 i32 i32) (result i32))\n  ;; call_wasm:"}
    for n, lens in enumerate(api, start=2):
        assert lens.command is not None and lens.command.arguments is not None
        await command(client, lens.command.command, *lens.command.arguments)
        text = Path(from_uri((await _shown(client, n))[-1].uri)).read_text()
        assert expected[lens.command.command] in text, text
    # Without "open" (the VS Code views ask for the data only): nothing is shown.
    await command(client, "witx.showAbi", uri(client, "api.witx"))
    await asyncio.sleep(0.2)
    assert len(client.shown_documents) == 4


async def test_show_layout_argument_forms(client: LanguageClient) -> None:
    api = uri(client, "api.witx")
    by_position = await command(client, "witx.showLayout", uri(client, "types.witx"),
                                {"line": 3, "character": 40})
    assert list(by_position["json"]["types"]) == ["iovec"] and by_position["type"] == "iovec"
    as_object = await command(client, "witx.showLayout", {"uri": api, "type": "$errno"})
    assert as_object["text"].startswith("$errno: enum, size 2, align 2")
    whole = await command(client, "witx.showLayout", uri(client, "types.witx"))
    assert list(whole["json"]["types"]) == ["size", "errno", "iovec", "iovec_array"]
    assert await command(client, "witx.showLayout", api, "nope") is None
    assert await command(client, "witx.showLayout", "file:///no/such.witx") is None
    for bad in ((), (42,), (api, "errno", "extra"), (api, {"line": "x"}), ({"type": "errno"},)):
        with pytest.raises(Exception, match="expected"):
            await command(client, "witx.showLayout", *bad)


async def test_render_docs_and_syntax_tree(client: LanguageClient) -> None:
    docs = await command(client, "witx.renderDocs", uri(client, "api.witx"))
    assert docs.startswith("# Types\n") and "`iovec`: `Record`" in docs and "# Modules" in docs
    tree = await command(client, "witx.showSyntaxTree", uri(client, "wide.witx"))
    lines = tree.splitlines()
    assert lines[0].endswith("(ranges: line:character, 0-based, utf-16)")
    assert '    string "é😀" 1:19-1:24' in lines  # 5 UTF-16 units: quote, é, 😀 (2), quote
    with pytest.raises(Exception, match="expected"):
        await command(client, "witx.renderDocs")
    assert await command(client, "witx.showSyntaxTree", "file:///no/such.witx") is None


async def test_syntax_tree_in_utf8(utf8_client: LanguageClient) -> None:
    tree = await command(utf8_client, "witx.showSyntaxTree", uri(utf8_client, "wide.witx"))
    assert '    string "é😀" 1:19-1:27' in tree.splitlines()  # 8 bytes


async def test_inlay_hint_settings(client: LanguageClient) -> None:
    client.set_configuration({"inlayHints": {"offsets": False, "tags": False}, "diagnostics": {"debounceMs": 10}},
                             section="witx")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    params = types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "types.witx")),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=5, character=0)))
    labels: list[str] = []
    for _ in range(200):
        hints = await asyncio.wait_for(client.text_document_inlay_hint_async(params), 10)
        labels = [str(h.label) for h in hints or ()]
        if not any(label.startswith("@") for label in labels):
            break
        await asyncio.sleep(0.02)
    assert labels == ["= 0", "= 1"]
    # The client is asked to re-request lenses (the VS Code 1.65 capabilities that pytest-lsp bundles
    # advertise refresh support for code lenses, not yet for inlay hints).
    for _ in range(100):
        if types.WORKSPACE_CODE_LENS_REFRESH in client.refreshes:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    assert client.refreshes == [types.WORKSPACE_CODE_LENS_REFRESH]  # type: ignore[attr-defined]

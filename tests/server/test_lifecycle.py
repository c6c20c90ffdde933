"""Protocol-level tests: sync, pushed diagnostics, settings, robustness (pulled diagnostics:
test_diagnostics_channel.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "types.witx").write_text("(typename $size u32)\n")
    (tmp_path / "api.witx").write_text('(use "types.witx")\n(typename $len $size)\n')
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    yield
    await lsp_client.shutdown_session()


async def open_and_wait(client: LanguageClient, uri: str, text: str, version: int = 1) -> tuple[types.Diagnostic, ...]:
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="witx", version=version, text=text)))
    return await until(client, uri, lambda diags: True)


async def until(client: LanguageClient, uri: str, predicate: Callable[[tuple[types.Diagnostic, ...]], bool],
                timeout: float = 10) -> tuple[types.Diagnostic, ...]:
    """Poll the diagnostics the client has received for `uri` until `predicate` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        got = client.diagnostics.get(uri)
        if got is not None and predicate(tuple(got)):
            return tuple(got)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching diagnostics for {uri}: {client.diagnostics.get(uri)}")


async def test_diagnostics_with_code_links_and_related(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "new.witx").as_uri()
    diags = await open_and_wait(client, uri, "(typename $a u8)\n(typename $a u16)\n")
    [d] = diags
    assert d.code == "E0302" and d.message == "Redefinition of name `a`"
    assert d.code_description is not None and d.code_description.href.endswith("E0302.md")
    assert d.related_information and d.related_information[0].location.range.start.line == 0
    assert d.range.start == types.Position(line=1, character=10)


async def test_included_file_is_checked_in_its_includers_context(client: LanguageClient, tmp_path: Path) -> None:
    # types.witx alone defines $size; api.witx uses it: no errors in either.
    diags = await open_and_wait(client, (tmp_path / "api.witx").as_uri(), '(use "types.witx")\n(typename $len $size)\n')
    assert len(diags) == 0


async def test_edit_in_used_file_republishes_includer(client: LanguageClient, tmp_path: Path) -> None:
    api = (tmp_path / "api.witx").as_uri()
    types_uri = (tmp_path / "types.witx").as_uri()
    await open_and_wait(client, api, '(use "types.witx")\n(typename $len $size)\n')
    await open_and_wait(client, types_uri, "(typename $size u32)\n")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=types_uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="(typename $sz u32)\n")]))
    await until(client, api, lambda ds: any(d.message == "Unknown name `size`" for d in ds))


async def test_astral_characters_are_counted_in_utf16(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "astral.witx").as_uri()
    line = '(module $m (import "𝄞😀é" (memory)) (@interface func (export "f") (param $p $nope)))'
    diags = await open_and_wait(client, uri, ";; header\n" + line + "\n")
    [d] = diags
    # Two astral characters before `$nope`: each one code point but two UTF-16 code units.
    start = line.index("$nope") + 2
    assert d.range.start == types.Position(line=1, character=start)
    assert d.range.end == types.Position(line=1, character=start + 5)


async def test_requests_for_unknown_documents_do_not_break_the_server(client: LanguageClient) -> None:
    missing = types.TextDocumentIdentifier(uri="file:///does/not/exist.witx")
    far = types.Position(line=99, character=99)
    for request in (client.text_document_hover_async(types.HoverParams(text_document=missing, position=far)),
                    client.text_document_definition_async(types.DefinitionParams(text_document=missing,
                                                                                 position=far))):
        assert await asyncio.wait_for(request, 10) is None  # no such document: no answer, no error
    diags = await open_and_wait(client, "file:///still/alive.witx", "(typename $x $y)\n")
    assert [d.message for d in diags] == ["Unknown name `y`"]


async def test_file_watching_is_registered_dynamically(client: LanguageClient, tmp_path: Path) -> None:
    await open_and_wait(client, (tmp_path / "w.witx").as_uri(), "(typename $w u8)\n")
    regs = client.registrations  # type: ignore[attr-defined]
    assert [r.method for r in regs] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]


async def test_file_changed_on_disk_is_reanalysed(client: LanguageClient, tmp_path: Path) -> None:
    api = (tmp_path / "api.witx").as_uri()
    await open_and_wait(client, api, '(use "types.witx")\n(typename $len $size)\n')
    (tmp_path / "types.witx").write_text("(typename $other u32)\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(tmp_path / "types.witx").as_uri(), type=types.FileChangeType.Changed)]))
    await until(client, api, lambda ds: [d.message for d in ds] == ["Unknown name `size`"])



async def test_creating_a_missing_used_file_clears_the_error(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "needs.witx").as_uri()
    await open_and_wait(client, uri, '(use "later.witx")\n(typename $x $later)\n')
    await until(client, uri, lambda ds: any(d.code == "E0401" for d in ds))
    (tmp_path / "later.witx").write_text("(typename $later u8)\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(tmp_path / "later.witx").as_uri(), type=types.FileChangeType.Created)]))
    await until(client, uri, lambda ds: len(ds) == 0)


async def test_file_changed_on_disk_is_seen_without_file_watching(client: LanguageClient, tmp_path: Path) -> None:
    # Neovim on Linux registers no file watchers: no didChangeWatchedFiles ever comes. The change
    # is seen when the analysis is next used (here: a hover, then the publication it causes).
    api = (tmp_path / "api.witx").as_uri()
    await open_and_wait(client, api, '(use "types.witx")\n(typename $len $size)\n')
    await until(client, api, lambda ds: len(ds) == 0)
    (tmp_path / "types.witx").write_text("(typename $other u32)\n")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=api), position=types.Position(line=1, character=17)))
    assert hover is None or "u32" not in str(hover.contents)  # `$size` is no longer defined
    await until(client, api, lambda ds: [d.message for d in ds] == ["Unknown name `size`"])
    # A used file that did not exist, created on disk: the error goes.
    uri = (tmp_path / "needs.witx").as_uri()
    await open_and_wait(client, uri, '(use "later.witx")\n(typename $x $later)\n')
    await until(client, uri, lambda ds: any(d.code == "E0401" for d in ds))
    (tmp_path / "later.witx").write_text("(typename $later u8)\n")
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=13)))
    await until(client, uri, lambda ds: len(ds) == 0)

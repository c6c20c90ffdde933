"""One diagnostics channel per client (server/channel.py), and no file judged
outside its includer's context, not even before the workspace index is ready.

The clients declare what the real ones declare: Neovim 0.11 (pytest-lsp's
recorded capabilities: `textDocument.diagnostic`, no diagnostic refresh) and VS
Code 1.100 (pytest-lsp records VS Code 1.65, which predates pull diagnostics; 1.100
adds `textDocument.diagnostic` and `workspace.diagnostics.refreshSupport`). Each
client answers `workspace/configuration` slowly, as a busy editor may: the server
indexes the workspace only after that answer, so the included file is opened and
asked about before the index exists."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

CONFIG_DELAY_S = 0.6
BASE = "(typename $size u32)\n"
MAIN = '(use "base.witx")\n(use "inc.witx")\n(typename $count $len)\n'
# Only valid after base.witx:
INC = "(typename $len $size)\n(typename $span (record (field $at $size) (field $len $len)))\n"


def _workspace(root: Path) -> None:
    (root / "base.witx").write_text(BASE)
    (root / "main.witx").write_text(MAIN)
    (root / "inc.witx").write_text(INC)


async def _start(client: LanguageClient, root: Path, caps: types.ClientCapabilities) -> types.InitializeResult:
    client.refreshes = 0  # type: ignore[attr-defined]
    client.pushed = []  # type: ignore[attr-defined]
    for method in (types.WORKSPACE_CONFIGURATION, types.WORKSPACE_DIAGNOSTIC_REFRESH,
                   types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS):
        client.protocol.fm.features.pop(method, None)  # pytest-lsp's own answers, replaced below

    @client.feature(types.WORKSPACE_CONFIGURATION)
    async def configuration(params: types.ConfigurationParams) -> list[Any]:
        await asyncio.sleep(CONFIG_DELAY_S)
        return [{"diagnostics": {"debounceMs": 5}} for _ in params.items]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        return None

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def hint_refresh(params: None) -> None:
        return None

    @client.feature(types.WORKSPACE_DIAGNOSTIC_REFRESH)
    def refresh(params: None) -> None:
        client.refreshes += 1  # type: ignore[attr-defined]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        client.pushed.append((params.uri, [d.message for d in params.diagnostics]))  # type: ignore[attr-defined]
        client.diagnostics[params.uri] = params.diagnostics

    return await client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(),
                                                                                            name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 5}}))


def vscode_1_100() -> types.ClientCapabilities:
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True,
                                                                       related_document_support=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def neovim(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    _workspace(tmp_path)
    lsp_client.init_result = await _start(  # type: ignore[attr-defined]
        lsp_client, tmp_path, pytest_lsp.client_capabilities("neovim"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def vscode(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    _workspace(tmp_path)
    lsp_client.init_result = await _start(lsp_client, tmp_path, vscode_1_100())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="witx", version=version, text=path.read_text())))
    return uri


async def _pull(client: LanguageClient, uri: str) -> list[str]:
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return [d.message for d in report.items]


async def test_neovim_is_served_by_push_alone(neovim: LanguageClient, tmp_path: Path) -> None:
    caps = neovim.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.diagnostic_provider is None  # Neovim would pull as well, and show everything twice
    uri = _open(neovim, tmp_path / "main.witx")
    main = tmp_path / "main.witx"
    neovim.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=main.read_text() + "(typename $x $y)\n")]))
    for _ in range(300):
        if any(u == uri and m == ["Unknown name `y`"] for u, m in neovim.pushed):  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    assert [m for u, m in neovim.pushed if u == uri][-1] == ["Unknown name `y`"]  # type: ignore[attr-defined]
    assert neovim.refreshes == 0  # type: ignore[attr-defined]


async def test_included_file_opened_first_is_never_judged_alone_push(
        neovim: LanguageClient, tmp_path: Path) -> None:
    uri = _open(neovim, tmp_path / "inc.witx")
    for _ in range(300):
        if any(u == uri for u, _ in neovim.pushed):  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(CONFIG_DELAY_S)  # and after the index: still nothing
    pushed = [m for u, m in neovim.pushed if u == uri]  # type: ignore[attr-defined]
    assert pushed and all(m == [] for m in pushed), pushed


async def test_vscode_is_served_by_pull_alone(vscode: LanguageClient, tmp_path: Path) -> None:
    caps = vscode.init_result.capabilities  # type: ignore[attr-defined]
    provider = caps.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.identifier and provider.identifier != "witx"  # VS Code's push collection is named 'witx'
    uri = _open(vscode, tmp_path / "main.witx")
    assert await _pull(vscode, uri) == []
    # An edit in a file main.witx uses changes main.witx's diagnostics: the client is asked to pull again.
    inc = _open(vscode, tmp_path / "inc.witx")
    before = vscode.refreshes  # type: ignore[attr-defined]
    vscode.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=inc, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="(typename $length $size)\n")]))
    for _ in range(300):
        if vscode.refreshes > before:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    assert vscode.refreshes > before  # type: ignore[attr-defined]
    assert await _pull(vscode, uri) == ["Unknown name `len`"]
    assert vscode.pushed == []  # type: ignore[attr-defined]


async def test_included_file_opened_first_is_never_judged_alone_pull(
        vscode: LanguageClient, tmp_path: Path) -> None:
    uri = _open(vscode, tmp_path / "inc.witx")
    assert await _pull(vscode, uri) == []  # asked before the index: the answer waits for it
    assert vscode.refreshes >= 1  # type: ignore[attr-defined]  # the index completed: pull again
    assert await _pull(vscode, uri) == []


async def test_pull_diagnostics_and_unchanged_reports(vscode: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "pull.witx"
    path.write_text("(typename $a $b)\n")
    uri = _open(vscode, path)
    report = await vscode.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.message for d in report.items] == ["Unknown name `b`"]
    again = await vscode.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)


async def test_workspace_pull_diagnostics_cover_files_not_open(vscode: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "broken.witx").write_text("(typename $b $nowhere)\n")
    vscode.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(tmp_path / "broken.witx").as_uri(), type=types.FileChangeType.Created)]))
    report = await vscode.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {r.uri: r for r in report.items}
    broken = by_uri[(tmp_path / "broken.witx").as_uri()]
    assert isinstance(broken, types.WorkspaceFullDocumentDiagnosticReport)
    assert [d.message for d in broken.items] == ["Unknown name `nowhere`"]
    # The indexed files of the workspace are all there; inc.witx is clean in main.witx's context.
    inc = by_uri[(tmp_path / "inc.witx").as_uri()]
    assert isinstance(inc, types.WorkspaceFullDocumentDiagnosticReport) and list(inc.items) == []
    again = await vscode.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[
        types.PreviousResultId(uri=broken.uri, value=broken.result_id or "")]))
    assert isinstance({r.uri: r for r in again.items}[broken.uri], types.WorkspaceUnchangedDocumentDiagnosticReport)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def no_root(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    # Neovim with no root marker found: no workspace folder, no root URI.
    _workspace(tmp_path)
    await _start_without_root(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _start_without_root(client: LanguageClient) -> None:
    for method in (types.WORKSPACE_CONFIGURATION, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS):
        client.protocol.fm.features.pop(method, None)
    client.pushed = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def configuration(params: types.ConfigurationParams) -> list[Any]:
        return [{"diagnostics": {"debounceMs": 5}} for _ in params.items]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        client.pushed.append((params.uri, [d.message for d in params.diagnostics]))  # type: ignore[attr-defined]

    await client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("neovim"), root_uri=None, workspace_folders=None))


async def test_without_a_workspace_the_includer_beside_the_file_is_found(no_root: LanguageClient,
                                                                         tmp_path: Path) -> None:
    uri = _open(no_root, tmp_path / "inc.witx")
    for _ in range(300):
        if any(u == uri for u, _ in no_root.pushed):  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    pushed = [m for u, m in no_root.pushed if u == uri]  # type: ignore[attr-defined]
    assert pushed and all(m == [] for m in pushed), pushed


async def test_new_settings_ask_a_pull_client_to_pull_again(vscode: LanguageClient, tmp_path: Path) -> None:
    for _ in range(300):  # the refresh at the end of the index
        if vscode.refreshes >= 1:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    before = vscode.refreshes  # type: ignore[attr-defined]
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"witx": {"diagnostics": {"severity": {"W0501": "off"}}}}))
    for _ in range(300):
        if vscode.refreshes > before:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.02)
    assert vscode.refreshes > before  # type: ignore[attr-defined]

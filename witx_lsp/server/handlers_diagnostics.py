"""Lifecycle, document sync, workspace events and diagnostics (push and pull)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from lsprotocol import types

from witx_lsp.server import channel
from witx_lsp.server.app import WitxServer

log = logging.getLogger("witx_lsp.server")


def register(server: WitxServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: WitxServer, params: types.InitializeParams) -> None:
        ls.apply_settings(params.initialization_options)
        ls.pull_diagnostics = channel.client_pulls(params.capabilities)
        if not ls.pull_diagnostics:
            channel.withhold_pull(ls.protocol.fm)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: WitxServer, params: types.InitializedParams) -> None:
        if ls._client_flag("workspace", "configuration", default=False):
            try:
                [cfg] = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="witx")]))
                if cfg is not None:
                    ls.apply_settings(cfg)
            except Exception:
                log.warning("workspace/configuration failed; keeping the current settings", exc_info=True)
        if ls._client_flag("workspace", "did_change_watched_files", "dynamic_registration", default=False):
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(
                        id="witx-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[types.FileSystemWatcher(glob_pattern="**/*.witx")]))]))
            except Exception:
                log.warning("could not register file watching", exc_info=True)
        await ls.index_workspace()
        if ls.pull_diagnostics:
            ls.request_diagnostic_refresh()  # the workspace's files are now judged in their includers' context
        for uri in list(ls.workspace.text_documents):
            ls.publish(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: WitxServer, params: types.DidChangeConfigurationParams) -> None:
        settings: Any = params.settings
        if ls._client_flag("workspace", "configuration", default=False):
            try:
                [settings] = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="witx")]))
            except Exception:
                log.warning("workspace/configuration failed", exc_info=True)
        ls.apply_settings(settings)
        ls.schedule_diagnostics(list(ls.workspace.text_documents))
        ls.request_diagnostic_refresh()  # pull clients: every file's severities may have changed
        # Hints and lenses depend on settings: ask the client to re-request them.
        refreshes = ((("workspace", "inlay_hint", "refresh_support"), ls.workspace_inlay_hint_refresh_async),
                     (("workspace", "code_lens", "refresh_support"), ls.workspace_code_lens_refresh_async))
        for capability, refresh in refreshes:
            if ls._client_flag(*capability, default=False):
                try:
                    await refresh(None)
                except Exception:
                    log.warning("the client refused a refresh request", exc_info=True)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WitxServer, params: types.DidOpenTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        ls.uri_of[path] = params.text_document.uri
        ls.index_neighbours(path)
        ls.schedule_diagnostics(ls.open_uris(ls.host.set_text(path, params.text_document.text)))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WitxServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.document_edited(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WitxServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = ls.path_of(uri)
        if (task := ls.pending.pop(uri, None)) is not None:
            task.cancel()
        affected = ls.host.overlay_close(path)
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.schedule_diagnostics([u for u in ls.open_uris(affected) if u != uri])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: WitxServer, params: types.DidSaveTextDocumentParams) -> None:
        return None

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: WitxServer, params: types.DidChangeWatchedFilesParams) -> None:
        touched: set[str] = set()
        for change in params.changes:
            path = ls.path_of(change.uri)
            if change.type == types.FileChangeType.Deleted:
                affected = ls.host.remove_file(path)
            else:
                if change.type == types.FileChangeType.Created:
                    ls.host.add_files([path])
                affected = ls.host.file_changed_on_disk(path)
            touched.update(ls.open_uris(affected))
        ls.schedule_diagnostics(sorted(touched))

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier=channel.PULL_IDENTIFIER, inter_file_dependencies=True, workspace_diagnostics=True))
    async def pull_document(ls: WitxServer,
                            params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        await ls.wait_indexed()  # never judge a file before its includers are known
        items = ls.document_diagnostics(params.text_document.uri) or []  # also E0404 of a huge buffer
        result_id = _result_id(items)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def pull_workspace(ls: WitxServer,
                             params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        await ls.wait_indexed()
        previous = {p.uri: p.value for p in params.previous_result_ids}
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        for path in sorted(ls.host.known):
            uri = ls.uri_for(path)
            snap = ls.snapshot(uri)
            if snap is None:
                continue
            items = ls.lsp_diagnostics(snap)
            rid = _result_id(items)
            version = ls.version_of(uri)
            if previous.get(uri) == rid:
                reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version,
                                                                                result_id=rid))
            else:
                reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=version, items=items,
                                                                           result_id=rid))
        return types.WorkspaceDiagnosticReport(items=reports)


def _result_id(items: list[types.Diagnostic]) -> str:
    h = hashlib.sha1()
    for d in items:
        h.update(f"{d.range}{d.code}{d.severity}{d.message}".encode("utf-8", "surrogatepass"))  # lone surrogates
    return h.hexdigest()[:16]

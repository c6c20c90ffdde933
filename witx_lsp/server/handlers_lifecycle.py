"""Lifecycle and settings: `initialize` (settings, the diagnostics channel),
`initialized` (configuration, file watching, the workspace index) and
`workspace/didChangeConfiguration`."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from witx_lsp.server import channel
from witx_lsp.server.app import WitxServer

log = logging.getLogger("witx_lsp.server")


def initialize(ls: WitxServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)
    ls.pull_diagnostics = channel.client_pulls(params.capabilities)
    if not ls.pull_diagnostics:
        channel.withhold_pull(ls.protocol.fm)


async def initialized(ls: WitxServer, params: types.InitializedParams) -> None:
    if ls.client_flag("workspace", "configuration", default=False):
        try:
            [cfg] = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="witx")]))
            if cfg is not None:
                ls.apply_settings(cfg)
        except Exception:
            log.warning("workspace/configuration failed; keeping the current settings", exc_info=True)
    if ls.client_flag("workspace", "did_change_watched_files", "dynamic_registration", default=False):
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(
                    id="witx-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern="**/*.witx")]))]))
        except Exception:
            log.warning("could not register file watching", exc_info=True)
    await ls.index.run()
    if ls.pull_diagnostics:
        ls.request_diagnostic_refresh()  # the workspace's files are now judged in their includers' context
    for uri in list(ls.workspace.text_documents):
        ls.publish(uri)


async def did_change_configuration(ls: WitxServer, params: types.DidChangeConfigurationParams) -> None:
    settings: Any = params.settings
    if ls.client_flag("workspace", "configuration", default=False):
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
        if ls.client_flag(*capability, default=False):
            try:
                await refresh(None)
            except Exception:
                log.warning("the client refused a refresh request", exc_info=True)

"""Which channel carries a client's diagnostics: exactly one of push
(`textDocument/publishDiagnostics`) and pull (`textDocument/diagnostic`,
`workspace/diagnostic`).

A client that is offered both keeps both: Neovim 0.11 stores pushed and pulled
diagnostics in separate namespaces and shows every diagnostic twice
(runtime/lua/vim/lsp/diagnostic.lua of Neovim 0.11.4). So the server picks one per
client at `initialize`:

* pull when the client declares `textDocument.diagnostic` *and*
  `workspace.diagnostics.refreshSupport`: a pull client learns of changes that
  come from elsewhere (an edit in a file this one `use`s, the end of the workspace
  index, new settings, a file changed on disk) only through
  `workspace/diagnostic/refresh`. VS Code 1.100 declares both.
* push otherwise, and the pull capability is not advertised at all (the client
  then never pulls). Neovim 0.11.4 declares `textDocument.diagnostic` but no
  refresh support (runtime/lua/vim/lsp/protocol.lua), and pulls only for the
  buffer being edited (diagnostic.lua `_enable`): with pull, a change in
  `typenames.witx` would never reach the open `wasi_snapshot_preview1.witx`.

The pull identifier differs from the push collection name of the VS Code
client ('witx'; vscode-languageclient creates a DiagnosticCollection under each
name and logs "DiagnosticCollection with name 'witx' does already exist" when
they are equal).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

PULL_IDENTIFIER = "witx-lsp"
PULL_METHODS = (types.TEXT_DOCUMENT_DIAGNOSTIC, types.WORKSPACE_DIAGNOSTIC)


def client_pulls(capabilities: types.ClientCapabilities | None) -> bool:
    """Whether diagnostics go to this client by pull (else by push)."""
    declares_pull = getattr(getattr(capabilities, "text_document", None), "diagnostic", None) is not None
    diagnostics = getattr(getattr(capabilities, "workspace", None), "diagnostics", None)
    return declares_pull and bool(getattr(diagnostics, "refresh_support", False))


def withhold_pull(feature_manager: Any) -> None:
    """Stop advertising (and serving) the pull requests: called at `initialize`,
    before pygls computes the capabilities from the registered features, for a
    client served by push (a server process serves one client)."""
    for method in PULL_METHODS:
        feature_manager.features.pop(method, None)
        feature_manager.feature_options.pop(method, None)

"""Every LSP method and command the server answers, with its handler and its
registration options: the server's whole surface in one table (as taplo-lsp's
`create_server` and ruff's `server/api.rs` list theirs).

Handlers are module-level functions of the `handlers_*` modules, called with the
server and the params (`handler(ls, params)`; a command: `handler(ls, *arguments)`);
what one keeps between requests is the server's `handler_state`. pygls advertises the
capabilities from the registered methods and options at `initialize`, except what
depends on the client: `handlers_lifecycle.initialize` withdraws the pull diagnostics
requests from a client served by push (`channel.py`).

Protocol-level messages (envelopes, the lifecycle's refusals, `exit`, `$/cancelRequest`,
applying didOpen/didChange/didClose to the documents) are answered by
`protocol.WitxProtocol` before a handler of this table runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from witx_lsp.features import code_actions, commands
from witx_lsp.features.preview import PREVIEW_HOST_SIGNATURES
from witx_lsp.features.values import DECODE_VALUE, ENCODE_VALUE
from witx_lsp.features.wit_view import SHOW_WIT
from witx_lsp.server import channel
from witx_lsp.server import handlers_editing as editing
from witx_lsp.server import handlers_info as info
from witx_lsp.server import handlers_lifecycle as lifecycle
from witx_lsp.server import handlers_navigation as navigation
from witx_lsp.server import handlers_preview as preview
from witx_lsp.server import handlers_pull_diagnostics as pull
from witx_lsp.server import handlers_sync as sync
from witx_lsp.server import handlers_values as values
from witx_lsp.server import handlers_wit as wit

if TYPE_CHECKING:
    from witx_lsp.features.snapshot import Snapshot
    from witx_lsp.server.app import WitxServer
    from witx_lsp.server.options import Settings


@dataclass(frozen=True)
class Route:
    method: str  # the LSP method, or the command of `workspace/executeCommand`
    handler: Callable[..., Any]
    options: Any = None  # registration options, advertised in the server's capabilities


FEATURES: tuple[Route, ...] = (
    # lifecycle and settings
    Route(types.INITIALIZE, lifecycle.initialize),
    Route(types.INITIALIZED, lifecycle.initialized),
    Route(types.WORKSPACE_DID_CHANGE_CONFIGURATION, lifecycle.did_change_configuration),
    # document sync, files changed on disk
    Route(types.TEXT_DOCUMENT_DID_OPEN, sync.did_open),
    Route(types.TEXT_DOCUMENT_DID_CHANGE, sync.did_change),
    Route(types.TEXT_DOCUMENT_DID_CLOSE, sync.did_close),
    Route(types.TEXT_DOCUMENT_DID_SAVE, sync.did_save),
    Route(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, sync.did_change_watched_files),
    # diagnostics by pull (withdrawn at `initialize` for a push client)
    Route(types.TEXT_DOCUMENT_DIAGNOSTIC, pull.document_diagnostic, types.DiagnosticOptions(
        identifier=channel.PULL_IDENTIFIER, inter_file_dependencies=True, workspace_diagnostics=True)),
    Route(types.WORKSPACE_DIAGNOSTIC, pull.workspace_diagnostic),
    # navigation and structure
    Route(types.TEXT_DOCUMENT_DEFINITION, navigation.definition),
    Route(types.TEXT_DOCUMENT_DECLARATION, navigation.declaration),
    Route(types.TEXT_DOCUMENT_TYPE_DEFINITION, navigation.type_definition),
    Route(types.TEXT_DOCUMENT_REFERENCES, navigation.references),
    Route(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, navigation.document_highlight),
    Route(types.TEXT_DOCUMENT_PREPARE_RENAME, navigation.prepare_rename),
    Route(types.TEXT_DOCUMENT_RENAME, navigation.rename, types.RenameOptions(prepare_provider=True)),
    Route(types.TEXT_DOCUMENT_DOCUMENT_LINK, navigation.document_link),
    Route(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, navigation.document_symbol),
    Route(types.WORKSPACE_SYMBOL, navigation.workspace_symbol),
    Route(types.TEXT_DOCUMENT_FOLDING_RANGE, navigation.folding_range),
    Route(types.TEXT_DOCUMENT_SELECTION_RANGE, navigation.selection_range),
    # editing
    Route(types.TEXT_DOCUMENT_COMPLETION, editing.completion, types.CompletionOptions(
        trigger_characters=editing.TRIGGER_CHARACTERS, resolve_provider=True)),
    Route(types.COMPLETION_ITEM_RESOLVE, editing.completion_resolve),
    Route(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, editing.semantic_tokens_full, editing.LEGEND),
    Route(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, editing.semantic_tokens_delta, editing.LEGEND),
    Route(types.TEXT_DOCUMENT_FORMATTING, editing.formatting),
    Route(types.TEXT_DOCUMENT_RANGE_FORMATTING, editing.range_formatting),
    Route(types.TEXT_DOCUMENT_CODE_ACTION, editing.code_action, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, code_actions.FIX_ALL])),
    # information about the code
    Route(types.TEXT_DOCUMENT_HOVER, info.on_hover),
    Route(types.TEXT_DOCUMENT_INLAY_HINT, info.on_inlay_hint, types.InlayHintOptions(resolve_provider=False)),
    Route(types.TEXT_DOCUMENT_CODE_LENS, info.on_code_lens, types.CodeLensOptions(resolve_provider=False)),
)

COMMANDS: tuple[Route, ...] = (
    Route(commands.SHOW_LAYOUT, info.show_layout),
    Route(commands.RENDER_DOCS, info.render_docs),
    Route(commands.SHOW_SYNTAX_TREE, info.show_syntax_tree),
    Route(commands.SHOW_ABI, info.show_abi),
    Route(PREVIEW_HOST_SIGNATURES, preview.preview_host_signatures),
    Route(ENCODE_VALUE, values.encode),
    Route(DECODE_VALUE, values.decode),
    Route(SHOW_WIT, wit.show_wit),
)

# Called with the server and the new settings after every change of the settings.
SETTINGS_LISTENERS: tuple[Callable[[WitxServer, Settings], None], ...] = (preview.warn_invalid_config,)
# Called with the server, a document's URI and its snapshot after each publication of its diagnostics.
PUBLISH_LISTENERS: tuple[Callable[[WitxServer, str, Snapshot], None], ...] = (wit.refresh_followed,)


def register(server: WitxServer) -> None:
    """Register every route and listener with a new server."""
    for route in FEATURES:
        server.feature(route.method, route.options)(route.handler)
    for route in COMMANDS:
        server.command(route.method)(route.handler)
    server.settings_listeners.extend(SETTINGS_LISTENERS)
    server.publish_listeners.extend(PUBLISH_LISTENERS)

"""Every LSP method and command the server answers, with its handler and its
registration options: the server's whole surface in one table (as taplo-lsp's
`create_server` and ruff's `server/api.rs` list theirs).

Handlers are module-level functions of the `handlers_*` modules, called with the
server and the params (`handler(ls, params)`; a command: `handler(ls, *arguments)`);
what one keeps between requests is the server's `handler_state`. pygls advertises the
capabilities from the registered methods and options at `initialize`, except what
depends on the client: `handlers_lifecycle.initialize` withdraws the pull diagnostics
requests from a client served by push (`channel.py`).

A route names its handler as "module:function" (`handlers_<module>.<function>`), and
pygls registers a stand-in that imports the module on its first call: the server
starts without the modules (and features) that the first diagnostics do not need,
about a tenth of its start. They are imported in idle time after the first
diagnostics (`preload`), so a request does not wait for them either. pygls treats a
stand-in as the handler (the server as `ls`, a coroutine function when the handler
is one: `is_async`, which tests/server/test_registry.py checks against the handler).

Protocol-level messages (envelopes, the lifecycle's refusals, `exit`, `$/cancelRequest`,
applying didOpen/didChange/didClose to the documents) are answered by
`protocol.WitxProtocol` before a handler of this table runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from witx_lsp.features import command_names as names
from witx_lsp.features.semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES
from witx_lsp.server import channel

if TYPE_CHECKING:
    from witx_lsp.features.snapshot import Snapshot
    from witx_lsp.server.app import WitxServer
    from witx_lsp.server.options import Settings

HANDLERS_PACKAGE = "witx_lsp.server.handlers_"
LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS))
# Completion triggers on `$`, `(` and `@` (handlers_editing).
TRIGGER_CHARACTERS = ["$", "(", "@"]


def resolve(handler: str) -> Callable[..., Any]:
    """The function a "module:function" name of this table names (importing its module)."""
    module, name = handler.split(":")
    function: Callable[..., Any] = getattr(importlib.import_module(HANDLERS_PACKAGE + module), name)
    return function


@dataclass(frozen=True)
class Route:
    method: str  # the LSP method, or the command of `workspace/executeCommand`
    handler: str  # "module:function": handlers_<module>.<function>, imported on its first call
    options: Any = None  # registration options, advertised in the server's capabilities
    is_async: bool = False  # the handler is a coroutine function


FEATURES: tuple[Route, ...] = (
    # lifecycle and settings
    Route(types.INITIALIZE, "lifecycle:initialize"),
    Route(types.INITIALIZED, "lifecycle:initialized", is_async=True),
    Route(types.WORKSPACE_DID_CHANGE_CONFIGURATION, "lifecycle:did_change_configuration", is_async=True),
    # document sync, files changed on disk
    Route(types.TEXT_DOCUMENT_DID_OPEN, "sync:did_open"),
    Route(types.TEXT_DOCUMENT_DID_CHANGE, "sync:did_change"),
    Route(types.TEXT_DOCUMENT_DID_CLOSE, "sync:did_close"),
    Route(types.TEXT_DOCUMENT_DID_SAVE, "sync:did_save"),
    Route(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, "sync:did_change_watched_files"),
    # diagnostics by pull (withdrawn at `initialize` for a push client)
    Route(types.TEXT_DOCUMENT_DIAGNOSTIC, "pull_diagnostics:document_diagnostic", types.DiagnosticOptions(
        identifier=channel.PULL_IDENTIFIER, inter_file_dependencies=True, workspace_diagnostics=True),
        is_async=True),
    Route(types.WORKSPACE_DIAGNOSTIC, "pull_diagnostics:workspace_diagnostic", is_async=True),
    # navigation and structure
    Route(types.TEXT_DOCUMENT_DEFINITION, "navigation:definition"),
    Route(types.TEXT_DOCUMENT_DECLARATION, "navigation:declaration"),
    Route(types.TEXT_DOCUMENT_TYPE_DEFINITION, "navigation:type_definition"),
    Route(types.TEXT_DOCUMENT_REFERENCES, "navigation:references"),
    Route(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, "navigation:document_highlight"),
    Route(types.TEXT_DOCUMENT_PREPARE_RENAME, "navigation:prepare_rename"),
    Route(types.TEXT_DOCUMENT_RENAME, "navigation:rename", types.RenameOptions(prepare_provider=True)),
    Route(types.TEXT_DOCUMENT_DOCUMENT_LINK, "navigation:document_link"),
    Route(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, "navigation:document_symbol"),
    Route(types.WORKSPACE_SYMBOL, "navigation:workspace_symbol", is_async=True),
    Route(types.TEXT_DOCUMENT_FOLDING_RANGE, "navigation:folding_range"),
    Route(types.TEXT_DOCUMENT_SELECTION_RANGE, "navigation:selection_range"),
    # editing
    Route(types.TEXT_DOCUMENT_COMPLETION, "editing:completion", types.CompletionOptions(
        trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True)),
    Route(types.COMPLETION_ITEM_RESOLVE, "editing:completion_resolve"),
    Route(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, "editing:semantic_tokens_full", LEGEND),
    Route(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, "editing:semantic_tokens_delta", LEGEND),
    Route(types.TEXT_DOCUMENT_FORMATTING, "editing:formatting"),
    Route(types.TEXT_DOCUMENT_RANGE_FORMATTING, "editing:range_formatting"),
    Route(types.TEXT_DOCUMENT_CODE_ACTION, "editing:code_action", types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, names.FIX_ALL])),
    # information about the code
    Route(types.TEXT_DOCUMENT_HOVER, "info:on_hover"),
    Route(types.TEXT_DOCUMENT_INLAY_HINT, "info:on_inlay_hint", types.InlayHintOptions(resolve_provider=False)),
    Route(types.TEXT_DOCUMENT_CODE_LENS, "info:on_code_lens", types.CodeLensOptions(resolve_provider=False)),
)

COMMANDS: tuple[Route, ...] = (
    Route(names.SHOW_LAYOUT, "info:show_layout"),
    Route(names.RENDER_DOCS, "info:render_docs"),
    Route(names.SHOW_SYNTAX_TREE, "info:show_syntax_tree"),
    Route(names.SHOW_ABI, "info:show_abi"),
    Route(names.PREVIEW_HOST_SIGNATURES, "preview:preview_host_signatures"),
    Route(names.ENCODE_VALUE, "values:encode"),
    Route(names.DECODE_VALUE, "values:decode"),
    Route(names.SHOW_WIT, "wit:show_wit"),
)

# Called with the server and the new settings after every change of the settings.
SETTINGS_LISTENERS: tuple[str, ...] = ("preview:warn_invalid_config",)
# Called with the server, a document's URI and its snapshot after each publication of its diagnostics.
PUBLISH_LISTENERS: tuple[str, ...] = ("wit:refresh_followed",)


def register(server: WitxServer) -> None:
    """Register every route and listener with a new server (stand-ins: see the module's doc)."""
    for route in FEATURES:
        server.feature(route.method, route.options)(stand_in(route.handler, route.is_async))
    for route in COMMANDS:
        server.command(route.method)(stand_in(route.handler, route.is_async))
    settings_listeners: list[Callable[[WitxServer, Settings], None]] = [stand_in(h) for h in SETTINGS_LISTENERS]
    publish_listeners: list[Callable[[WitxServer, str, Snapshot], None]] = [stand_in(h) for h in PUBLISH_LISTENERS]
    server.settings_listeners.extend(settings_listeners)
    server.publish_listeners.extend(publish_listeners)
    server.idle_tasks.append(preload)


def preload() -> None:
    """Import every handler module (an idle task: after the first diagnostics)."""
    for route in (*FEATURES, *COMMANDS):
        resolve(route.handler)


def stand_in(handler: str, is_async: bool = False) -> Callable[..., Any]:
    """What pygls registers for the handler named `handler`: a function of the same kind
    (coroutine function or not) and the same first parameter, `ls`, that passes its
    arguments through (a command's handler takes them as `*args`, as pygls passes them
    to this one), importing the handler on its first call. Its annotations resolve here
    (pygls reads a command's)."""
    found: list[Callable[..., Any]] = []

    def target() -> Callable[..., Any]:
        if not found:
            found.append(resolve(handler))
        return found[0]

    if is_async:
        async def call_async(ls: Any, *args: Any) -> Any:
            return await target()(ls, *args)

        function: Callable[..., Any] = call_async
    else:
        def call(ls: Any, *args: Any) -> Any:
            return target()(ls, *args)

        function = call
    module, name = handler.split(":")
    # Named as the handler, for pygls' log lines and the server's error reports.
    function.__name__ = function.__qualname__ = name
    function.__module__ = HANDLERS_PACKAGE + module
    return function

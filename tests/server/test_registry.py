"""The registration table (server/registry.py): every handler is a module-level
function of a handlers module, the server registers exactly the table, the
capabilities still depend on the client (pull diagnostics only for a client that can
be asked to pull again, channel.py), and a handler can be called on its own, in
process, without a client."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Generator
from pathlib import Path
from typing import Any

from lsprotocol import types

from witx_lsp.server import handlers_info, handlers_navigation, handlers_sync
from witx_lsp.server.app import WitxServer, create_server
from witx_lsp.server.registry import COMMANDS, FEATURES

TEXT = "(typename $size u32)\n(typename $len $size)\n"


def _initialize(server: WitxServer, capabilities: types.ClientCapabilities, root: Path) -> types.InitializeResult:
    """pygls' `initialize` in process: its generator yields our handler, then answers."""
    steps: Generator[Any, Any, types.InitializeResult] = server.protocol.lsp_initialize(types.InitializeParams(
        capabilities=capabilities, root_uri=root.as_uri(), process_id=None,
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="root")]))
    step = next(steps)
    while True:
        handler, args, _ = step
        try:
            step = steps.send(handler(*args))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


def test_every_route_is_a_module_level_handler() -> None:
    methods = [r.method for r in FEATURES]
    commands = [r.method for r in COMMANDS]
    assert len(set(methods)) == len(methods) and len(set(commands)) == len(commands)
    assert all(m in types.METHOD_TO_TYPES for m in methods), set(methods) - set(types.METHOD_TO_TYPES)
    for route in (*FEATURES, *COMMANDS):
        handler = route.handler
        assert inspect.isfunction(handler) and handler.__qualname__ == handler.__name__, route
        assert handler.__module__.startswith("witx_lsp.server.handlers_"), route
        assert next(iter(inspect.signature(handler).parameters)) == "ls", route  # pygls passes the server as `ls`


def test_the_server_registers_exactly_the_table() -> None:
    fm = create_server().protocol.fm
    assert set(fm.features) == {r.method for r in FEATURES}
    assert list(fm.commands) == [r.method for r in COMMANDS]
    assert {m: o for m, o in fm.feature_options.items() if o is not None} == \
        {r.method: r.options for r in FEATURES if r.options is not None}


def test_pull_diagnostics_are_offered_only_to_a_client_that_can_be_asked_to_pull(tmp_path: Path) -> None:
    pull = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(diagnostic=types.DiagnosticClientCapabilities()),
        workspace=types.WorkspaceClientCapabilities(
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)))
    server = create_server()
    caps = _initialize(server, pull, tmp_path).capabilities
    assert server.pull_diagnostics
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.identifier == "witx-lsp" and caps.diagnostic_provider.workspace_diagnostics
    # Neovim 0.11: declares pull, but cannot be asked to pull again.
    declares_only = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(diagnostic=types.DiagnosticClientCapabilities()))
    server = create_server()
    caps = _initialize(server, declares_only, tmp_path).capabilities
    assert not server.pull_diagnostics and caps.diagnostic_provider is None
    assert types.TEXT_DOCUMENT_DIAGNOSTIC not in server.protocol.fm.features
    assert types.WORKSPACE_DIAGNOSTIC not in server.protocol.fm.features
    assert caps.hover_provider and caps.completion_provider is not None


def test_a_handler_is_called_on_its_own(tmp_path: Path) -> None:
    async def run() -> None:
        server = create_server()
        _initialize(server, types.ClientCapabilities(), tmp_path)
        uri = (tmp_path / "a.witx").as_uri()
        item = types.TextDocumentItem(uri=uri, language_id="witx", version=1, text=TEXT)
        server.workspace.put_text_document(item)
        handlers_sync.did_open(server, types.DidOpenTextDocumentParams(text_document=item))
        doc = types.TextDocumentIdentifier(uri=uri)
        at_use = types.Position(line=1, character=TEXT.splitlines()[1].index("$size") + 2)
        found = handlers_navigation.definition(server, types.DefinitionParams(text_document=doc, position=at_use))
        start = TEXT.index("$size")
        assert found == [types.Location(uri=uri, range=types.Range(
            start=types.Position(line=0, character=start), end=types.Position(line=0, character=start + 5)))]
        hover = handlers_info.on_hover(server, types.HoverParams(text_document=doc, position=at_use))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "u32" in hover.contents.value
        unknown = types.TextDocumentIdentifier(uri=(tmp_path / "nowhere.witx").as_uri())
        assert handlers_navigation.definition(server, types.DefinitionParams(text_document=unknown,
                                                                             position=at_use)) is None
        for task in server.pending.values():
            task.cancel()

    asyncio.run(run())

"""The registration table (server/registry.py): every handler is a module-level
function of a handlers module, the server registers exactly the table, the
capabilities still depend on the client (pull diagnostics only for a client that can
be asked to pull again, channel.py), a handler can be called on its own, in
process, without a client, and what pygls registers for a handler imports it only
when called (or in idle time)."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Generator
from pathlib import Path
from typing import Any

from lsprotocol import types

from witx_lsp.server import handlers_info, handlers_navigation, handlers_sync
from witx_lsp.server.app import WitxServer, create_server
from witx_lsp.server.registry import COMMANDS, FEATURES, PUBLISH_LISTENERS, SETTINGS_LISTENERS, resolve

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = "witx_lsp.server.handlers_"
ALL_HANDLERS = (*(r.handler for r in (*FEATURES, *COMMANDS)), *SETTINGS_LISTENERS, *PUBLISH_LISTENERS)

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
        handler = resolve(route.handler)
        assert inspect.isfunction(handler) and handler.__qualname__ == handler.__name__, route
        assert handler.__module__.startswith("witx_lsp.server.handlers_"), route
        assert next(iter(inspect.signature(handler).parameters)) == "ls", route  # pygls passes the server as `ls`
        # What pygls registers in its place is of the same kind (it awaits a coroutine function)...
        assert inspect.iscoroutinefunction(handler) == route.is_async, route
        assert not inspect.isgeneratorfunction(handler), route
        if route in COMMANDS:  # ...and takes a command's arguments as the handler does (pygls reads them)
            kinds = [p.kind for p in inspect.signature(handler).parameters.values()]
            assert kinds == [inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL], route
    for name in (*SETTINGS_LISTENERS, *PUBLISH_LISTENERS):
        assert inspect.isfunction(resolve(name)) and not inspect.iscoroutinefunction(resolve(name)), name


def test_a_stand_in_imports_its_handler_on_its_first_call_and_passes_everything_through() -> None:
    script = textwrap.dedent("""
        import asyncio, json, sys
        from witx_lsp.server.app import create_server
        from witx_lsp.server import registry
        server = create_server()
        loaded = lambda: sorted(m for m in sys.modules if m.startswith("witx_lsp.server.handlers_"))
        before = loaded()
        show = server.protocol.fm.commands[registry.names.SHOW_SYNTAX_TREE]
        try:
            show("file:///nowhere.witx", "extra")
        except Exception as error:
            refused = type(error).__name__
        symbols = server.protocol.fm.features["workspace/symbol"]
        after_command = loaded()
        registry.preload()
        print(json.dumps({"before": before, "after_command": after_command, "after_preload": loaded(),
                          "refused": refused, "async": asyncio.iscoroutinefunction(symbols),
                          "name": show.func.__name__, "module": show.func.__module__}))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "WITX_LSP_CODE_CACHE": "off"})
    assert r.returncode == 0, r.stderr
    state = json.loads(r.stdout)
    # None of the handler modules is imported to register them; a call imports its own module.
    assert state["before"] == [] and state["after_command"] == [HANDLERS + "info"], state
    assert state["after_preload"] == sorted({resolve(h).__module__ for h in ALL_HANDLERS}), state
    # The handler ran, with both arguments (it takes one: InvalidParams).
    assert state["refused"] == "JsonRpcInvalidParams", state
    assert state["async"] and (state["name"], state["module"]) == ("show_syntax_tree", HANDLERS + "info"), state


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

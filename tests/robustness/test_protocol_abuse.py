"""The server against a hostile or buggy client (issue 13, fault 7 and the abuse suite):
malformed envelopes, the lifecycle out of order, every request method of the server
with wrongly typed and out-of-range params, every command with hostile arguments.

Each request must be answered, with a result or with the error code the JSON-RPC 2.0
and LSP 3.17 specifications give for it, never InternalError (-32603); the server
must stay up, log no traceback, and still answer a hover correctly afterwards."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.wire import WireClient

TEXT = "(typename $size u32)\n(typename $len $size)\n"
# Error codes a refusal may carry: InvalidRequest, InvalidParams, RequestFailed, RequestCancelled.
REFUSALS = {-32600, -32602, -32803, -32800}


def advertised() -> tuple[list[str], list[str]]:
    """The request methods and the commands the server registers (in-process, no I/O)."""
    from lsprotocol import types

    from witx_lsp.server.app import create_server

    server = create_server()
    requests = sorted(m for m in server.protocol.fm.features
                      if (m != types.INITIALIZE and types.METHOD_TO_TYPES.get(m, (None, None))[1] is not None)
                      or m in (types.TEXT_DOCUMENT_DIAGNOSTIC, types.WORKSPACE_DIAGNOSTIC))
    return requests, sorted(server.protocol.fm.commands)


REQUESTS, COMMANDS = advertised()


def check_answer(answer: dict[str, Any], what: str) -> None:
    if "error" in answer:
        assert answer["error"]["code"] in REFUSALS, (what, answer["error"])
        assert len(answer["error"]["message"]) < 1000, what  # never an echo of a huge argument
    else:
        assert "result" in answer, (what, answer)


def hover_is_right(client: WireClient, root: Path) -> None:
    uri = (root / "alive.witx").as_uri()
    client.open(uri, TEXT)
    answer = client.hover(uri, 1, 17)
    assert "u32" in answer["result"]["contents"]["value"], answer


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("abuse")
    (root / "disk.witx").write_text(TEXT)
    return root


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[WireClient]:
    with WireClient() as client:
        assert "result" in client.initialize(root)
        yield client
        assert client.alive()
        hover_is_right(client, root)
        assert client.close() == 0
        assert client.tracebacks() == [], "".join(client.stderr_lines[-60:])


# --- envelopes ------------------------------------------------------------------------------

ENVELOPES: list[tuple[Any, int | None]] = [  # (message, the error code of its answer; None: no answer)
    ([], -32600),
    ([{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}], -32600),  # batches are not LSP
    (42, -32600),
    ("text", -32600),
    (None, -32600),
    ({}, -32600),
    ({"jsonrpc": "1.0", "id": "e1", "method": "textDocument/hover", "params": {}}, -32600),
    ({"id": "e2", "method": "textDocument/hover", "params": {}}, -32600),
    ({"jsonrpc": 2.0, "id": "e3", "method": "textDocument/hover"}, -32600),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "textDocument/hover"}, -32600),
    ({"jsonrpc": "2.0", "id": True, "method": "textDocument/hover"}, -32600),
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover"}, -32600),
    ({"jsonrpc": "2.0", "id": [1], "method": "textDocument/hover"}, -32600),
    ({"jsonrpc": "2.0", "id": "e4", "method": 42}, -32600),
    ({"jsonrpc": "2.0", "id": "e5", "method": None}, -32600),
    ({"jsonrpc": "2.0", "id": "e6", "method": "textDocument/hover", "params": 42}, -32600),
    ({"jsonrpc": "2.0", "id": "e7", "method": "textDocument/hover", "params": "x"}, -32600),
    ({"jsonrpc": "2.0", "id": "e8"}, -32600),  # neither request nor response
    ({"jsonrpc": "2.0", "id": "e9", "method": "no/such/method"}, -32601),  # no params at all
    ({"jsonrpc": "2.0", "id": "e10", "method": "no/such/method", "params": [1]}, -32601),
    ({"jsonrpc": "2.0", "id": "e11", "method": "textDocument/hover", "params": [1, 2]}, -32602),
    ({"jsonrpc": "2.0", "id": "e12", "method": "textDocument/hover"}, -32602),
    ({"jsonrpc": "2.0", "id": 9_999_999_999_999_999_999, "method": "textDocument/hover", "params": {}}, -32602),
    ({"jsonrpc": "2.0", "method": "no/such/notification"}, None),
    ({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 42}}, None),
    ({"jsonrpc": "2.0", "id": "unknown-response", "result": 1}, None),  # a response nobody asked for
    ({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": "nothing"}}, None),
]


def test_envelopes(server: WireClient, root: Path) -> None:
    for n, (message, code) in enumerate(ENVELOPES):
        server.null_id_answers.clear()
        server.answers.clear()
        server.send(message)
        probe = server.new_id()  # in order: once the probe is answered, so is the message
        server.send({"jsonrpc": "2.0", "id": probe, "method": "workspace/symbol", "params": {"query": "zz"}})
        assert "result" in server.wait_for(probe), n
        got = [a for a in server.answers.values() if "error" in a and a.get("id") is not None]
        got += server.null_id_answers
        if code is None:
            assert got == [], (n, message, got)
        else:
            assert [a["error"]["code"] for a in got] == [code], (n, message, got)
            msg_id = message.get("id") if isinstance(message, dict) else None
            valid = isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool)
            assert got[0]["id"] == (msg_id if valid else None), (n, got)


# --- lifecycle ------------------------------------------------------------------------------

def test_lifecycle_order(tmp_path: Path) -> None:
    with WireClient() as client:
        early = client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.witx"},
                                                      "position": {"line": 0, "character": 0}})
        assert early["error"]["code"] == -32002  # ServerNotInitialized
        client.open((tmp_path / "early.witx").as_uri(), "(typename $a $b)\n")  # dropped
        assert client.request("shutdown")["error"]["code"] == -32002
        assert "result" in client.initialize(tmp_path)
        again = client.request("initialize", {"processId": None, "capabilities": {}, "rootUri": None})
        assert again["error"]["code"] == -32600
        symbols = client.request("workspace/symbol", {"query": "a"})
        assert symbols["result"] == []  # the document opened too early was dropped
        assert client.request("shutdown") == {"jsonrpc": "2.0", "id": client._next_id, "result": None}
        late = client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.witx"},
                                                     "position": {"line": 0, "character": 0}})
        assert late["error"]["code"] == -32600  # InvalidRequest after shutdown
        assert client.request("shutdown")["error"]["code"] == -32600
        client.notify("exit")
        assert client.proc.wait(timeout=30) == 0
        assert client.tracebacks() == []


@pytest.mark.parametrize("pull", [True, False], ids=["pull", "push"])
def test_nothing_is_sent_after_shutdown_is_answered(tmp_path: Path, pull: bool) -> None:
    """Publications still pending at `shutdown` (an edit within its debounce) are dropped: after
    its answer the server sends nothing, neither diagnostics nor refresh requests."""
    caps = None if pull else {"textDocument": {"diagnostic": None}, "workspace": {"diagnostics": None}}
    with WireClient() as client:
        client.initialize(tmp_path, options={"diagnostics": {"debounceMs": 150}}, capabilities=caps)
        uri = (tmp_path / "a.witx").as_uri()
        client.open(uri, TEXT)
        client.drain(1.0)  # the workspace is indexed and the first publication is out
        for version in range(2, 5):
            client.change(uri, version, [{"text": TEXT + f"(typename $v{version} u8)\n"}])
        shutdown_id = client.new_id()
        client.send({"jsonrpc": "2.0", "id": shutdown_id, "method": "shutdown"})
        client.wait_for(shutdown_id)
        answered = next(i for i, m in enumerate(client.received) if m.get("id") == shutdown_id and "method" not in m)
        client.drain(0.6)  # four debounce periods
        assert client.received[answered + 1:] == []
        client.notify("exit")
        assert client.proc.wait(timeout=30) == 0


def test_exit_without_shutdown_is_code_1(tmp_path: Path) -> None:
    with WireClient() as client:
        client.initialize(tmp_path)
        client.notify("exit")
        assert client.proc.wait(timeout=30) == 1
    with WireClient() as client:  # before initialize as well
        client.notify("exit")
        assert client.proc.wait(timeout=30) == 1


# --- every request method, wrongly typed and out of range ----------------------------------

BIG = [-1, -(2**31), 2**31, 2**53, 10**30]


def params_variants(uri: str) -> Iterator[tuple[str, Any]]:
    def full(line: Any = 1, character: Any = 17, uri: Any = uri, rng: Any = None) -> dict[str, Any]:
        position = {"line": line, "character": character}
        return {"textDocument": {"uri": uri}, "position": position, "positions": [position],
                "range": rng or {"start": position, "end": position}, "newName": "renamed",
                "context": {"includeDeclaration": True, "diagnostics": [], "triggerKind": 1},
                "options": {"tabSize": 2, "insertSpaces": True}, "query": "", "previousResultIds": [],
                "previousResultId": "0", "label": "x"}

    yield "well-formed", full()
    for a, b in itertools.product(BIG, [0, *BIG[:2], 10**30]):
        yield f"position {a},{b}", full(a, b)
    yield "inverted range", full(rng={"start": {"line": 1, "character": 20}, "end": {"line": 0, "character": 0}})
    yield "huge range", full(rng={"start": {"line": 0, "character": 0}, "end": {"line": 10**30, "character": 10**30}})
    for bad in ("1", 1.5, True, None, [], {}):
        yield f"line {bad!r}", full(bad, 0)
        yield f"character {bad!r}", full(0, bad)
    for bad_uri in ("", "not a uri", "file:///etc/shadow", "file:///etc", "untitled:x", "file:///%00",
                    "file:///\udcff.witx", "file://" + "/x" * 10_000, 42, None):
        yield f"uri {str(bad_uri)[:20]!r}", full(uri=bad_uri)
    yield "textDocument 42", {**full(), "textDocument": 42}
    yield "textDocument list", {**full(), "textDocument": [uri]}
    yield "empty", {}
    yield "array", [1, 2, 3]


def test_every_request_method(server: WireClient, root: Path) -> None:
    uri = (root / "open.witx").as_uri()
    server.open(uri, TEXT)
    for method in REQUESTS:
        for what, params in params_variants(uri):
            answer = server.request(method, params, timeout=60)
            check_answer(answer, f"{method} {what}")
    assert server.alive()


# --- every command, hostile arguments -------------------------------------------------------

def hostile_arguments(uri: str, root: Path) -> Iterator[Any]:
    deep = "[" * 100_000 + "]" * 100_000
    yield from ([], [None], [42], [uri, None, None, None, None], [[uri]], [{"uri": 42}], [{}])
    yield from ([uri], [uri, "size"], [uri, "$size"], [uri, "nope"], [uri, "size", "00ff"])
    yield from ([uri, {"line": 10**30, "character": 0}], [uri, {"line": -1, "character": -1}],
                [uri, {"line": 1e30, "character": 0}], [uri, {"line": "1", "character": 0}],
                [{"uri": uri, "position": {"line": 10**30, "character": 10**30}}])
    yield from (["file:///etc/shadow"], ["file:///etc/passwd"], [(root / ".." / "outside.witx").as_uri()],
                ["file:///proc/self/environ"], ["file:///dev/zero"], ["untitled:never-opened"])
    yield from ([uri, "size", deep], [uri, "size", [[[[[[[[]]]]]]]]], [uri, "size", 10**400 if False else 2**200],
                [uri, "size", "zz"], [uri, "size", "0" * 1001], [uri, "\udcff", "\udcff"])
    yield [uri, "x" * 2_000_000]
    yield [{"uri": uri, "type": "size", "value": {"a": [1] * 10_000}}]


def test_every_command(server: WireClient, root: Path) -> None:
    uri = (root / "commands.witx").as_uri()
    server.open(uri, TEXT)
    (root.parent / "outside.witx").write_text("(typename $secret u8)\n")
    for command in COMMANDS:
        for args in hostile_arguments(uri, root):
            answer = server.request("workspace/executeCommand", {"command": command, "arguments": args}, timeout=60)
            check_answer(answer, f"{command} {str(args)[:80]}")
            assert "secret" not in str(answer.get("result")), (command, args)
    for what in ("x" * 2_000_000, "", 42):
        answer = server.request("workspace/executeCommand", {"command": what, "arguments": []})
        check_answer(answer, "unknown command")


def test_layout_at_a_far_line_is_clamped(server: WireClient, root: Path) -> None:
    uri = (root / "far.witx").as_uri()
    server.open(uri, TEXT)
    answer = server.request("workspace/executeCommand", {"command": "witx.showLayout",
                                                         "arguments": [uri, {"line": 10**30, "character": 0}]})
    assert "error" not in answer, answer


def test_deep_json_value_is_an_error_result(server: WireClient, root: Path) -> None:
    uri = (root / "deep.witx").as_uri()
    server.open(uri, TEXT)
    deep = "[" * 100_000 + "]" * 100_000
    answer = server.request("workspace/executeCommand", {"command": "witx.encodeValue",
                                                         "arguments": [uri, "size", deep]})
    assert isinstance(answer["result"]["error"], str), answer


def test_huge_argument_is_not_echoed(server: WireClient) -> None:
    huge = "y" * 20_000_000
    answer = server.request("workspace/executeCommand", {"command": huge, "arguments": []}, timeout=120)
    assert answer["error"]["code"] == -32602 and len(answer["error"]["message"]) < 1000


def test_lone_surrogates_in_diagnostics(server: WireClient, root: Path) -> None:
    uri = (root / "surrogate.witx").as_uri()
    server.open(uri, "(typename $x \udcff)\n")  # JSON "\\udcff": a lone surrogate in the text and the messages
    answer = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in answer["result"]["items"]], answer


def test_expected_refusals_are_not_tracebacks(server: WireClient, root: Path) -> None:
    uri = (root / "refuse.witx").as_uri()
    server.open(uri, TEXT)
    for _ in range(20):
        answer = server.request("textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                               "position": {"line": 0, "character": 17}})
        assert answer["error"]["code"] == -32803, answer  # `u32` is a builtin
    server.drain(0.2)
    assert server.tracebacks() == []


def test_ill_typed_notifications(server: WireClient, root: Path) -> None:
    uri = (root / "notes.witx").as_uri()
    for params in ({}, [], {"textDocument": {"uri": uri}}, {"textDocument": {"uri": uri, "version": "x"},
                                                             "contentChanges": [{"text": 5}]},
                   {"changes": [{"uri": 42, "type": 9}]}, {"settings": [1, 2]}):
        for method in ("textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
                       "textDocument/didSave", "workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration",
                       "initialized", "$/setTrace", "$/cancelRequest"):
            server.notify(method, params)
    assert "result" in server.request("workspace/symbol", {"query": ""})

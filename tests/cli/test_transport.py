"""The transport flags LSP clients append to the server command (issue 11, fault 7):
vscode-languageclient's TransportKind.stdio appends `--stdio` to `witx.server.path`, so
`witx-lsp --stdio` must start the server; transports it does not offer fail clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli.util import ROOT

PYTHON_M = [sys.executable, "-m", "witx_lsp"]


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(data: bytes) -> list[dict[str, object]]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def _session(argv: list[str]) -> tuple[int, list[dict[str, object]], str]:
    """initialize, initialized, shutdown, exit over the process's stdio."""
    stdin = b"".join(_frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ))
    r = subprocess.run(argv, input=stdin, capture_output=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return r.returncode, _messages(r.stdout), r.stderr.decode(errors="replace")


@pytest.mark.parametrize("args", [
    ["--stdio"],                                   # what vscode-languageclient runs for ["witx-lsp"]
    ["--log-level", "INFO", "--stdio"],             # the user's arguments, then the client's flag
    ["--stdio", "--clientProcessId=4242"],
    ["serve", "--stdio", "--stdio"],                # a command that already says --stdio
])
def test_a_clients_stdio_flag_starts_the_server(args: list[str]) -> None:
    code, messages, err = _session(PYTHON_M + args)
    init = next(m for m in messages if m.get("id") == 1)
    result = init["result"]
    assert isinstance(result, dict) and result["serverInfo"]["name"] == "witx-lsp", err
    assert "textDocumentSync" in result["capabilities"]
    assert any(m.get("id") == 2 and "result" in m for m in messages), err
    assert code == 0, err


@pytest.mark.parametrize(("args", "flag"), [
    (["--node-ipc"], "--node-ipc"),
    (["--socket=6009"], "--socket"),
    (["--pipe=/tmp/witx-lsp-test.sock"], "--pipe"),
    (["serve", "--node-ipc"], "--node-ipc"),
])
def test_other_transports_fail_with_a_clear_message(args: list[str], flag: str) -> None:
    r = subprocess.run(PYTHON_M + args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 2
    assert f"{flag} is not supported" in r.stderr and "--stdio" in r.stderr, r.stderr
    assert "usage:" not in r.stderr and r.stdout == ""

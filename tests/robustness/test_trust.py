"""Trust boundaries (issue 13, fault 8): `serve --tcp` admits one client that knows the
token, a disconnect is no traceback, the code cache (marshal data: code) is private
and refused when another user can write it, and requests read from disk only files
under the workspace folders."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.wire import ROOT, WireClient
from witx_lsp.server.codecache import CodeCache

TOKEN = "s3cret-token-for-tests"


def message(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read(sock: socket.socket) -> dict[str, Any] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:  # closed with our bytes unread: a reset
            return None
        if not chunk:
            return None
        data += chunk
    header, rest = data.split(b"\r\n\r\n", 1)
    length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    while len(rest) < length:
        rest += sock.recv(4096)
    result: dict[str, Any] = json.loads(rest[:length])
    return result


def initialize(token: str | None) -> bytes:
    options: dict[str, Any] = {} if token is None else {"token": token}
    return message({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {},
                               "initializationOptions": options}})


@pytest.fixture
def tcp_server() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    proc = subprocess.Popen([sys.executable, "-m", "witx_lsp", "serve", "--tcp", "0"], cwd=ROOT,
                            env={**os.environ, "WITX_LSP_TOKEN": TOKEN, "WITX_LSP_CODE_CACHE": "off"},
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()  # "witx-lsp: listening on 127.0.0.1:PORT"
        assert "listening on 127.0.0.1:" in line, line
        assert TOKEN not in line  # a configured token is never printed
        yield proc, int(line.rsplit(":", 1)[1].split()[0].rstrip(";"))
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=20)


def test_only_a_client_with_the_token_is_served(tcp_server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = tcp_server
    for wrong in (None, "guess", TOKEN + "x", ""):
        with connect(port) as sock:
            sock.sendall(initialize(wrong))
            reply = read(sock)
            assert reply is not None and reply["error"]["code"] == -32600, reply
            assert read(sock) is None  # and the connection is closed
    with connect(port) as sneaky:  # no initialize: any request is refused
        sneaky.sendall(message({"jsonrpc": "2.0", "id": 7, "method": "workspace/executeCommand", "params": {
            "command": "witx.showSyntaxTree", "arguments": ["file:///etc/passwd"]}}))
        reply = read(sneaky)
        assert reply is not None and reply["error"]["code"] == -32002
    with connect(port) as sock:
        sock.sendall(initialize(TOKEN))
        reply = read(sock)
        assert reply is not None and reply["result"]["capabilities"]["hoverProvider"] is True
        with connect(port) as second:  # a second client while the first is served: closed at once
            second.sendall(initialize(TOKEN))
            assert read(second) is None
        sock.sendall(message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        assert read(sock) == {"jsonrpc": "2.0", "id": 2, "result": None}
        sock.sendall(message({"jsonrpc": "2.0", "method": "exit"}))
    assert proc.wait(timeout=30) == 0
    assert proc.stderr is not None
    assert b"Traceback" not in proc.stderr.read()


def test_a_disconnect_is_no_traceback(tcp_server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = tcp_server
    sock = connect(port)
    sock.sendall(initialize(TOKEN))
    assert read(sock) is not None
    sock.sendall(message({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///x.witx"}, "position": {"line": 0, "character": 0}}}))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # a reset, not an orderly close
    proc.wait(timeout=30)
    assert proc.stderr is not None
    assert b"Traceback" not in proc.stderr.read()


def test_a_generated_token_is_printed_and_a_token_file_is_private(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    env = {k: v for k, v in os.environ.items() if k != "WITX_LSP_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "witx_lsp", "serve", "--tcp", "0", "--token-file",
                             str(token_file)], cwd=ROOT, env={**env, "WITX_LSP_CODE_CACHE": "off"},
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        proc.stderr.readline()
        assert token_file.stat().st_mode & 0o777 == 0o600
        assert len(token_file.read_text().strip()) >= 32
    finally:
        proc.kill()
        proc.wait()
    token_file.chmod(0o644)  # readable by others: refused
    refused = subprocess.run([sys.executable, "-m", "witx_lsp", "serve", "--tcp", "0", "--token-file",
                              str(token_file)], cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert refused.returncode == 2 and b"0600" in refused.stderr
    proc = subprocess.Popen([sys.executable, "-m", "witx_lsp", "serve", "--tcp", "0"], cwd=ROOT,
                            env={**env, "WITX_LSP_CODE_CACHE": "off"}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert "initializationOptions.token = " in line and len(line.split(" = ")[1].strip()) >= 32
    finally:
        proc.kill()
        proc.wait()


# --- the code cache -------------------------------------------------------------------------

def test_the_code_cache_is_private(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "new" / "c.bin", min_new_entries=1)
    cache.compile("x = 1\n", "<t>", "exec")
    assert cache.save()
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new" / "c.bin").stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("what", ["file", "directory"])
def test_a_code_cache_others_can_write_is_refused(tmp_path: Path, what: str) -> None:
    path = tmp_path / "d" / "c.bin"
    cache = CodeCache(path, min_new_entries=1)
    cache.compile("x = 1\n", "<t>", "exec")
    assert cache.save()
    (path if what == "file" else path.parent).chmod(0o666 if what == "file" else 0o777)
    loaded = CodeCache(path)
    loaded.load()
    assert loaded.entries == {}
    (path if what == "file" else path.parent).chmod(0o600 if what == "file" else 0o700)
    loaded.load()
    assert len(loaded.entries) == 1


# --- files outside the workspace ------------------------------------------------------------

def test_requests_read_only_open_or_workspace_files(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (outside / "secret.witx").write_text("(typename $secret u8)\n")
    (workspace / "inside.witx").write_text("(typename $inside u8)\n")
    (workspace / "link.witx").symlink_to(outside / "secret.witx")
    with WireClient() as client:
        client.initialize(workspace)
        for uri in ((outside / "secret.witx").as_uri(), (workspace / "link.witx").as_uri(), "file:///etc/passwd"):
            tree = client.request("workspace/executeCommand", {"command": "witx.showSyntaxTree", "arguments": [uri]})
            assert tree.get("result") is None, tree
            symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
            assert symbols["result"] is None, symbols
        inside = (workspace / "inside.witx").as_uri()
        tree = client.request("workspace/executeCommand", {"command": "witx.showSyntaxTree", "arguments": [inside]})
        assert "inside" in tree["result"]
        opened = (outside / "secret.witx").as_uri()
        client.open(opened, "(typename $opened u8)\n")  # what the client opened, it may ask about
        tree = client.request("workspace/executeCommand", {"command": "witx.showSyntaxTree", "arguments": [opened]})
        assert "opened" in tree["result"]
        assert client.close() == 0

"""Where the server's bytes come from and go to: stdio (what editors start), or one
authenticated client on a loopback TCP port.

Both read through `framing.FrameReader` and dispatch through
`protocol.run_connection` instead of pygls' `start_io`/`start_tcp` (which read frames
unboundedly, share one protocol between any number of TCP clients, log a traceback
when a client disconnects, and turn `exit` into exit code 0 whatever came before).

TCP trust: the port is bound to 127.0.0.1 only, one client is served, and that client
must present a token in its `initialize` request, as `initializationOptions.token`
(every LSP client can send initialization options: VS Code's
`LanguageClientOptions.initializationOptions`, Neovim's `init_options`). The token is
$WITX_LSP_TOKEN, else the contents of `--token-file` (created with a fresh random
token, mode 0600, when missing), else a fresh random token printed on stderr. A wrong
token closes that connection; a connection that does not initialize within
`AUTH_TIMEOUT_S` is closed; the server keeps listening until one client is admitted,
and exits when that client's connection ends.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from witx_lsp.server.protocol import WitxProtocol, run_connection

log = logging.getLogger("witx_lsp.server.transport")

CHUNK = 64 * 1024
TOKEN_ENV = "WITX_LSP_TOKEN"
AUTH_TIMEOUT_S = 10.0


class _Writer:
    """A blocking byte sink (stdout) with the pygls writer interface."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.out.flush()

    def close(self) -> None:
        self.out.close()


def serve_stdio(protocol: WitxProtocol, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve one client on stdin/stdout; the exit code LSP asks for."""
    protocol.set_writer(_Writer(stdout or sys.stdout.buffer))
    fd = (stdin or sys.stdin.buffer).fileno()
    try:
        asyncio.run(_stdio(protocol, fd))
    except KeyboardInterrupt:
        return 130
    return protocol.exit_code if protocol.exit_code is not None else 0


async def _stdio(protocol: WitxProtocol, fd: int) -> None:
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=16)  # bounded: a fast client waits

    def pump() -> None:  # a daemon thread: a blocked read never delays the exit
        while True:
            try:
                data = os.read(fd, CHUNK)
            except OSError:
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
            except (RuntimeError, asyncio.CancelledError):  # the loop is gone
                return
            if not data:
                return

    threading.Thread(target=pump, name="witx-lsp-stdin", daemon=True).start()
    await run_connection(protocol, chunks.get)


# --- TCP ---------------------------------------------------------------------------------------


def resolve_token(token_file: str | None) -> tuple[str, bool]:
    """The token clients must present, and whether it is new (to be shown to the user)."""
    configured = os.environ.get(TOKEN_ENV, "").strip()
    if configured:
        return configured, False
    if token_file is not None:
        path = Path(token_file)
        try:
            st = path.lstat()
        except FileNotFoundError:
            token = secrets.token_urlsafe(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(token + "\n")
            return token, False
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077:
            raise ValueError(f"{path}: the token file must be a regular file readable by its owner only (mode 0600)")
        token = path.read_text(encoding="utf-8").strip()
        if not token:
            raise ValueError(f"{path}: the token file is empty")
        return token, False
    return secrets.token_urlsafe(32), True


def token_check(token: str) -> Callable[[dict[str, Any]], str | None]:
    """The `initialize` check: None admits; the token is removed from the options (it is
    no setting)."""
    expected = token.encode("utf-8")

    def admit(params: dict[str, Any]) -> str | None:
        options = params.get("initializationOptions")
        given = options.pop("token", None) if isinstance(options, dict) else None
        if isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected):
            return None
        return "authentication failed: send the server's token as initializationOptions.token"

    return admit


def serve_tcp(protocol: WitxProtocol, port: int, token: str, show_token: bool, host: str = "127.0.0.1") -> int:
    protocol.admit = token_check(token)
    try:
        asyncio.run(_tcp(protocol, host, port, token if show_token else None))
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"witx-lsp: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return protocol.exit_code if protocol.exit_code is not None else 0


async def _tcp(protocol: WitxProtocol, host: str, port: int, shown_token: str | None) -> None:
    admitted = asyncio.Event()
    busy = False

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal busy
        if busy or admitted.is_set():
            writer.close()
            return
        busy = True
        protocol.set_writer(writer)
        protocol.exit_code, protocol.connection_lost = None, False
        watchdog = asyncio.get_running_loop().call_later(
            AUTH_TIMEOUT_S, lambda: None if protocol.initialize_seen else writer.close())
        try:
            await run_connection(protocol, lambda: reader.read(CHUNK))
        finally:
            watchdog.cancel()
            busy = False
            if protocol.initialize_seen:
                admitted.set()
            else:
                protocol.exit_code = None
            writer.close()

    server = await asyncio.start_server(on_client, host, port)
    bound = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
    if shown_token is not None:
        print(f"witx-lsp: listening on {bound}; send initializationOptions.token = {shown_token}",
              file=sys.stderr, flush=True)
    else:
        print(f"witx-lsp: listening on {bound}", file=sys.stderr, flush=True)
    async with server:
        await admitted.wait()

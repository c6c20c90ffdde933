"""Starting the server: `witx-lsp` with no arguments, or `witx-lsp serve`."""

from __future__ import annotations

import atexit
import gc
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from witx_lsp.server.app import WitxServer
    from witx_lsp.server.codecache import CodeCache


def prepare(log_level: str = "WARNING", code_cache: CodeCache | Literal["install"] | None = "install") -> WitxServer:
    """The server, ready to start: imports (through the code cache), logging, handlers.
    `code_cache`: the cache `install_code_cache` returned, when the caller installed it
    itself (None: none); "install" installs it here."""
    gc.disable()  # until the imports are frozen (see `install_code_cache`)
    if code_cache == "install":
        code_cache = install_code_cache()
    from witx_lsp.server.app import configure_logging, create_server

    configure_logging(log_level)
    server = create_server()
    if code_cache is not None:
        # Saved once the first diagnostics are out, and at exit for the hooks made later.
        server.idle_tasks.append(code_cache.save)
        server.shutdown_tasks.append(code_cache.save)
        atexit.register(code_cache.save)
    # Everything imported so far lives as long as the process: keep the collector off it,
    # and collect less often (an analysis allocates many short-lived, acyclic objects).
    # The import garbage is collected in idle time, not before the first diagnostics.
    gc.freeze()
    server.host.frozen_heap = True  # (asking gc for it walks the whole frozen heap)
    gc.set_threshold(50_000, 20, 20)
    gc.enable()
    server.idle_tasks.append(server.host.collect_cycles)  # the start-up garbage
    return server


def install_code_cache() -> CodeCache | None:
    """Serve generated code from the code cache. Call before anything imports lsprotocol,
    pygls or the model: classes defined earlier compile their methods without it.
    The collector stays off until `prepare` has frozen the imports' heap: the imports
    make hundreds of thousands of long-lived objects (lsprotocol's classes, their
    typing annotations), and with the default thresholds the collector walks them
    again and again, a full collection among them (~60 ms of a ~330 ms start)."""
    gc.disable()
    from witx_lsp.server import codecache

    return codecache.install()


def serve(tcp_port: int | None = None, host: str = "127.0.0.1", log_level: str = "WARNING",
          token_file: str | None = None) -> int:
    """Run until the client disconnects or sends `exit` (stdio unless a TCP port is
    given; see witx_lsp.server.transport). Returns the exit code LSP asks for."""
    code_cache = install_code_cache()  # the transport imports lsprotocol
    from witx_lsp.server import transport

    token: tuple[str, bool] | None = None
    if tcp_port is not None:
        try:
            token = transport.resolve_token(token_file)
        except (OSError, ValueError) as error:
            import sys

            print(f"witx-lsp: {error}", file=sys.stderr)
            return 2
    server = prepare(log_level, code_cache)
    protocol = server.witx_protocol
    if token is not None and tcp_port is not None:
        return transport.serve_tcp(protocol, tcp_port, token[0], token[1], host)
    return transport.serve_stdio(protocol)

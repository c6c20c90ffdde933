"""Starting the server: `witx-lsp` with no arguments, or `witx-lsp serve`."""

from __future__ import annotations

import gc


def serve(tcp_port: int | None = None, host: str = "127.0.0.1", log_level: str = "WARNING") -> int:
    """Run until the client disconnects (stdio unless a TCP port is given)."""
    from witx_lsp.server.app import configure_logging, create_server

    configure_logging(log_level)
    server = create_server()
    # Everything imported so far lives as long as the process: keep the collector off
    # it, and collect less often (an analysis allocates many short-lived, acyclic objects).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    if tcp_port is not None:
        server.start_tcp(host, tcp_port)
    else:
        server.start_io()
    return 0

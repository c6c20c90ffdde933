"""Starting the server: `witx-lsp` with no arguments, or `witx-lsp serve`."""

from __future__ import annotations


def serve(tcp_port: int | None = None, host: str = "127.0.0.1", log_level: str = "WARNING") -> int:
    """Run until the client disconnects (stdio unless a TCP port is given)."""
    from witx_lsp.server.app import configure_logging, create_server

    configure_logging(log_level)
    server = create_server()
    if tcp_port is not None:
        server.start_tcp(host, tcp_port)
    else:
        server.start_io()
    return 0

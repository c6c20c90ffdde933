"""`witx-lsp serve [--stdio | --tcp PORT]`: the language server (also what
`witx-lsp` with no arguments runs)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from witx_lsp.server.main import serve

    return serve(tcp_port=getattr(args, "tcp", None), log_level=getattr(args, "log_level", "WARNING"),
                 token_file=getattr(args, "token_file", None))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("serve", help="run the language server (stdio by default)",
                              description="Run the witx language server.")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    g.add_argument("--tcp", type=int, metavar="PORT",
                   help="listen on 127.0.0.1:PORT instead (0: any free port); one client, which must send "
                        "the token as initializationOptions.token")
    p.add_argument("--token-file", metavar="FILE",
                   help="with --tcp: the token, read from FILE (mode 0600), or written there when FILE is "
                        "missing; default: $WITX_LSP_TOKEN, else a new token printed on stderr")
    p.add_argument("--log-level", default="WARNING", choices=["ERROR", "WARNING", "INFO", "DEBUG"],
                   help="log to stderr from this level on (default: WARNING)")
    p.set_defaults(func=run)

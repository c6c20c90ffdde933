"""`witx-lsp serve [--stdio | --tcp PORT]`: the language server (also what
`witx-lsp` with no arguments, or with only a client's `--stdio`, runs)."""

from __future__ import annotations

import argparse
import sys

# What a client that asks for a transport this server does not speak is told (exit status 2).
UNSUPPORTED_TRANSPORT = ("witx-lsp: {flag} is not supported: the server talks LSP over stdio (`--stdio`, the "
                         "default) or TCP (`--tcp PORT`, listening on 127.0.0.1). Start it with the stdio "
                         "transport (vscode-languageclient: TransportKind.stdio).")


def run(args: argparse.Namespace) -> int:
    for flag, value in (("--node-ipc", args.node_ipc), ("--pipe", args.pipe), ("--socket", args.socket)):
        if value:
            print(UNSUPPORTED_TRANSPORT.format(flag=flag), file=sys.stderr)
            return 2
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
    # Transports LSP clients may ask for that this server does not offer: a clear error, not a usage dump.
    g.add_argument("--node-ipc", action="store_true", help=argparse.SUPPRESS)
    g.add_argument("--pipe", metavar="NAME", help=argparse.SUPPRESS)
    g.add_argument("--socket", metavar="PORT", help=argparse.SUPPRESS)
    # Sent by vscode-languageclient with some transports; the server does not watch the client's process.
    p.add_argument("--clientProcessId", metavar="PID", help=argparse.SUPPRESS)
    p.add_argument("--log-level", default="WARNING", choices=["ERROR", "WARNING", "INFO", "DEBUG"],
                   help="log to stderr from this level on (default: WARNING)")
    p.set_defaults(func=run)

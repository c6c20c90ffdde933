"""The `witx-lsp` command: one argparse parser whose subcommands come from the
modules named in `COMMANDS`.

Each module exposes `register(subparsers) -> None`, which adds its parser and sets
`func=` on it to a callable `(argparse.Namespace) -> int` (the exit status).

Exit status: 0 no errors, 1 errors (or an internal error), 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import cast

from witx_lsp import __version__

# Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("witx_lsp.cli.cmd_check", "witx_lsp.cli.cmd_format", "witx_lsp.cli.cmd_serve",
                             "witx_lsp.cli.cmd_layout", "witx_lsp.cli.cmd_abi", "witx_lsp.cli.cmd_docs",
                             "witx_lsp.cli.cmd_witxt", "witx_lsp.cli.cmd_preview", "witx_lsp.cli.cmd_encode",
                             "witx_lsp.cli.cmd_run", "witx_lsp.cli.cmd_wit")

# Subcommands whose module is not `cmd_<name>`.
_MODULE_OF: dict[str, str] = {"decode": "witx_lsp.cli.cmd_encode"}

# `witx-lsp --check ARGS` is the same as `witx-lsp check ARGS`.
ALIASES: dict[str, str] = {"--check": "check"}

# The transport flags LSP clients append to a server's command line, as other servers accept them
# at the top level: vscode-languageclient (client/src/node/main.ts, 9.x-11.x) appends `--stdio`,
# `--node-ipc`, `--pipe=NAME` or `--socket=PORT` for its TransportKind, and `--clientProcessId=PID`
# for node modules. A command line without a subcommand that holds one runs `serve` (which accepts
# `--stdio` and explains why it cannot serve the others).
TRANSPORT_FLAGS: tuple[str, ...] = ("--stdio", "--node-ipc", "--pipe", "--socket", "--clientProcessId")

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def build_parser(modules: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser with the subcommands of `modules` (all of them by default)."""
    parser = argparse.ArgumentParser(
        prog="witx-lsp",
        description="Checker and language tooling for the witx interface language (WASI preview1).",
    )
    parser.add_argument("--version", action="version", version=f"witx-lsp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a command line needs: only the named subcommand's when there is
    one (importing every command costs the language server's cold start ~0.1 s), else all
    of them (`--help`, `--version`, usage errors)."""
    if argv and not argv[0].startswith("-"):
        module = _MODULE_OF.get(argv[0], f"witx_lsp.cli.cmd_{argv[0]}")
        if module in COMMANDS:
            return (module,)
    return COMMANDS


def is_transport_flag(arg: str) -> bool:
    return arg.split("=", 1)[0] in TRANSPORT_FLAGS


def _run(argv: list[str]) -> int:
    if not argv:
        # No arguments: the language server on stdio (how editors start it).
        argv = ["serve", "--stdio"]
    elif argv[0].startswith("-") and any(is_transport_flag(a) for a in argv):
        # `witx-lsp --stdio` (a client's transport flag, no subcommand) is `witx-lsp serve --stdio`.
        argv = ["serve", *argv]
    if argv[0] in ALIASES:
        argv = [ALIASES[argv[0]], *argv[1:]]
    parser = build_parser(modules_for(argv))
    args = parser.parse_args(argv)
    func = cast("Handler | None", getattr(args, "func", None))
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return func(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args)
    except SystemExit as e:  # argparse: --help, --version and usage errors
        if e.code is None:
            return EXIT_OK
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`witx-lsp check ... | head`): keep quiet from here on.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())

"""`witx-lsp docs [-o OUT [--check]] PATH...`: the Markdown documentation of
witx files loaded together into one document, byte for byte as the reference
`witx docs` writes it (WebAssembly/WASI tools/witx/src/docs/, witx 0.9.1).

The Markdown goes to stdout, or to OUT with `-o`. `--check` writes nothing and
instead fails when OUT differs from what would be written (as the reference's
`--check` does). When the files have errors, they go to stderr, what can be
rendered is still written, and the exit status is 1. A document the reference
cannot render (a type without layout, a constant of an unknown type) prints
nothing and exits 1 as well.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from witx_lsp.base.vfs import DiskProvider
from witx_lsp.cli.diagnostic_output import report_errors, terminal_safe
from witx_lsp.model.analysis import analyze
from witx_lsp.printers import DocsError, render_docs


def _write_stdout(text: str) -> None:
    """UTF-8 bytes whatever the locale, so that the output is byte-identical to docs.md."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    if args.check and args.output is None:
        sys.stderr.write("witx-lsp docs: --check needs -o/--output (the file to compare with)\n")
        return 2
    analysis = analyze(list(args.paths))
    failed = report_errors(analysis)
    try:
        text = render_docs(analysis.document)
    except DocsError as e:
        sys.stderr.write(f"witx-lsp docs: cannot render the documentation: {terminal_safe(str(e))}\n")
        return 1
    if args.check:
        # Read as witx files are: only a regular file of bounded size (a FIFO must not hang us).
        if DiskProvider().read(args.output) != text:
            sys.stderr.write(f"witx-lsp docs: {terminal_safe(args.output)} is not up to date\n")
            return 1
        return 1 if failed else 0
    if args.output is not None:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as e:
            sys.stderr.write(f"witx-lsp docs: cannot write {terminal_safe(args.output)}: {e.strerror}\n")
            return 1
    else:
        _write_stdout(text)
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "docs", help="render the Markdown documentation of witx files",
        description="Load witx files together into one document and print its Markdown documentation, "
                    "exactly as the reference `witx docs` (witx 0.9.1) writes docs.md. "
                    "Exit status: 0 no errors, 1 errors in the files (or --check found a difference), "
                    "2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 when OUT is not up to date")
    p.set_defaults(func=run)

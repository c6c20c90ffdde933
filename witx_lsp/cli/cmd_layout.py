"""`witx-lsp layout [--type NAME] [--format text|json|svg] PATH...`: the memory
layout of every typename (witx 0.9.1 rules), with the PATHs loaded together into
one document.

json: `{"types": {NAME: {"kind", "size", "align", "members": [{"name", "offset",
"size", "align"}], "flags", "tag_size", "payload_offset", "cases", "padding":
[{"offset", "size"}]}}}` (`tag_size` and `payload_offset` are null except for
variants and enums; variants add "canonical_size", aliases "target", types
without a layout "error"). When the files have errors, whatever can be laid out
is still printed, the errors go to stderr, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from witx_lsp.cli.diagnostic_output import report_errors, terminal_safe
from witx_lsp.layout import Layout, document_layouts
from witx_lsp.layout.report import layout_json, layout_text
from witx_lsp.layout.svg import render_svg
from witx_lsp.model.analysis import analyze

FORMATS = ("text", "json", "svg")
# Kinds drawn by `--format svg` when no --type is given.
SVG_KINDS = {"record", "tuple", "variant"}


def run(args: argparse.Namespace) -> int:
    analysis = analyze(list(args.paths))
    failed = report_errors(analysis)
    doc = analysis.document
    layouts = document_layouts(doc)
    if args.type is not None:
        if args.type not in layouts:
            sys.stderr.write(f"witx-lsp: no typename `{terminal_safe(args.type)}` in the loaded files\n")
            return 1
        layouts = {args.type: layouts[args.type]}
    if args.format == "json":
        out = json.dumps({"types": {n: layout_json(lay) for n, lay in layouts.items()}}, indent=2) + "\n"
    elif args.format == "svg":
        picked: list[tuple[str, Layout]] = [(n, lay) for n, lay in layouts.items()
                                            if args.type is not None or lay.kind in SVG_KINDS]
        out = render_svg(picked)
    else:
        blocks = []
        for name, lay in layouts.items():
            named = doc.typename(name)
            blocks.append(layout_text(name, lay, named.tref if named else None))
        out = "\n\n".join(blocks) + ("\n" if blocks else "")
    sys.stdout.write(out)
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "layout", help="show the memory layout of witx types",
        description="Load witx files together into one document and show the size, alignment, member offsets, "
                    "padding, variant tags and flag bits of every typename, as witx 0.9.1 lays them out. "
                    "Exit status: 0 no errors, 1 errors in the files, 2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    p.add_argument("--type", metavar="NAME", help="only this typename (without the `$`)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text tables, JSON, or an SVG byte-ruler diagram (default: text)")
    p.set_defaults(func=run)

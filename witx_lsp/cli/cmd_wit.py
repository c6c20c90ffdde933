"""`witx-lsp wit [--out DIR] [--package NS:NAME@VERSION] [--format wit|json]
[--handles resource|u32] [--diagnostics FORMAT] PATH...`: the PATHs loaded together
(as `layout` does) and converted to one WIT package (docs/wit.md).

wit: the package text on stdout, or in DIR/NAME.wit with --out. json: `{"package",
"world", "interfaces", "file", "wit", "names", "diagnostics"}` (diagnostics as `check
--format json` writes them). The conversion notes (W07xx) and any errors go to stderr
in the --diagnostics format (the renderers of `check`). witx 0.8 files are migrated
to 0.9 first. Exit status: 0 converted, 1 errors in the files (what can be converted
still is), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from typing import Any

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.cli import diagnostic_output as render
from witx_lsp.wit import HANDLES, WitOptions, analyze_migrated, convert, default_package, valid_package

FORMATS = ("wit", "json")


def _display(path: str) -> str:
    """A path under the working directory relative to it, any other as it is."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def run(args: argparse.Namespace) -> int:
    package = args.package or default_package(args.paths[0])
    if not valid_package(package):
        sys.stderr.write(f"witx-lsp wit: `{render.terminal_safe(package)}` is no WIT package name "
                         "(NAMESPACE:NAME@VERSION, kebab-case words, e.g. wasi:snapshot-preview1@0.1.0)\n")
        return 2
    migrated = analyze_migrated(list(args.paths))
    analysis = migrated.analysis
    wit = convert(migrated.document, WitOptions(package, args.handles))
    notes: list[Diagnostic] = [*migrated.errors, *(migrated.original(d) for d in wit.diagnostics)]
    texts = {p: f.text for p, f in analysis.files.items()}
    report = render.Report(notes, texts, _display, len(analysis.files))
    if notes and args.diagnostics != "none":
        sys.stderr.write(render.render(args.diagnostics, report, False))
    if args.format == "json":
        out = json.dumps({"package": wit.package, "world": wit.world, "interfaces": list(wit.interfaces),
                          "file": wit.file_name, "wit": wit.text, "names": wit.names,
                          "migrated": list(migrated.migrated),
                          "diagnostics": json.loads(render.render_json(report))["diagnostics"]},
                         indent=2, ensure_ascii=False) + "\n"
    else:
        out = wit.text
    failed = bool(migrated.errors)
    if args.out is None:
        sys.stdout.write(out)
        return 1 if failed else 0
    name = wit.file_name if args.format == "wit" else wit.file_name[:-4] + ".json"
    target = os.path.join(args.out, name)
    try:
        os.makedirs(args.out, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(out)
    except OSError as e:
        sys.stderr.write(f"witx-lsp wit: cannot write {render.terminal_safe(target)}: {e.strerror or e}\n")
        return 1
    return 1 if failed else 0


def _wrap(text: str) -> str:
    """Paragraphs filled to the terminal width argparse would use (RawDescription keeps the breaks)."""
    width = min(shutil.get_terminal_size().columns, 100) - 2
    return "\n\n".join(textwrap.fill(par, width) for par in text.split("\n\n"))


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "wit", help="convert witx files to a WIT package (component model)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap("Load witx files together into one document and convert it to one WIT package: "
                    "interface `types` with the typenames, one interface per witx module with its functions, "
                    "and a world that imports them all. witx 0.8 files are migrated to 0.9 first. What does not "
                    "carry over (pointers, constants, tag widths, renamed names, ...) is reported on stderr "
                    "as W07xx diagnostics (docs/diagnostics/W07xx.md); the mapping is in docs/wit.md."),
        epilog=_wrap("The default package name comes from the first PATH: its file name in kebab-case, split at the "
               "first word into namespace and name, version 0.1.0 (wasi_snapshot_preview1.witx -> "
               "wasi:snapshot-preview1@0.1.0; a one-word name gets the namespace `witx`: typenames.witx -> "
               "witx:typenames@0.1.0).\n\nExit status: 0 converted, 1 errors in the files (whatever can be "
               "converted still is), 2 usage error."),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    p.add_argument("--out", metavar="DIR",
                   help="write DIR/NAME.wit (NAME: the package's name) instead of printing to stdout; "
                        "the directory is created when missing")
    p.add_argument("--package", metavar="NS:NAME@VERSION",
                   help="the WIT package name (default: derived from the first PATH, see below)")
    p.add_argument("--format", choices=FORMATS, default="wit",
                   help="wit: the WIT text; json: the WIT text with the package, world and interface names, the "
                        "witx -> WIT name of every typename, module and function, and the diagnostics "
                        "(default: wit)")
    p.add_argument("--handles", choices=HANDLES, default="resource",
                   help="what a witx `handle` becomes: a `resource` (functions take `borrow<T>`), or a `u32` "
                        "alias (default: resource)")
    p.add_argument("--diagnostics", choices=(*render.FORMATS, "none"), default="text",
                   help="how the conversion notes and errors are written to stderr, as `check --format` "
                        "(default: text; none: not at all)")
    p.set_defaults(func=run)

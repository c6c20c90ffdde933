"""`witx-lsp preview [--config FILE | --config-text TEXT] [--format rust|json] [--wiggle N] [PATH...]`:
the Rust host bindings `wiggle::from_witx!` generates for the PATHs (loaded together into one
document), rustfmt-formatted.

The configuration is the macro's braced argument (`{ witx: [...], errors: { errno => trappable
Error }, async: * }`), parsed with the macro's syntax and error messages; its `witx` field may be
left out when PATHs are given. Without PATHs the files come from the configuration: `witx` paths
relative to the configuration file's directory (taken as `CARGO_MANIFEST_DIR`), or `witx_literal`.
`--wiggle N` follows the generator of wasmtime release N (default 19; 22 and later: the memory
parameter and lifetime-free `GuestPtr`).

json: `{"modules": {MODULE: {"trait": str, "methods": {FUNC: str}}}, "types": {TYPE: str}}`, each
method being its whole signature on one line. Where the real generator would panic, or would
reject the configuration for this document, stderr says so and the exit status is 1 (as it is
for witx errors); a configuration that does not parse is a usage error (2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from witx_lsp.base.vfs import DiskProvider, ReadFailure
from witx_lsp.cli.diagnostic_output import report_errors, terminal_safe
from witx_lsp.model.analysis import Analysis, analyze, analyze_text
from witx_lsp.wiggle.codegen import DEFAULT_PROFILE, Config, ConfigError, generate, parse_config, witx_paths
from witx_lsp.wiggle.codegen.config import MIN_PROFILE

EXIT_USAGE = 2


def _config_error(where: str, text: str, e: ConfigError) -> int:
    line, col = e.location(text)
    sys.stderr.write(f"{terminal_safe(where)}:{line}:{col}: error: {terminal_safe(e.message)}\n")
    return EXIT_USAGE


def _load(args: argparse.Namespace) -> tuple[Config, Analysis] | int:
    text, where, base = None, "<config>", os.getcwd()
    if args.config is not None:
        where = args.config
        got = DiskProvider().read(args.config)  # bounded, regular files only
        if isinstance(got, ReadFailure):
            sys.stderr.write(f"witx-lsp: cannot read {terminal_safe(args.config)}: {got.message}\n")
            return EXIT_USAGE
        text = got
        base = os.path.dirname(os.path.abspath(args.config))
    elif args.config_text is not None:
        text = args.config_text
    config = Config(profile=args.wiggle)
    if text is not None:
        try:
            config = parse_config(text, require_witx=not args.paths, profile=args.wiggle)
        except ConfigError as e:
            return _config_error(where, text, e)
    if args.paths:
        return config, analyze(list(args.paths))
    if config.witx_literal is not None:
        return config, analyze_text(config.witx_literal, os.path.join(base, "<witx_literal>.witx"))
    if not config.witx:
        sys.stderr.write("witx-lsp: no witx files: give PATHs, or a configuration with `witx: [...]`\n")
        return EXIT_USAGE
    try:
        paths = witx_paths(config, base)
    except ConfigError as e:
        sys.stderr.write(f"{terminal_safe(where)}: error: {terminal_safe(e.message)}\n")
        return EXIT_USAGE
    return config, analyze(paths)


def run(args: argparse.Namespace) -> int:
    if not MIN_PROFILE <= args.wiggle <= 99:
        sys.stderr.write(f"witx-lsp: --wiggle {args.wiggle}: expected a wasmtime release from {MIN_PROFILE}\n")
        return EXIT_USAGE
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    config, analysis = loaded
    failed = report_errors(analysis)
    preview = generate(analysis.document, config)
    for msg in preview.panics:
        sys.stderr.write(f"warning: {terminal_safe(msg)}\n")
    if args.format == "json":
        out: Any = preview.to_json()
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        sys.stdout.write(preview.rust)
    return 1 if failed or preview.panics else 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "preview", help="show the Rust host bindings wiggle::from_witx! generates",
        description="Load witx files together into one document and show the Rust that wasmtime's "
                    "wiggle::from_witx! macro generates for it (types, one trait per module, the ABI "
                    "function and add_to_linker signatures), formatted as rustfmt formats it. "
                    "Exit status: 0 no problems, 1 witx errors or a generator panic, 2 usage error.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="witx files, loaded together (default: the "
                   "configuration's `witx` files)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--config", metavar="FILE",
                       help="a file holding the macro's braced argument, e.g. { witx: [...], async: * }")
    group.add_argument("--config-text", metavar="TEXT", help="the macro's braced argument itself")
    p.add_argument("--format", choices=("rust", "json"), default="rust", help="output format (default: rust)")
    p.add_argument("--wiggle", type=int, default=DEFAULT_PROFILE, metavar="N",
                   help=f"the wasmtime release whose generator to follow (default {DEFAULT_PROFILE}; "
                        "22 and later: memory parameter, GuestPtr without lifetime)")
    p.set_defaults(func=run)

"""`witx-lsp abi [--format text|json] [--streams] PATH...`: the core wasm
signature of every function under the witx Preview1 ABI, with the PATHs loaded
together into one document.

text: `(func $name (param i32 i64) (result i32))` per function (a `;; module`
line precedes each module when there are several). json: `{"MODULE::FUNC":
{"params": [...], "results": [...]}}`; a function without a signature has
`{"error": "..."}` instead. `--streams` adds the `call_wasm` and
`call_interface` instruction streams (witxt spellings). When the files have
errors, whatever can be computed is still printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from witx_lsp.abi import AbiError, call_interface, call_wasm, wasm_signature, witxt_names
from witx_lsp.abi.instructions import Instruction
from witx_lsp.cli.diagnostic_output import report_errors
from witx_lsp.features.commands import stream_line
from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import InterfaceFunc


def _stream(got: tuple[Instruction, ...] | AbiError) -> dict[str, object]:
    if isinstance(got, AbiError):
        return {"error": got.message, "partial": witxt_names(got.partial)}
    return {"instructions": witxt_names(got)}


def run(args: argparse.Namespace) -> int:
    analysis = analyze(list(args.paths))
    failed = report_errors(analysis)
    modules = analysis.document.modules
    data: dict[str, dict[str, object]] = {}
    lines: list[str] = []
    for m in modules:
        if len(modules) > 1:
            lines.append(f";; module ${m.name}")
        for f in m.funcs:
            sig = wasm_signature(f)
            entry: dict[str, object]
            if isinstance(sig, AbiError):
                failed = True
                entry = {"error": sig.message}
                lines.append(f";; ${f.name}: no core signature: {sig.message}")
            else:
                entry = {"params": list(sig.params), "results": list(sig.results)}
                lines.append(sig.func_text(f.name))
            if args.streams:
                _add_streams(f, m.name, entry, lines)
            data[f"{m.name}::{f.name}"] = entry
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in lines))
    return 1 if failed else 0


def _add_streams(f: InterfaceFunc, module: str, entry: dict[str, object], lines: list[str]) -> None:
    wasm, interface = call_wasm(f, module), call_interface(f, module)
    entry["call_wasm"] = _stream(wasm)
    entry["call_interface"] = _stream(interface)
    lines.append(stream_line("call_wasm", wasm))
    lines.append(stream_line("call_interface", interface))


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "abi", help="show the core wasm signatures of witx functions",
        description="Load witx files together into one document and show the core wasm signature of every "
                    "function under the witx Preview1 ABI (out-pointer params included). "
                    "Exit status: 0 no errors, 1 errors, 2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--streams", action="store_true",
                   help="also show the call_wasm and call_interface instruction streams")
    p.set_defaults(func=run)

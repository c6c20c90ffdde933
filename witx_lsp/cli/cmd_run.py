"""`witx-lsp run [--witx PATH]... [--dir HOST[::GUEST]]... [--env K=V]... [--trace[=FILE]]
[--host MODULE:python.module:Class]... [--invoke NAME] MODULE.wasm [ARGS...]`: run a
wasm32-wasi program on wasmtime-py with witx-lsp's Python preview1 host (`witx_lsp.wasi`).

The witx that declares wasi_snapshot_preview1 (and any other module the program
imports) is read from the `--witx` paths. stdio is this process's; the program
sees only the `--env` variables and the `--dir` directories. With `--trace`,
every host call is printed (stderr, or FILE) decoded through the witx types.
Exit status: the program's (`proc_exit`), 134 after a trap, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import IO, Any

EXIT_USAGE = 2


def _dirs(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        host, sep, guest = v.partition("::")
        out.append((host, guest if sep else host))
    return out


def _env(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        key, sep, val = v.partition("=")
        if not sep or not key:
            raise ValueError(f"--env {v!r}: expected K=V")
        out.append((key, val))
    return out


def _sink(target: str) -> tuple[Callable[[str], None], IO[str] | None]:
    if target == "-":
        def to_stderr(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        return to_stderr, None
    f = open(target, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed by run)

    def to_file(line: str) -> None:
        f.write(line + "\n")
    return to_file, f


def run(args: argparse.Namespace) -> int:
    from witx_lsp.wasi.host_base import WasiConfig
    from witx_lsp.wasi.runner import HostSpec, RunError, load_witx, run_module

    command = list(args.command)
    trace = args.trace
    if trace is not None and trace != "-" and trace.endswith((".wasm", ".wat")):
        command.insert(0, trace)  # `--trace prog.wasm`: the module, not a trace file
        trace = "-"
    if not command:
        sys.stderr.write("witx-lsp run: no MODULE.wasm given\n")
        return EXIT_USAGE
    if not args.witx:
        sys.stderr.write("witx-lsp run: pass the witx of the imported modules with --witx PATH "
                         "(e.g. .../wasi_snapshot_preview1.witx)\n")
        return EXIT_USAGE
    closing: IO[str] | None = None
    try:
        config = WasiConfig(args=[os.path.basename(command[0]), *command[1:]], env=_env(args.env),
                            preopens=_dirs(args.dir), stdin=0, stdout=1, stderr=2)
        hosts = {spec.module: spec.instantiate() for spec in map(HostSpec.parse, args.host)}
        document = load_witx(args.witx)
        sink = None
        if trace is not None:
            sink, closing = _sink(trace)
        sys.stdout.flush()
        outcome = run_module(command[0], document, config, hosts=hosts, trace=sink, invoke=args.invoke)
    except (RunError, ValueError, OSError) as e:
        sys.stderr.write(f"witx-lsp run: {e}\n")
        return EXIT_USAGE
    finally:
        if closing is not None:
            closing.close()
    if outcome.trap is not None:
        sys.stderr.write(f"witx-lsp run: trap: {outcome.trap}\n")
    if args.invoke is not None and isinstance(outcome.returned, int) and outcome.trap is None:
        return outcome.returned & 0xFF
    return outcome.exit_code


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="run a wasm32-wasi program on the Python WASI host, optionally traced",
        description="Run a wasm32-wasi command on wasmtime-py with witx-lsp's Python "
                    "wasi_snapshot_preview1 host. Exit status: the program's; 134 after a trap; 2 on a "
                    "usage error.")
    p.add_argument("--witx", action="append", default=[], metavar="PATH",
                   help="a witx file declaring imported modules (wasi_snapshot_preview1.witx; repeatable)")
    p.add_argument("--dir", action="append", default=[], metavar="HOST[::GUEST]",
                   help="preopen the host directory HOST as GUEST (default: the same path; repeatable)")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="an environment variable")
    p.add_argument("--trace", nargs="?", const="-", default=None, metavar="FILE",
                   help="print every host call, decoded through the witx types, to stderr (or FILE: "
                        "write --trace=FILE)")
    p.add_argument("--host", action="append", default=[], metavar="MODULE:python.module:Class",
                   help="implement witx module MODULE with Class() from python.module (repeatable)")
    p.add_argument("--invoke", metavar="NAME",
                   help="call this export (after `_initialize`) instead of `_start`; its i32 result is "
                        "the exit status")
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="MODULE.wasm [ARGS...]")
    p.set_defaults(func=run)

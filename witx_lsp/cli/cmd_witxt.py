"""`witx-lsp witxt FILE...`: run reference `.witxt` test files (WebAssembly/WASI
tools/witx/tests/witxt.rs).

Prints one line `FAIL path:line: reason` per failing directive, then a last line
exactly `N passed, M failed`, counted as the reference harness counts (a `witx`
directive is three tests: validation, round trip, docs). A directory stands for
every `*.witxt` file below it. Exit status: 0 all passed, 1 any failure, 2 usage
error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from witx_lsp.cli.diagnostic_output import terminal_safe
from witx_lsp.witxt.runner import WitxtReport, run_file


def expand(paths: list[str]) -> list[str]:
    """Files as given; directories searched recursively for *.witxt (sorted)."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, f) for f in files if f.endswith(".witxt")]
            out += sorted(found)
        else:
            out.append(p)
    return out


def run(args: argparse.Namespace) -> int:
    total = WitxtReport()
    for path in expand(list(args.files)):
        report = run_file(path)
        for failure in report.failures:
            sys.stdout.write(terminal_safe(str(failure)) + "\n")
        total.passed += report.passed
        total.failed += report.failed
    sys.stdout.write(total.summary() + "\n")
    return 0 if total.ok else 1


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "witxt", help="run .witxt test files",
        description="Run the directives of .witxt files (witx, assert_invalid, assert_representable, "
                    "assert_abi) as the witx 0.9.1 test harness does. Prints one FAIL line per failing "
                    "directive and a last line `N passed, M failed`. Exit status: 0 all passed, 1 failures, "
                    "2 usage error.")
    p.add_argument("files", nargs="+", metavar="FILE", help=".witxt files, or directories holding them")
    p.set_defaults(func=run)

"""`witx-lsp format [--check] [--diff] [--indent N|tab] PATH...`: format witx files
in place, or (for CI, as `ruff format --check` and `prettier --check` do) report
the files that would change.

PATHs are files and directories (every `*.witx` below, as `check` finds them).
Files are read through DiskProvider (regular files only, bounded size, no FIFO
hang). The layout rules are witx_lsp.features.formatting's: only indentation
that contradicts the nesting and spacing inside lines change; the author's line
breaks and blank lines stay. Each file is formatted with its own indentation
unit (inferred from the file) unless `--indent` fixes one; trailing whitespace is
trimmed and a final newline added. A file with syntax errors is reported and
left alone.

Exit status: 0 nothing to do (or everything written), 1 a file would change
(`--check`, `--diff`) or could not be read or formatted, 2 usage error.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import replace
from typing import Any

from witx_lsp.base.text import LineIndex, PositionEncoding
from witx_lsp.base.vfs import DiskProvider, ReadFailure
from witx_lsp.cli.cmd_check import WITX_SUFFIX, expand
from witx_lsp.cli.diagnostic_output import terminal_safe, write_text
from witx_lsp.features.format_options import MAX_TAB_SIZE, FormatOptions, infer_options
from witx_lsp.features.formatting import format_text
from witx_lsp.syntax.parser import parse

_BOM = b"\xef\xbb\xbf"
# What the command does beyond indentation and spacing (editors decide this through FormattingOptions).
BASE_OPTIONS = FormatOptions(trim_trailing_whitespace=True, insert_final_newline=True)


def _indent(text: str) -> FormatOptions:
    """`--indent N` (spaces) or `--indent tab`."""
    if text == "tab":
        return replace(BASE_OPTIONS, tab_size=8, insert_spaces=False)
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of spaces or `tab`, got {text!r}") from None
    if not 1 <= n <= MAX_TAB_SIZE:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_TAB_SIZE} spaces, got {n}")
    return replace(BASE_OPTIONS, tab_size=n)


def diff(path: str, old: str, new: str) -> str:
    """A unified diff of one file (with git's marker for a last line without a newline)."""
    out = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     f"a/{path}", f"b/{path}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _syntax_error(text: str) -> str:
    errors = parse(text).errors
    if not errors:
        return "formatting would change its tokens"  # the formatter's safety net
    # Columns in characters, as `check`'s text output counts them (cli/diagnostic_output.py).
    pos = LineIndex(text).position(errors[0].span.start, PositionEncoding.UTF32)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"syntax error at {pos.line + 1}:{pos.character + 1}: {errors[0].message}{more}"


def _write(path: str, text: str) -> str | None:
    """Write `text` back (keeping a byte order mark); the error, if any."""
    try:
        with open(path, "rb") as f:
            bom = f.read(3) == _BOM
        with open(path, "wb") as f:
            f.write((_BOM if bom else b"") + text.encode("utf-8"))
    except OSError as e:
        return f"cannot write {path}: {e.strerror or e}"
    return None


def run(args: argparse.Namespace) -> int:
    provider = DiskProvider()
    inputs = expand(args.paths, provider)
    failed = False
    for directory in inputs.empty:
        write_text(sys.stderr, f"witx-lsp: no {WITX_SUFFIX} files in {terminal_safe(directory)}\n")
    for problem in inputs.problems:
        write_text(sys.stderr, f"witx-lsp: {terminal_safe(problem.message)}\n")
        failed = True
    changed: list[str] = []
    unchanged = 0
    for path in inputs.files:
        shown = inputs.shown.get(path, path)
        text = provider.read(path)
        if isinstance(text, ReadFailure):
            write_text(sys.stderr, f"witx-lsp: {terminal_safe(text.message)}\n")
            failed = True
            continue
        options: FormatOptions = args.indent if args.indent is not None else infer_options(text, BASE_OPTIONS)
        new = format_text(text, options)
        if new is None:
            write_text(sys.stderr,
                       f"witx-lsp: {terminal_safe(shown)}: not formatted: {terminal_safe(_syntax_error(text))}\n")
            failed = True
            continue
        if new == text:
            unchanged += 1
            continue
        changed.append(shown)
        if args.diff:
            write_text(sys.stdout, diff(shown, text, new))
        if args.check and not args.diff:
            write_text(sys.stdout, f"would reformat {terminal_safe(shown)}\n")
        if not (args.check or args.diff):
            error = _write(path, new)
            if error is not None:
                write_text(sys.stderr, f"witx-lsp: {terminal_safe(error)}\n")
                failed = True
    verb = "would be reformatted" if args.check or args.diff else "reformatted"
    write_text(sys.stderr, f"{len(changed)} file{'s' * (len(changed) != 1)} {verb}, "
                     f"{unchanged} file{'s' * (unchanged != 1)} already formatted\n")
    return 1 if failed or (changed and (args.check or args.diff)) else 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "format", help="format witx files (or check that they are formatted)",
        description="Fix indentation that contradicts the nesting and spacing inside lines, keeping the "
                    "author's line breaks, blank lines and comments. Each file keeps its own indentation "
                    "unit unless --indent is given. Files are rewritten in place unless --check or --diff "
                    "is given. Exit status: 0 formatted, 1 a file would change (--check, --diff) or could "
                    "not be formatted (syntax errors), 2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files and directories")
    p.add_argument("--check", action="store_true",
                   help="write nothing; list the files that would change and exit 1 if there are any")
    p.add_argument("--diff", action="store_true",
                   help="write nothing; print a unified diff of the changes and exit 1 if there are any")
    p.add_argument("--indent", type=_indent, metavar="N|tab",
                   help="indent with N spaces (1-16) or tabs, instead of each file's own indentation")
    p.set_defaults(func=run)

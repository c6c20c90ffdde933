"""`witx-lsp encode TYPE VALUE_JSON PATH...` and `witx-lsp decode TYPE HEX PATH...`:
a value's exact guest-memory bytes, through the wiggle runtime.

encode prints the bytes as hex, then a legend (offset, size, bytes, field,
type, value) covering every byte, padding included. decode prints the value
as JSON (and, with `--legend`, the legend). `--format json` prints
`{"type", "size", "align", "hex", "value", "legend": [...]}` for encode and
`{"type", "size", "value", "extra_bytes", "legend": [...]}` for decode. A value
that does not fit the type, or bytes the runtime refuses (its GuestError
message, e.g. "Invalid enum value Errno"), give exit status 1.

VALUE_JSON may be `@FILE` (read from a file) or `-` (stdin). JSON forms are
described in `witx_lsp/features/values.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from witx_lsp.base.vfs import DiskProvider, ReadFailure
from witx_lsp.cli.diagnostic_output import report_errors, terminal_safe
from witx_lsp.features.values import (
    Decoded,
    Encoded,
    ValueProblem,
    decode_value,
    encode_value,
    legend_text,
    parse_hex,
)
from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import Document

FORMATS = ("text", "json")
R = TypeVar("R")


def _argument(text: str) -> str:
    """The argument itself, standard input for `-`, or the file named after `@` (read as witx
    files are: a regular file of bounded size, so a FIFO cannot hang the command)."""
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        got = DiskProvider().read(text[1:])
        if isinstance(got, ReadFailure):
            raise OSError(got.message)
        return got
    return text


def _fail(message: str) -> int:
    sys.stderr.write(f"witx-lsp: {terminal_safe(message)}\n")
    return 1


def _write_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _convert(args: argparse.Namespace, convert: Callable[[Document], R],
             show: Callable[[R, argparse.Namespace], None]) -> int:
    """Load the witx files (their errors reported), convert as the document says, show the result;
    a value or bytes that do not fit the type give status 1, as errors in the files do."""
    analysis = analyze(list(args.paths))
    failed = report_errors(analysis)
    try:
        result = convert(analysis.document)
    except ValueProblem as e:
        return _fail(str(e))
    show(result, args)
    return 1 if failed else 0


def run_encode(args: argparse.Namespace) -> int:
    try:
        value: Any = json.loads(_argument(args.value))
    except OSError as e:
        return _fail(str(e))
    except ValueError as e:
        return _fail(f"VALUE_JSON is not JSON: {e}")
    return _convert(args, lambda document: encode_value(document, args.type, value), _show_encoded)


def _show_encoded(enc: Encoded, args: argparse.Namespace) -> None:
    if args.format == "json":
        _write_json(enc.json())
    else:
        sys.stdout.write(f"{enc.data.hex()}\n\n")
        sys.stdout.write(f"${enc.type_name}: {len(enc.data)} bytes, align {enc.align}\n")
        sys.stdout.write(legend_text(enc.legend))


def run_decode(args: argparse.Namespace) -> int:
    try:
        data = parse_hex(_argument(args.hex))
    except (OSError, ValueProblem) as e:
        return _fail(str(e))
    return _convert(args, lambda document: decode_value(document, args.type, data), _show_decoded)


def _show_decoded(dec: Decoded, args: argparse.Namespace) -> None:
    _write_json(dec.json() if args.format == "json" else dec.value)
    if args.format != "json" and args.legend:
        sys.stdout.write(f"\n${dec.type_name}: {dec.size} bytes\n" + legend_text(dec.legend))
    if dec.extra:
        sys.stderr.write(f"witx-lsp: note: {dec.extra} byte(s) after the {dec.size}-byte value were ignored\n")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    enc: argparse.ArgumentParser = subparsers.add_parser(
        "encode", help="show the guest-memory bytes of a value",
        description="Lay out a JSON value of a witx type as wiggle's runtime writes it into guest memory: the "
                    "bytes as hex and a legend of every field and padding byte. Exit status: 0 ok, 1 errors, "
                    "2 usage error.")
    enc.add_argument("type", metavar="TYPE", help="a typename (with or without `$`) or a builtin such as u32")
    enc.add_argument("value", metavar="VALUE_JSON", help="the value as JSON (`@FILE` reads a file, `-` stdin)")
    enc.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    enc.add_argument("--format", choices=FORMATS, default="text", help="hex and legend, or JSON (default: text)")
    enc.set_defaults(func=run_encode)

    dec: argparse.ArgumentParser = subparsers.add_parser(
        "decode", help="show the value that guest-memory bytes hold",
        description="Read bytes of guest memory as a witx type, as wiggle's runtime reads them, and print the "
                    "value as JSON; bytes the runtime refuses give its error message. Exit status: 0 ok, "
                    "1 errors, 2 usage error.")
    dec.add_argument("type", metavar="TYPE", help="a typename (with or without `$`) or a builtin such as u32")
    dec.add_argument("hex", metavar="HEX", help="the bytes in hex; spaces, `:` and `0x` are ignored "
                                                "(`@FILE` reads a file, `-` stdin)")
    dec.add_argument("paths", nargs="+", metavar="PATH", help="witx files, loaded together")
    dec.add_argument("--format", choices=FORMATS, default="text", help="the value, or JSON with the legend")
    dec.add_argument("--legend", action="store_true", help="also print the legend (text format)")
    dec.set_defaults(func=run_decode)

"""Values through the wiggle runtime: the `witx.encodeValue` and
`witx.decodeValue` commands, a thin adapter over witx_lsp.features.values.

Arguments: `uri, type, value` (encode; the value as JSON, or a string holding JSON text or a
plain case name or character)
and `uri, type, hex` (decode), or one object `{"uri", "type", "value" | "hex"}`.
The type is a typename of the document the file belongs to (or a builtin).

Results: encode `{"type", "size", "align", "hex", "value", "legend": [{"offset",
"size", "field", "type", "value", "hex"}], "text"}`; decode `{"type", "size",
"value", "extra_bytes", "legend", "text"}` (`text`: the legend as a table). A
value that does not fit the type, or bytes the runtime refuses, give
`{"error": message}` (the runtime's GuestError text, e.g. "Invalid enum value
Errno").
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.features.values import (
    ValueProblem,
    decode_value,
    encode_value,
    legend_text,
    parse_hex,
)
from witx_lsp.server.app import WitxServer
from witx_lsp.server.command_args import uri_field
from witx_lsp.server.protocol import short


def _arguments(args: tuple[Any, ...], third: str) -> tuple[str, str, Any]:
    """(uri, type, value-or-hex) from positional arguments or one object."""
    if len(args) == 1 and isinstance(args[0], dict):
        obj = args[0]
        uri = uri_field(obj)
        ty = obj.get("type")
        if third not in obj:
            raise JsonRpcInvalidParams(f"expected an object with `uri`, `type` and `{third}`")
        payload = obj[third]
    elif len(args) == 3:
        uri, ty, payload = args
    else:
        raise JsonRpcInvalidParams(f"expected three arguments: the document URI, a type name and the {third}")
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams("expected the document URI (a string)")
    if not isinstance(ty, str):
        raise JsonRpcInvalidParams("expected the type name (a string)")
    return uri, ty, payload


def encode(ls: WitxServer, *args: Any) -> dict[str, Any]:
    uri, ty, value = _arguments(args, "value")
    doc = ls.require_snapshot(uri).analysis.document
    candidates = [value]
    if isinstance(value, str):
        # JSON text typed into an input box, else the plain string (a case name, a char)
        with contextlib.suppress(ValueError, RecursionError):  # not JSON, or nested too deeply for it
            candidates.insert(0, json.loads(value))
    problems = []
    for candidate in candidates:
        try:
            enc = encode_value(doc, ty, candidate)
        except ValueProblem as e:
            problems.append(str(e))
            continue
        except RecursionError:
            problems.append("the value is nested too deeply")
            continue
        return {**enc.json(), "text": legend_text(enc.legend)}
    return {"error": short(problems[0])}


def decode(ls: WitxServer, *args: Any) -> dict[str, Any]:
    uri, ty, hexdata = _arguments(args, "hex")
    if not isinstance(hexdata, str):
        raise JsonRpcInvalidParams("expected the bytes as a hex string")
    doc = ls.require_snapshot(uri).analysis.document
    try:
        dec = decode_value(doc, ty, parse_hex(hexdata))
    except ValueProblem as e:
        return {"error": short(str(e))}
    return {**dec.json(), "text": legend_text(dec.legend)}

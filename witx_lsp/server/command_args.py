"""The arguments of `workspace/executeCommand`: positional JSON values, or one object
with named fields. A command's argument that does not fit is the caller's error
(InvalidParams), never a server fault."""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.base.text import LineIndex, Position, PositionEncoding


def uri_field(obj: dict[str, Any]) -> Any:
    """The document an object argument names: its `uri`, else its `textDocument.uri`
    (unchecked: the caller says what it expected)."""
    doc = obj.get("textDocument")
    return obj.get("uri") or (doc.get("uri") if isinstance(doc, dict) else None)


def uri_arg(args: tuple[Any, ...]) -> tuple[str, dict[str, Any], tuple[Any, ...]]:
    """The document URI (the first argument, or its `uri` field), the named fields of an
    object argument, and the other arguments."""
    if not args:
        raise JsonRpcInvalidParams("expected the document URI as the first argument")
    first = args[0]
    if isinstance(first, dict):
        uri = uri_field(first)
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams("expected an object with a `uri` string")
        return uri, first, args[1:]
    if not isinstance(first, str):
        raise JsonRpcInvalidParams(f"expected the document URI (a string), got {type(first).__name__}")
    return first, {}, args[1:]


def position_offset(lines: LineIndex, value: Any, encoding: PositionEncoding) -> int:
    """The offset of a position argument (`{"line", "character"}`, or an object with a
    `position` field)."""
    if isinstance(value, dict) and isinstance(value.get("position"), dict):
        value = value["position"]
    line, character = (value.get("line"), value.get("character")) if isinstance(value, dict) else (None, None)
    if not (isinstance(line, int) and isinstance(character, int)) or isinstance(line, bool):
        raise JsonRpcInvalidParams("expected a position {\"line\": int, \"character\": int}")
    # Any integer is a position (clamped to the text): no uinteger check of lsprotocol's Position.
    return lines.offset(Position(line, character), encoding)

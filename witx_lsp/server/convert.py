"""Conversions between analysis values (offsets, paths) and LSP values
(positions in the negotiated encoding, URIs)."""

from __future__ import annotations

import os
from urllib.parse import quote

from lsprotocol import types
from pygls import uris

from witx_lsp.base.codes import docs_url
from witx_lsp.base.diagnostic import Diagnostic, Severity, Tag
from witx_lsp.base.span import Span
from witx_lsp.base.text import LineIndex, LineMap, Position, PositionEncoding

_UNTITLED = "/__witx_untitled__"


def encoding_of(kind: object) -> PositionEncoding:
    value = getattr(kind, "value", kind)
    if value == "utf-8":
        return PositionEncoding.UTF8
    if value == "utf-32":
        return PositionEncoding.UTF32
    return PositionEncoding.UTF16


def uri_to_path(uri: str) -> str:
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    if path is None:
        return os.path.join(_UNTITLED, quote(uri, safe=""))
    return path


def path_to_uri(path: str) -> str:
    if path.startswith(_UNTITLED + "/"):
        from urllib.parse import unquote

        return unquote(path[len(_UNTITLED) + 1:])
    return uris.from_fs_path(path) or path


def position(lines: LineIndex, offset: int, enc: PositionEncoding) -> types.Position:
    p = lines.position(offset, enc)
    return types.Position(line=p.line, character=p.character)


def span_range(lines: LineIndex, span: Span, enc: PositionEncoding) -> types.Range:
    return types.Range(start=position(lines, span.start, enc), end=position(lines, span.end, enc))


def offset(lines: LineIndex, pos: types.Position, enc: PositionEncoding) -> int:
    return lines.offset(Position(pos.line, pos.character), enc)


def range_offsets(lines: LineIndex, rng: types.Range, enc: PositionEncoding) -> Span:
    a, b = offset(lines, rng.start, enc), offset(lines, rng.end, enc)
    return Span(min(a, b), max(a, b))


_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFORMATION: types.DiagnosticSeverity.Information, Severity.HINT: types.DiagnosticSeverity.Hint}
_TAG = {Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary, Tag.DEPRECATED: types.DiagnosticTag.Deprecated}


def diagnostic(d: Diagnostic, lines_of: LineMap, enc: PositionEncoding,
               related_info: bool = True) -> types.Diagnostic:
    related = None
    if related_info and d.related:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=path_to_uri(r.path), range=span_range(lines_of(r.path), r.span, enc)),
            message=r.message) for r in d.related]
    return types.Diagnostic(
        range=span_range(lines_of(d.path), d.span, enc),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=docs_url(d.code)),
        source="witx",
        related_information=related,
        tags=[_TAG[t] for t in d.tags] or None,
        data=d.data,
    )

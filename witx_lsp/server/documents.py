"""The server's copy of each open document, edited with LSP's line rules.

pygls 2.1 applies an incremental change through `str.splitlines`
(pygls/workspace/text_document.py `_apply_incremental_change`), which also ends
lines at form feeds, \\x1c-\\x1e, \\x85 and U+2028/U+2029: after such a character
the server's text drifts from the editor's. LSP ends a line only at `\\n`, `\\r\\n`
and `\\r` (LSP 3.17, "Text Documents"); `LineIndex` counts lines that way, and
edits are applied through it here. A range whose end precedes its start is
applied as the range between the two (as vscode-languageserver-node's
`TextDocument.update` does, textDocument/src/main.ts `getWellformedRange`); a
change to a document that is not open, or with a version lower than the one
the server holds, is refused (logged), never a KeyError.
"""

from __future__ import annotations

import bisect
import logging
import re
from urllib.parse import unquote

from lsprotocol import types
from pygls.workspace import Workspace

from witx_lsp.base.text import LineIndex, Position, PositionEncoding
from witx_lsp.server import convert

log = logging.getLogger("witx_lsp.server.documents")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def apply_change(lines: LineIndex, rng: types.Range | None, new_text: str, encoding: PositionEncoding) -> LineIndex:
    """The text of `lines` after replacing `rng` (positions in `encoding`; None: the
    whole text), with its line index updated around the edit only (a burst of
    edits to a large document costs no full line scan per edit)."""
    if rng is None:
        return LineIndex(new_text)
    a = lines.offset(Position(rng.start.line, rng.start.character), encoding)
    b = lines.offset(Position(rng.end.line, rng.end.character), encoding)
    a, b = min(a, b), max(a, b)
    old, starts = lines.text, lines.starts
    text = old[:a] + new_text + old[b:]
    delta = len(new_text) - (b - a)
    # Line starts up to the line before the edit, and from two characters after it, stay
    # (shifted): a `\r\n` can only form or break right at the edit's ends.
    i = bisect.bisect_right(starts, a - 1) - 1
    j = bisect.bisect_right(starts, b + 1)
    lo = starts[max(i, 0)]
    hi = starts[j] + delta if j < len(starts) else len(text)
    middle = [m.end() for m in _NEWLINE.finditer(text, lo, hi) if m.end() < hi]
    index = object.__new__(LineIndex)
    index.text = text
    index.starts = starts[:max(i, 0) + 1] + middle + [s + delta for s in starts[j:]]
    return index


def apply_changes(workspace: Workspace, params: types.DidChangeTextDocumentParams,
                  cache: dict[str, LineIndex]) -> bool:
    """Apply a didChange to the open document; False when it is refused. `cache`: the
    line index of each document's current text, by URI."""
    uri = params.text_document.uri
    doc = workspace.text_documents.get(unquote(uri))
    if doc is None:
        log.warning("didChange for a document that is not open: %s", uri[:200])
        return False
    version = params.text_document.version
    if doc.version is not None and version is not None and version < doc.version:
        log.warning("didChange for %s goes back from version %s to %s: ignored", uri[:200], doc.version, version)
        return False
    encoding = convert.encoding_of(workspace.position_encoding)
    key = unquote(uri)
    lines = cache.get(key)
    if lines is None or lines.text is not doc.source:
        lines = LineIndex(doc.source)
    for change in params.content_changes:
        lines = apply_change(lines, getattr(change, "range", None), change.text, encoding)
    doc._source = lines.text
    doc.version = version
    cache[key] = lines
    return True


def close(workspace: Workspace, uri: str, cache: dict[str, LineIndex]) -> bool:
    """Forget an open document; False when it was not open."""
    cache.pop(unquote(uri), None)
    if unquote(uri) not in workspace.text_documents:
        log.warning("didClose for a document that is not open: %s", uri[:200])
        return False
    workspace.remove_text_document(uri)
    return True

"""The server's copy of each open document, edited with LSP's line rules.

pygls 2.1 applies an incremental change through `str.splitlines`
(pygls/workspace/text_document.py `_apply_incremental_change`), which also ends
lines at form feeds, \\x1c-\\x1e, \\x85 and U+2028/U+2029: after such a character
the server's text drifts from the editor's. LSP ends a line only at `\\n`, `\\r\\n`
and `\\r` (LSP 3.17, "Text Documents"); `witx_lsp.base.text` holds those rules,
and edits are applied through them here. A range whose end precedes its start is
applied as the range between the two (as vscode-languageserver-node's
`TextDocument.update` does, textDocument/src/main.ts `getWellformedRange`); a
change to a document that is not open, or with a version lower than the one
the server holds, is refused (logged), never a KeyError.
"""

from __future__ import annotations

import bisect
import logging
from urllib.parse import unquote

from lsprotocol import types
from pygls.workspace import Workspace

from witx_lsp.base.text import Position, PositionEncoding, column_offset, line_breaks, line_starts
from witx_lsp.server import convert

log = logging.getLogger("witx_lsp.server.documents")


class EditableLines:
    """A document's text and line starts (`base.text.line_starts`) kept through edits,
    for applying a burst of edits cheaply. The true start of line k is `starts[k]`,
    plus `delta` from line `pending` on: the shift of the lines after an edit is applied
    lazily, so an edit costs the distance from the previous one, not a pass over every
    line of the document."""

    __slots__ = ("delta", "pending", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)
        self.pending = len(self.starts)
        self.delta = 0

    def start(self, line: int) -> int:
        return self.starts[line] + (self.delta if line >= self.pending else 0)

    def line_of(self, offset: int) -> int:
        """The line an offset is on (0 before the text)."""
        k = bisect.bisect_right(self.starts, offset, 0, self.pending)
        if k == self.pending:
            k = bisect.bisect_right(self.starts, offset - self.delta, self.pending, len(self.starts))
        return max(k - 1, 0)

    def offset(self, pos: Position, encoding: PositionEncoding) -> int:
        """As `LineIndex.offset`: LSP's line rules, columns clamped to the line."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.start(pos.line)
        end = self.start(pos.line + 1) if pos.line + 1 < len(self.starts) else len(self.text)
        return start + column_offset(self.text[start:end].rstrip("\r\n"), pos.character, encoding)

    def replace(self, rng: types.Range | None, new_text: str, encoding: PositionEncoding) -> None:
        """Replace `rng` (positions in `encoding`; None: the whole text)."""
        if rng is None:
            self.__init__(new_text)  # type: ignore[misc]
            return
        a = self.offset(Position(rng.start.line, rng.start.character), encoding)
        b = self.offset(Position(rng.end.line, rng.end.character), encoding)
        a, b = min(a, b), max(a, b)
        delta = len(new_text) - (b - a)
        # Line starts up to the line before the edit, and from two characters after it,
        # stay (the latter shifted): a `\r\n` can only form or break at the edit's ends.
        i, j = self.line_of(a - 1), self.line_of(b + 1) + 1
        starts, p, n = self.starts, self.pending, len(self.starts)
        hi = self.start(j) + delta if j < n else len(self.text) + delta
        if p > j and not self.delta:  # nothing pending: the lines from j on are the pending ones
            p = j
        if p <= i:  # lines p..i keep their place: make them exact
            starts[p:i + 1] = [s + self.delta for s in starts[p:i + 1]]
        elif p > j:  # lines j..p-1 move by this edit's shift only
            starts[j:p] = [s + delta for s in starts[j:p]]
        self.text = text = self.text[:a] + new_text + self.text[b:]
        middle = [end for end in line_breaks(text, starts[i], hi) if end < hi or j >= n]
        starts[i + 1:j] = middle
        self.pending = max(p, j) + len(middle) - (j - i - 1)
        self.delta += delta
        if self.pending >= len(starts):
            self.pending, self.delta = len(starts), 0


def apply_changes(workspace: Workspace, params: types.DidChangeTextDocumentParams,
                  cache: dict[str, EditableLines]) -> bool:
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
        lines = EditableLines(doc.source)
    for change in params.content_changes:
        lines.replace(getattr(change, "range", None), change.text, encoding)
    doc._source = lines.text
    doc.version = version
    cache[key] = lines
    return True


def close(workspace: Workspace, uri: str, cache: dict[str, EditableLines]) -> bool:
    """Forget an open document; False when it was not open."""
    cache.pop(unquote(uri), None)
    if unquote(uri) not in workspace.text_documents:
        log.warning("didClose for a document that is not open: %s", uri[:200])
        return False
    workspace.remove_text_document(uri)
    return True

"""Document links (textDocument/documentLink): each `(use "file.witx")` string
links to the file it names, resolved relative to the including file as the
loader does (witx_lsp/model/load.py), when that file exists."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.syntax.scanner import decode_string
from witx_lsp.syntax.tree import Atom, SList, TokenKind


@dataclass(frozen=True)
class DocumentLink:
    span: Span  # the file name inside the quotes
    target: str  # the path of the linked file
    tooltip: str


def document_links(snap: Snapshot, exists: Callable[[str], bool] = os.path.isfile) -> list[DocumentLink]:
    file = snap.file
    if file is None:
        return []
    base = os.path.dirname(snap.path)
    out: list[DocumentLink] = []
    for node in file.tree.items:
        if not (isinstance(node, SList) and node.head_is("use") and len(node.items) > 1):
            continue
        arg = node.items[1]
        if not (isinstance(arg, Atom) and arg.kind is TokenKind.STRING and len(arg.text) >= 2
                and arg.text.endswith('"')):
            continue
        name = decode_string(arg.text)
        if not name:
            continue
        target = os.path.normpath(os.path.join(base, name))
        if target not in snap.analysis.files and not exists(target):
            continue
        out.append(DocumentLink(Span(arg.start + 1, arg.end - 1), target, f"Open {name}"))
    return out

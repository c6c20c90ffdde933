"""What one analysis produces: the files it read (text, tree, the `use` targets) and
the validated document, symbol index and diagnostics. Kept apart from `analysis.py`
(the entry point) and `load.py` (which builds them), so that neither imports the other
back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.text import LineIndex
from witx_lsp.model.symbols import SymbolIndex
from witx_lsp.model.syntax_ast import Decl
from witx_lsp.model.types import Document
from witx_lsp.syntax.tree import SourceTree


@dataclass
class SourceFile:
    path: str  # canonical path (the key used in spans and diagnostics)
    text: str
    tree: SourceTree
    uses: tuple[str, ...] = ()  # canonical paths this file's `(use ...)` forms name, in order
    # Its lowered declarations (shared with the parse cache, never mutated): each spans its list in
    # `tree`, so positions of declarations are read here without building a deferred tree.
    decls: Sequence[Decl] = ()
    _lines: LineIndex | None = field(default=None, repr=False)

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines


@dataclass
class Analysis:
    roots: tuple[str, ...]  # canonical root paths, as given
    files: dict[str, SourceFile]  # every file that was read, in load order
    document: Document
    diagnostics: list[Diagnostic]  # sorted by path, then position
    symbols: SymbolIndex

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

"""The symbol index: every definition and every reference, with ranges.

Navigation (definition, references, rename, highlight) works on `SymbolKey`s:
a kind plus the path of names that identifies an entity in the document.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum

from witx_lsp.base.span import FileSpan, Span


class SymbolKind(Enum):
    TYPENAME = "typename"
    MODULE = "module"
    FIELD = "field"  # record field or tuple member
    CASE = "case"  # variant case or enum member
    FLAG = "flag"
    FUNC = "func"
    PARAM = "param"
    RESULT = "result"
    IMPORT = "import"
    CONST = "const"


@dataclass(frozen=True, slots=True)
class SymbolKey:
    kind: SymbolKind
    names: tuple[str, ...]  # ("errno",), ("errno", "badf"), ("wasi", "fd_read", "iovs")

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def qualified(self) -> str:
        return "::".join(self.names)


@dataclass(frozen=True, slots=True)
class Definition:
    key: SymbolKey
    name_span: FileSpan  # the `$name` (or export string) that defines it
    full_span: FileSpan  # the whole defining form
    docs: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    key: SymbolKey
    span: FileSpan  # the `$name` that refers to it


@dataclass
class SymbolIndex:
    definitions: dict[SymbolKey, Definition] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    _by_file: dict[str, list[tuple[int, int, SymbolKey, bool]]] | None = field(default=None, repr=False)

    def define(self, d: Definition) -> None:
        # The first definition wins (later ones are redefinition errors).
        self.definitions.setdefault(d.key, d)
        self._by_file = None

    def refer(self, r: Reference) -> None:
        self.references.append(r)
        self._by_file = None

    def _index(self) -> dict[str, list[tuple[int, int, SymbolKey, bool]]]:
        if self._by_file is None:
            by: dict[str, list[tuple[int, int, SymbolKey, bool]]] = defaultdict(list)
            for d in self.definitions.values():
                by[d.name_span.path].append((d.name_span.span.start, d.name_span.span.end, d.key, True))
            for r in self.references:
                by[r.span.path].append((r.span.span.start, r.span.span.end, r.key, False))
            for entries in by.values():
                entries.sort(key=lambda e: (e[0], e[1]))
            self._by_file = dict(by)
        return self._by_file

    def at(self, path: str, offset: int) -> tuple[SymbolKey, FileSpan, bool] | None:
        """The symbol whose name covers `offset` (its end included), with the
        name's span and whether it is the definition."""
        entries = self._index().get(path, [])
        # Names never overlap, so only the last name starting at or before `offset` can cover it.
        i = bisect.bisect_right(entries, (offset, 1 << 62)) - 1
        if i < 0:
            return None
        start, end, key, is_def = entries[i]
        if offset > end:
            return None
        return key, FileSpan(path, Span(start, end)), is_def

    def references_to(self, key: SymbolKey) -> list[Reference]:
        return [r for r in self.references if r.key == key]

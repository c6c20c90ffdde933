"""The symbol index: every definition and every reference, with ranges.

Navigation (definition, references, rename, highlight) works on `SymbolKey`s:
a kind plus the path of names that identifies an entity in the document.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
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


# A definition or reference recorded during validation, turned into objects on first use:
# (is_definition, kind, names, path, name span, full span or None, docs).
_Pending = tuple[bool, SymbolKind, tuple[str, ...], str, Span, Span | None, str]


_MATERIALISING = threading.Lock()  # two threads asking the same index at once build it once


class SymbolIndex:
    """Definitions and references. Validation records them as plain tuples (`define_at`,
    `refer_at`): most analyses (every keystroke's) are never asked for a symbol, so the
    key, span and definition objects are made on the first question, in recording order
    (the first definition of a key wins)."""

    def __init__(self) -> None:
        self._definitions: dict[SymbolKey, Definition] = {}
        self._references: list[Reference] = []
        self._pending: list[_Pending | Definition | Reference] = []
        self._by_file: dict[str, list[tuple[int, int, SymbolKey, bool]]] | None = None

    def __repr__(self) -> str:
        return f"SymbolIndex({len(self.definitions)} definitions, {len(self.references)} references)"

    # (Recording only appends: the per-file index is dropped when pending entries are added to it.)

    def define(self, d: Definition) -> None:
        self._pending.append(d)

    def refer(self, r: Reference) -> None:
        self._pending.append(r)

    def define_at(self, kind: SymbolKind, names: tuple[str, ...], path: str, name_span: Span, full_span: Span,
                  docs: str = "") -> None:
        self._pending.append((True, kind, names, path, name_span, full_span, docs))

    def refer_at(self, kind: SymbolKind, names: tuple[str, ...], path: str, span: Span) -> None:
        self._pending.append((False, kind, names, path, span, None, ""))

    def recorder(self) -> Callable[[_Pending], None]:
        """Records the tuple `define_at` or `refer_at` would make, without their call: for the
        validator's loops over names. Valid until the index is next replaced (`replace_with`)."""
        return self._pending.append

    def copy(self) -> SymbolIndex:
        """An index with the same entries, independent of this one from now on."""
        other = SymbolIndex()
        other.replace_with(self)
        return other

    def replace_with(self, other: SymbolIndex) -> None:
        """Hold copies of `other`'s entries (and nothing else)."""
        with _MATERIALISING:
            self._definitions = dict(other._definitions)
            self._references = list(other._references)
            self._pending = list(other._pending)
        self._by_file = None

    def _materialise(self) -> None:
        with _MATERIALISING:
            if self._pending:  # another thread may have built it meanwhile
                self._add(self._pending)
                self._pending.clear()  # (in place: a `recorder` stays valid)
                self._by_file = None

    def _add(self, pending: list[_Pending | Definition | Reference]) -> None:
        defs, refs = self._definitions, self._references
        for item in pending:
            if isinstance(item, Definition):
                defs.setdefault(item.key, item)
            elif isinstance(item, Reference):
                refs.append(item)
            else:
                is_def, kind, names, path, span, full, docs = item
                key = SymbolKey(kind, names)
                if not is_def:
                    refs.append(Reference(key, FileSpan(path, span)))
                elif key not in defs:
                    assert full is not None
                    defs[key] = Definition(key, FileSpan(path, span), FileSpan(path, full), docs)

    @property
    def definitions(self) -> dict[SymbolKey, Definition]:
        if self._pending:
            self._materialise()
        return self._definitions

    @property
    def references(self) -> list[Reference]:
        if self._pending:
            self._materialise()
        return self._references

    def _index(self) -> dict[str, list[tuple[int, int, SymbolKey, bool]]]:
        if self._pending:
            self._materialise()
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

"""Navigation: definition, declaration, type definition, references, document
highlight, prepare rename and rename, across `(use "...")` boundaries and across
every root of the workspace that reads the defining file.

Everything works on the symbol index (witx_lsp/model/symbols.py): the name under
the cursor gives a `SymbolKey`; its definition and references carry `FileSpan`s.
A key only means the same entity in two analyses when both define it at the same
span, so references are gathered from every analysis that reads the defining file
and agrees on that span (a typename of typenames.witx used by several roots).

Type definition, as defined here:
* on a field, param, result or case (definition or reference): the typenames its
  declared type names, looking through inline `list`, `pointer`, `tuple` and
  `expected` wrappers; a case or flag without a payload (an enum member, a flag)
  gives its own typename (a case of a variant tagged by an enum is the
  variant's case here, not the enum member); a constant gives its type;
* on a typename: the typename at the end of its alias chain
  (`(typename $a $b) (typename $b $c)` -> `$c`), itself when it is not an alias.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol

from witx_lsp.base.span import FileSpan, Span
from witx_lsp.features.links import document_links
from witx_lsp.features.selection import atom_at
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.lower_base import BUILTIN_TYPE_WORDS
from witx_lsp.model.symbols import Definition, SymbolKey, SymbolKind
from witx_lsp.model.types import (
    Cases,
    NamedType,
    RecordType,
    TypeRef,
    VariantType,
    inner_types,
    visit,
)
from witx_lsp.syntax.grammar import idchar_class
from witx_lsp.syntax.tree import TokenKind


@functools.cache
def _name_pattern(string: bool) -> re.Pattern[str]:
    """A whole new name: idchars (witx identifiers are `$` followed by them); export and import
    names are strings, the same characters without the escape `\\`."""
    return re.compile(idchar_class(backslash=not string) + "+\\Z")

KEYWORDS = frozenset({
    "typename", "module", "use", "import", "memory", "func", "export", "param", "result", "noreturn", "const",
    "record", "struct", "field", "tuple", "enum", "flags", "bitflags", "variant", "union", "case", "expected",
    "error", "handle", "list", "array", "pointer", "const_pointer", "tag", "repr", "resource", "empty",
})
_STRING_KINDS = (SymbolKind.FUNC, SymbolKind.IMPORT)
# The kinds that share one name scope (for rename collisions); the scope is the key minus its last name.
_SCOPES = {
    SymbolKind.TYPENAME: {SymbolKind.TYPENAME, SymbolKind.MODULE},
    SymbolKind.MODULE: {SymbolKind.TYPENAME, SymbolKind.MODULE},
    SymbolKind.FIELD: {SymbolKind.FIELD},
    SymbolKind.CASE: {SymbolKind.CASE},
    SymbolKind.FLAG: {SymbolKind.FLAG},
    SymbolKind.FUNC: {SymbolKind.FUNC, SymbolKind.IMPORT},
    SymbolKind.IMPORT: {SymbolKind.FUNC, SymbolKind.IMPORT},
    SymbolKind.PARAM: {SymbolKind.PARAM, SymbolKind.RESULT},
    SymbolKind.RESULT: {SymbolKind.PARAM, SymbolKind.RESULT},
    SymbolKind.CONST: {SymbolKind.CONST},
}


class AnalysisSource(Protocol):
    """Where analyses other than the snapshot's come from (AnalysisHost in the server)."""

    def analyses_reading(self, path: str) -> list[Analysis]: ...


@dataclass(frozen=True)
class Target:
    key: SymbolKey
    span: FileSpan  # the name under the cursor
    is_definition: bool
    definition: Definition | None


@dataclass(frozen=True)
class Highlight:
    span: Span
    write: bool  # the definition; references are reads


@dataclass(frozen=True)
class Refusal:
    message: str


@dataclass(frozen=True)
class RenameRange:
    span: Span  # the name without its `$` (or inside the quotes of an export name)
    placeholder: str


Edits = dict[str, list[tuple[Span, str]]]  # path -> (span, new text), sorted, no overlaps


def _clamp(snap: Snapshot, offset: int) -> int:
    return max(0, min(offset, len(snap.text)))


def target_at(snap: Snapshot, offset: int) -> Target | None:
    if snap.file is None:
        return None
    hit = snap.analysis.symbols.at(snap.path, _clamp(snap, offset))
    if hit is None:
        return None
    key, span, is_def = hit
    return Target(key, span, is_def, snap.analysis.symbols.definitions.get(key))


def definition(snap: Snapshot, offset: int) -> list[FileSpan]:
    """The definition of the name at `offset`; on the file name of a `(use "...")`, the
    start of that file (clients such as Neovim do not follow document links)."""
    t = target_at(snap, offset)
    if t is not None and t.definition is not None:
        return [t.definition.name_span]
    return [FileSpan(link.target, Span(0, 0)) for link in document_links(snap)
            if link.span.start - 1 <= offset <= link.span.end + 1]  # the quotes count


declaration = definition  # witx declares and defines in one place


# --- type definition -------------------------------------------------------------------------


def _named_in(tref: TypeRef | None) -> list[NamedType]:
    """The typenames a type names, looking through inline wrappers (breadth first)."""
    out: list[NamedType] = []
    todo: list[TypeRef] = [tref] if tref is not None else []
    while todo:
        t = todo.pop(0)
        if isinstance(t, NamedType):
            if t not in out:
                out.append(t)
        else:
            todo.extend(visit(t, _WRAPPED))
    return out


# The types inside an inline wrapper (a list, a pointer, a tuple, an `expected`); other inline types
# (an inline `bool`, say) name nothing.
_WRAPPED: Cases[tuple[TypeRef, ...]] = Cases(
    builtin=lambda _: (), handle=lambda _: (), list_=inner_types, pointer=inner_types, const_pointer=inner_types,
    record=lambda t: inner_types(t) if t.form == "tuple" else (),
    variant=lambda t: inner_types(t) if t.form == "expected" else ())


def _alias_end(named: NamedType) -> NamedType:
    seen = {named.name}
    while isinstance(named.tref, NamedType) and named.tref.name not in seen:
        named = named.tref
        seen.add(named.name)
    return named


def type_definition(snap: Snapshot, offset: int) -> list[FileSpan]:
    t = target_at(snap, offset)
    if t is None:
        return []
    doc = snap.analysis.document
    key = t.key
    if key.kind is SymbolKind.CASE and not t.is_definition:
        # A case of a variant tagged by an enum is indexed as a reference to the
        # enum member; its type is the variant case's payload.
        key = next((d.key for d in snap.analysis.symbols.definitions.values()
                    if d.key.kind is SymbolKind.CASE and d.name_span == t.span), key)
    kind, names = key.kind, key.names
    found: list[NamedType] = []
    if kind is SymbolKind.TYPENAME:
        named = doc.typename(names[0])
        found = [_alias_end(named)] if named is not None else []
    elif kind in (SymbolKind.FIELD, SymbolKind.CASE, SymbolKind.FLAG, SymbolKind.CONST):
        owner = doc.typename(names[0])
        if owner is None:
            return []
        body = owner.tref
        if kind is SymbolKind.FIELD and isinstance(body, RecordType):
            found = next((_named_in(m.tref) for m in body.members if m.name == names[-1]), [])
        elif kind is SymbolKind.CASE and isinstance(body, VariantType):
            payload = next((c.tref for c in body.cases if c.name == names[-1]), None)
            found = _named_in(payload) if payload is not None else [owner]
        else:
            found = [owner]
    elif kind in (SymbolKind.PARAM, SymbolKind.RESULT):
        module = doc.module(names[0])
        func = module.func(names[1]) if module is not None else None
        if func is not None:
            params = func.params if kind is SymbolKind.PARAM else func.results
            found = next((_named_in(p.tref) for p in params if p.name == names[2]), [])
    return [n.span for n in found if n.span is not None]


# --- references and highlights ---------------------------------------------------------------


def _analyses(snap: Snapshot, target: Target, source: AnalysisSource | None) -> list[Analysis]:
    out = [snap.analysis]
    if source is not None and target.definition is not None:
        for a in source.analyses_reading(target.definition.name_span.path):
            if all(a is not b for b in out):
                out.append(a)
    return out


def _occurrences(key: SymbolKey, home: Definition, analyses: list[Analysis],
                 include_definition: bool) -> list[tuple[FileSpan, bool]]:
    """Every (span, is definition) of `key` in the analyses that agree on its definition."""
    seen: set[FileSpan] = set()
    out: list[tuple[FileSpan, bool]] = []
    for a in analyses:
        d = a.symbols.definitions.get(key)
        if d is None or d.name_span != home.name_span:
            continue
        if include_definition and d.name_span not in seen:
            seen.add(d.name_span)
            out.append((d.name_span, True))
        for r in a.symbols.references_to(key):
            if r.span not in seen:
                seen.add(r.span)
                out.append((r.span, False))
    out.sort(key=lambda o: (o[0].path, o[0].span.start))
    return out


def references(snap: Snapshot, offset: int, source: AnalysisSource | None = None,
               include_declaration: bool = True) -> list[FileSpan]:
    t = target_at(snap, offset)
    if t is None or t.definition is None:
        return []
    return [s for s, _ in _occurrences(t.key, t.definition, _analyses(snap, t, source), include_declaration)]


def highlights(snap: Snapshot, offset: int) -> list[Highlight]:
    t = target_at(snap, offset)
    if t is None or t.definition is None:
        return []
    return [Highlight(s.span, is_def) for s, is_def in _occurrences(t.key, t.definition, [snap.analysis], True)
            if s.path == snap.path]


# --- rename ----------------------------------------------------------------------------------


def _text_of(analyses: list[Analysis], path: str) -> str | None:
    for a in analyses:
        f = a.files.get(path)
        if f is not None:
            return f.text
    return None


def _name_part(text: str, span: Span) -> Span:
    """The editable part of a name: after the `$`, or inside the quotes."""
    raw = text[span.start:span.end]
    if raw.startswith("$"):
        return Span(span.start + 1, span.end)
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return Span(span.start + 1, span.end - 1)
    return span


def _why_not(snap: Snapshot, offset: int) -> str:
    file = snap.file
    atom = atom_at(file.tree.items, offset) if file is not None else None
    if atom is None:
        return "There is no name here to rename: place the cursor on a `$name`."
    if atom.kind is TokenKind.KEYWORD and atom.text in BUILTIN_TYPE_WORDS:
        return f"`{atom.text}` is a builtin type of witx; it cannot be renamed."
    if atom.kind in (TokenKind.KEYWORD, TokenKind.ANNOTATION):
        return f"`{atom.text}` is a witx keyword; it cannot be renamed."
    if atom.kind is TokenKind.ID:
        return f"`{atom.text}` is not defined here, so it cannot be renamed."
    return f"`{atom.text}` is not a name that can be renamed."


def _renameable(snap: Snapshot, offset: int) -> Target | Refusal:
    offset = _clamp(snap, offset)
    t = target_at(snap, offset)
    if t is None or t.definition is None:
        return Refusal(_why_not(snap, offset))
    raw = snap.text[t.span.span.start:t.span.span.end]
    if t.key.kind in _STRING_KINDS and "\\" in raw:
        return Refusal(f"{raw} contains escape sequences; rename it by hand.")
    return t


def prepare_rename(snap: Snapshot, offset: int) -> RenameRange | Refusal:
    t = _renameable(snap, offset)
    if isinstance(t, Refusal):
        return t
    part = _name_part(snap.text, t.span.span)
    return RenameRange(part, snap.text[part.start:part.end])


def check_new_name(key: SymbolKey, new_name: str) -> str | Refusal:
    """The new name without its `$`, or why it is refused."""
    if key.kind in _STRING_KINDS:
        name = new_name[1:-1] if len(new_name) >= 2 and new_name[0] == new_name[-1] == '"' else new_name
        if not _name_pattern(True).match(name):
            return Refusal(f"`{new_name}` is not a valid {key.kind.value} name: use letters, digits and "
                           "!#$%&'*+-./:<=>?@^_`|~ only.")
        return name
    name = new_name[1:] if new_name.startswith("$") else new_name
    if not _name_pattern(False).match(name):
        return Refusal(f"`{new_name}` is not a valid witx identifier: after the `$`, use letters, digits and "
                       "!#$%&'*+-./:<=>?@\\^_`|~ only.")
    if name in BUILTIN_TYPE_WORDS or name in KEYWORDS:
        return Refusal(f"`{name}` is a witx {'builtin type' if name in BUILTIN_TYPE_WORDS else 'keyword'}; "
                       "choose another name.")
    return name


def _collision(key: SymbolKey, home: Definition, name: str, analyses: list[Analysis]) -> Definition | None:
    scope = _SCOPES.get(key.kind, {key.kind})
    for a in analyses:
        for k, d in a.symbols.definitions.items():
            if (k.kind in scope and k.names[-1] == name and k.names[:-1] == key.names[:-1]
                    and d.name_span != home.name_span):
                return d
    return None


def rename(snap: Snapshot, offset: int, new_name: str, source: AnalysisSource | None = None) -> Edits | Refusal:
    t = _renameable(snap, offset)
    if isinstance(t, Refusal):
        return t
    assert t.definition is not None
    name = check_new_name(t.key, new_name)
    if isinstance(name, Refusal):
        return name
    analyses = _analyses(snap, t, source)
    clash = _collision(t.key, t.definition, name, analyses)
    if clash is not None:
        where = "the workspace" if t.key.kind in (SymbolKind.TYPENAME, SymbolKind.MODULE) else "the same scope"
        return Refusal(f"`{name}` is already defined in {where} "
                       f"({clash.key.kind.value} `{clash.key.qualified}`); choose another name.")
    edits: Edits = {}
    for span, _ in _occurrences(t.key, t.definition, analyses, True):
        text = _text_of(analyses, span.path)
        if text is None:
            continue
        edits.setdefault(span.path, []).append((_name_part(text, span.span), name))
    for path in edits:
        edits[path].sort(key=lambda e: e[0].start)
    return edits

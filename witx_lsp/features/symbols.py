"""Document symbols (a hierarchy read from the file's own syntax, so that a
declaration that fails validation still shows) and workspace symbols (every
definition of every analysed file, matched against a query).

Names are shown without their `$` (as the reference's docs.md names them);
function and import names are their export strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from witx_lsp.base.span import FileSpan, Span
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.lower import lower
from witx_lsp.model.symbols import SymbolKind
from witx_lsp.model.syntax_ast import (
    ConstDecl,
    FuncDecl,
    FuncParam,
    ModuleDecl,
    TdEnum,
    TdExpected,
    TdFlags,
    TdHandle,
    TdRecord,
    TdTuple,
    TdUnion,
    TdVariant,
    Typedef,
    TypenameDecl,
    typedef_span,
)
from witx_lsp.model.types import Cases, NamedType, visit

_WS = re.compile(r"\s+")
MAX_DETAIL = 60
MAX_WORKSPACE_SYMBOLS = 1000


class Kind(Enum):
    """Editor symbol kinds (the server maps them to LSP SymbolKind)."""

    STRUCT = "struct"  # record, tuple
    ENUM = "enum"  # enum, variant, union, expected, flags
    CLASS = "class"  # handle
    TYPE = "type"  # alias, builtin, list, pointer, string
    MODULE = "module"
    FUNCTION = "function"
    FIELD = "field"
    ENUM_MEMBER = "enum_member"  # enum member, variant case, flag
    VARIABLE = "variable"  # param, result
    INTERFACE = "interface"  # memory import
    CONSTANT = "constant"


@dataclass
class DocumentSymbol:
    name: str
    kind: Kind
    detail: str
    span: Span  # the whole form
    selection: Span  # its name
    children: list[DocumentSymbol] = field(default_factory=list)


@dataclass(frozen=True)
class WorkspaceSymbol:
    name: str
    kind: Kind
    container: str  # the qualified name of the owner ("" at top level)
    location: FileSpan


# --- document symbols ------------------------------------------------------------------------


def _typedef_kind(t: Typedef | None) -> Kind:
    if isinstance(t, (TdRecord, TdTuple)):
        return Kind.STRUCT
    if isinstance(t, (TdEnum, TdFlags, TdVariant, TdUnion, TdExpected)):
        return Kind.ENUM
    if isinstance(t, TdHandle):
        return Kind.CLASS
    return Kind.TYPE


def _source(text: str, span: Span) -> str:
    raw = _WS.sub(" ", text[span.start:span.end]).strip()
    return raw if len(raw) <= MAX_DETAIL else raw[:MAX_DETAIL - 1] + "…"


def _detail(text: str, t: Typedef | None) -> str:
    if t is None:
        return ""
    if isinstance(t, (TdRecord, TdTuple, TdVariant, TdUnion, TdHandle)):
        return {TdRecord: "record", TdTuple: "tuple", TdVariant: "variant", TdUnion: "union",
                TdHandle: "handle"}[type(t)]
    if isinstance(t, (TdEnum, TdFlags)):
        kw = "enum" if isinstance(t, TdEnum) else "flags"
        return f"{kw} {t.repr.witx}" if t.repr is not None else kw
    return _source(text, typedef_span(t))


def _members(text: str, t: Typedef | None) -> list[DocumentSymbol]:
    if isinstance(t, TdRecord):
        return [DocumentSymbol(f.name.text, Kind.FIELD, _detail(text, f.type), f.span, f.name.span) for f in t.fields]
    if isinstance(t, (TdEnum, TdFlags)):
        members = t.members if isinstance(t, TdEnum) else t.flags
        return [DocumentSymbol(m.name.text, Kind.ENUM_MEMBER, "", m.name.span, m.name.span) for m in members]
    if isinstance(t, TdVariant):
        return [DocumentSymbol(c.name.text, Kind.ENUM_MEMBER, _detail(text, c.type), c.span, c.name.span)
                for c in t.cases]
    return []


def _param(text: str, p: FuncParam, result: bool) -> DocumentSymbol:
    detail = _detail(text, p.type)
    return DocumentSymbol(p.name.text, Kind.VARIABLE, f"result {detail}" if result else detail, p.span, p.name.span)


def _func(text: str, f: FuncDecl) -> DocumentSymbol:
    children = [_param(text, p, False) for p in f.params] + [_param(text, r, True) for r in f.results]
    sig = " ".join(p.name.text for p in f.params)
    return DocumentSymbol(f.export, Kind.FUNCTION, f"({sig})" + (" noreturn" if f.noreturn else ""), f.span,
                          f.export_span, children)


def document_symbols(snap: Snapshot) -> list[DocumentSymbol]:
    file = snap.file
    if file is None:
        return []
    text = file.text
    out: list[DocumentSymbol] = []
    for d in lower(file.tree, snap.path).decls:
        if isinstance(d, TypenameDecl):
            out.append(DocumentSymbol(d.name.text, _typedef_kind(d.type), _detail(text, d.type), d.span,
                                      d.name.span, _members(text, d.type)))
        elif isinstance(d, ModuleDecl):
            children: list[DocumentSymbol] = []
            for item in d.order:
                if isinstance(item, FuncDecl):
                    children.append(_func(text, item))
                else:
                    children.append(DocumentSymbol(item.name, Kind.INTERFACE, "memory", item.span, item.name_span))
            out.append(DocumentSymbol(d.name.text, Kind.MODULE, "module", d.span, d.name.span, children))
        elif isinstance(d, ConstDecl):
            out.append(DocumentSymbol(d.name.text, Kind.CONSTANT, f"{d.type_name.text} = {d.value}", d.span,
                                      d.name.span))
    return out


# --- workspace symbols -----------------------------------------------------------------------

_KIND_OF = {SymbolKind.MODULE: Kind.MODULE, SymbolKind.FIELD: Kind.FIELD, SymbolKind.CASE: Kind.ENUM_MEMBER,
            SymbolKind.FLAG: Kind.ENUM_MEMBER, SymbolKind.FUNC: Kind.FUNCTION, SymbolKind.IMPORT: Kind.INTERFACE,
            SymbolKind.CONST: Kind.CONSTANT}
# Params and results would drown the list (every function has several).
_LISTED = set(_KIND_OF) | {SymbolKind.TYPENAME}


# The symbol kind of a typename by the kind of type it defines (an alias is a TYPE).
_TYPENAME_KIND: Cases[Kind] = Cases(
    builtin=lambda _: Kind.TYPE, list_=lambda _: Kind.TYPE, pointer=lambda _: Kind.TYPE,
    const_pointer=lambda _: Kind.TYPE, handle=lambda _: Kind.CLASS,
    record=lambda t: Kind.ENUM if t.form == "flags" else Kind.STRUCT,
    variant=lambda t: Kind.TYPE if t.form == "bool" else Kind.ENUM)


def _typename_kind(a: Analysis, name: str) -> Kind:
    named = a.document.typename(name)
    if named is None or isinstance(named.tref, NamedType):
        return Kind.TYPE
    return visit(named.tref, _TYPENAME_KIND)


def match_score(query: str, name: str) -> int | None:
    """Lower is better: exact 0, prefix 1, substring 2, in-order subsequence 3;
    None when the name does not match. Case-insensitive."""
    q, n = query.lower(), name.lower()
    if not q:
        return 3
    if n == q:
        return 0
    if n.startswith(q):
        return 1
    if q in n:
        return 2
    i = 0
    for ch in n:
        if ch == q[i]:
            i += 1
            if i == len(q):
                return 3
    return None


def workspace_symbols(analyses: Iterable[Analysis], query: str,
                      limit: int = MAX_WORKSPACE_SYMBOLS) -> list[WorkspaceSymbol]:
    """Definitions of every analysed file matching `query` (a `::` in the query
    matches qualified names such as `errno::badf`), best matches first."""
    query = query.strip().lstrip("$")
    qualified = "::" in query
    seen: set[FileSpan] = set()
    scored: list[tuple[int, str, str, WorkspaceSymbol]] = []
    for a in analyses:
        for key, d in a.symbols.definitions.items():
            if key.kind not in _LISTED or d.name_span in seen:
                continue
            score = match_score(query, key.qualified if qualified else key.name)
            if score is None:
                continue
            seen.add(d.name_span)
            kind = _typename_kind(a, key.name) if key.kind is SymbolKind.TYPENAME else _KIND_OF[key.kind]
            sym = WorkspaceSymbol(key.name, kind, "::".join(key.names[:-1]), d.name_span)
            scored.append((score, key.name.lower(), key.qualified, sym))
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored[:limit]]

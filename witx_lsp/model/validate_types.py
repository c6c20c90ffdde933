"""Validation of type syntax into model types (WebAssembly/WASI
tools/witx/src/validate.rs, `validate_datatype` and friends, witx 0.9.1).

Every check reports with the reference's message text and location; a failed
type returns None, and None propagates to the enclosing declaration without
further messages (the reference stops at the first error instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import FileSpan, Span
from witx_lsp.model.symbols import SymbolIndex, SymbolKind
from witx_lsp.model.syntax_ast import (
    Name,
    TdBool,
    TdBuiltin,
    TdEnum,
    TdExpected,
    TdFlags,
    TdHandle,
    TdList,
    TdPointer,
    TdRecord,
    TdRef,
    TdString,
    TdTuple,
    TdUnion,
    TdVariant,
    Typedef,
    typedef_span,
)
from witx_lsp.model.types import (
    BOOL,
    STRING,
    Builtin,
    BuiltinKind,
    Case,
    ConstPointerType,
    HandleType,
    IntRepr,
    ListType,
    Module,
    NamedType,
    PointerType,
    RecordKind,
    RecordMember,
    RecordType,
    TypeRef,
    VariantType,
    resolve,
    type_kind,
)

_INT_REPR = {BuiltinKind.U8: IntRepr.U8, BuiltinKind.U16: IntRepr.U16, BuiltinKind.U32: IntRepr.U32,
             BuiltinKind.U64: IntRepr.U64}
# Rust `Debug` of BuiltinType, as InvalidRepr prints it.
_DEBUG = {BuiltinKind.U8: "U8 { lang_c_char: false }", BuiltinKind.U16: "U16",
          BuiltinKind.U32: "U32 { lang_ptr_size: false }", BuiltinKind.U64: "U64", BuiltinKind.S8: "S8",
          BuiltinKind.S16: "S16", BuiltinKind.S32: "S32", BuiltinKind.S64: "S64", BuiltinKind.F32: "F32",
          BuiltinKind.F64: "F64", BuiltinKind.CHAR: "Char"}


@dataclass
class ScopeEntry:
    kind: Literal["typename", "module"]
    span: FileSpan
    # None while the definition is being validated; BROKEN when it failed.
    value: NamedType | Module | Literal["broken"] | None = None


class TypeValidator:
    def __init__(self, symbols: SymbolIndex) -> None:
        self.scope: dict[str, ScopeEntry] = {}
        self.symbols = symbols
        self.diagnostics: list[Diagnostic] = []
        self.path = ""

    # --- reporting ---------------------------------------------------------------------------

    def fs(self, span: Span) -> FileSpan:
        return FileSpan(self.path, span)

    def error(self, code: str, message: str, span: Span, related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, message, self.path, span, related))

    def redefinition(self, name: Name, previous: FileSpan) -> None:
        self.error("E0302", f"Redefinition of name `{name.text}`", name.span,
                   (Related(previous.path, previous.span, f"`{name.text}` was first defined here"),))

    # --- types -------------------------------------------------------------------------------

    def datatype(self, t: Typedef, named: bool, span: Span, owner: tuple[str, ...] | None = None) -> TypeRef | None:
        """`validate_datatype`: `span` is the caller's location (the reference reports
        anonymous-type, repr, tag and size errors there); `owner` names the typename
        whose body this is, for member symbols."""
        if isinstance(t, TdRef):
            return self.ref(t.name)
        if not named and isinstance(t, (TdEnum, TdFlags, TdRecord, TdUnion, TdHandle)):
            kw = {TdEnum: "enum", TdFlags: "flags", TdRecord: "record", TdUnion: "union", TdHandle: "handle"}[type(t)]
            self.error("E0307", "Anonymous structured types (struct, union, enum, flags, handle) are not permitted",
                       span, (Related(self.path, typedef_span(t), f"this `{kw}` has no name; define it with "
                                      "`(typename $name …)` and refer to it by name"),))
            return None
        if isinstance(t, TdBuiltin):
            return t.builtin
        if isinstance(t, TdString):
            return STRING
        if isinstance(t, TdBool):
            return BOOL
        if isinstance(t, TdList):
            e = self.datatype(t.element, False, span)
            return ListType(e) if e is not None else None
        if isinstance(t, TdPointer):
            p = self.datatype(t.pointee, False, span)
            if p is None:
                return None
            return ConstPointerType(p) if t.const else PointerType(p)
        if isinstance(t, TdHandle):
            return HandleType()
        if isinstance(t, TdEnum):
            return self.enum(t, span, owner)
        if isinstance(t, TdFlags):
            return self.flags(t, span, owner)
        if isinstance(t, TdRecord):
            return self.record(t, owner)
        if isinstance(t, TdTuple):
            return self.tuple_(t, span)
        if isinstance(t, TdExpected):
            return self.expected(t, span)
        if isinstance(t, TdUnion):
            return self.union(t, span)
        return self.variant(t, span, owner)

    def ref(self, name: Name) -> TypeRef | None:
        entry = self.scope.get(name.text)
        if entry is None:
            self.error("E0301", f"Unknown name `{name.text}`", name.span)
            return None
        kind = SymbolKind.TYPENAME if entry.kind == "typename" else SymbolKind.MODULE
        self.symbols.refer_at(kind, (name.text,), self.path, name.span)
        if entry.value == "broken":
            return None
        if entry.value is None:
            self.error("E0304", f"Recursive definition of name `{name.text}`", name.span,
                       (Related(entry.span.path, entry.span.span, "the definition that refers to itself"),))
            return None
        if isinstance(entry.value, Module):
            self.error("E0303", f"Wrong kind of name `{name.text}`: expected datatype, got module", name.span,
                       (Related(entry.span.path, entry.span.span, f"`{name.text}` is a module"),))
            return None
        return entry.value

    def int_repr(self, b: Builtin | None, span: Span) -> IntRepr | None:
        if b is None:
            return None
        repr_ = _INT_REPR.get(b.kind)
        if repr_ is None:
            self.error("E0305", f"Invalid representation `{_DEBUG[b.kind]}`", span)
        return repr_

    def _members(self, names: list[Name], owner: tuple[str, ...] | None, kind: SymbolKind) -> bool:
        seen: dict[str, Span] = {}
        ok = True
        for n in names:
            if n.text in seen:
                self.redefinition(n, self.fs(seen[n.text]))
                ok = False
                continue
            seen[n.text] = n.span
            if owner is not None:
                self.symbols.define_at(kind, (*owner, n.text), self.path, n.span, n.span)
        return ok

    def _repr_and_members(self, repr_: Builtin | None, names: list[Name], owner: tuple[str, ...] | None,
                          kind: SymbolKind, span: Span) -> IntRepr | None:
        """The repr of an enum or flags (u32 unless written), once its member names are checked and
        defined; None after an error in either."""
        int_repr = self.int_repr(repr_, span) if repr_ is not None else IntRepr.U32
        ok = self._members(names, owner, kind)
        return int_repr if ok else None

    def enum(self, t: TdEnum, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        repr_ = self._repr_and_members(t.repr, [m.name for m in t.members], owner, SymbolKind.CASE, span)
        if repr_ is None:
            return None
        cases = tuple(Case(m.name.text, None, m.docs, self.fs(m.name.span)) for m in t.members)
        return VariantType(repr_, cases, form="enum")

    def flags(self, t: TdFlags, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        repr_ = self._repr_and_members(t.repr, [m.name for m in t.flags], owner, SymbolKind.FLAG, span)
        if repr_ is None:
            return None
        members = tuple(RecordMember(m.name.text, BOOL, m.docs, self.fs(m.name.span)) for m in t.flags)
        return RecordType(RecordKind.BITFLAGS, members, repr_, form="flags")

    def record(self, t: TdRecord, owner: tuple[str, ...] | None) -> TypeRef | None:
        ok = self._members([f.name for f in t.fields], owner, SymbolKind.FIELD)
        members = []
        for f in t.fields:
            tref = self.datatype(f.type, False, f.name.span)
            if tref is None:
                ok = False
                continue
            self._needs_layout(tref, f.type)
            members.append(RecordMember(f.name.text, tref, f.docs, self.fs(f.name.span)))
        return RecordType(RecordKind.OTHER, tuple(members), form="record") if ok else None

    def tuple_(self, t: TdTuple, span: Span) -> TypeRef | None:
        if not t.types:
            self.error("E0314", "an empty `(tuple)` has no layout (the reference crashes laying it out); "
                       "use a type with at least one member", t.span)
        members = []
        for i, mt in enumerate(t.types):
            tref = self.datatype(mt, False, span)
            if tref is None:
                return None
            self._needs_layout(tref, mt)
            members.append(RecordMember(str(i), tref))
        return RecordType(RecordKind.TUPLE, tuple(members), form="tuple")

    def expected(self, t: TdExpected, span: Span) -> TypeRef | None:
        ok = self.datatype(t.ok, False, span) if t.ok is not None else None
        err = self.datatype(t.err, False, span) if t.err is not None else None
        if (t.ok is not None and ok is None) or (t.err is not None and err is None):
            return None
        for tref, syn in ((ok, t.ok), (err, t.err)):
            if tref is not None and syn is not None:
                self._needs_layout(tref, syn)
        return VariantType(IntRepr.U32, (Case("ok", ok), Case("err", err)), form="expected")

    def tag(self, tag: Typedef | None, cases: int, span: Span
            ) -> tuple[IntRepr, list[str] | None, NamedType | None] | None:
        """`union_tag_repr`: the tag repr, the case names an enum tag imposes, and the tag typename;
        then, as `validate_union` and `validate_variant` do next, an enum tag must have `cases` cases."""
        if tag is None:
            return IntRepr.U32, None, None
        tref = self.datatype(tag, False, span)
        if tref is None:
            return None
        ty = resolve(tref)
        named = tref if isinstance(tref, NamedType) else None
        if isinstance(ty, VariantType):
            if not ty.is_enum():
                self.error("E0309", "Invalid union tag: all variant cases should have empty payloads", span)
                return None
            if len(ty.cases) != cases:
                self.error("E0308", f"Union expected {len(ty.cases)} variants, found {cases}", span)
                return None
            return ty.tag_repr, [c.name for c in ty.cases], named
        if isinstance(ty, Builtin) and ty.kind in _INT_REPR:
            return _INT_REPR[ty.kind], None, named
        self.error("E0303", f"Wrong kind of name `tag`: expected enum or builtin, got {type_kind(ty)}", span)
        return None

    def union(self, t: TdUnion, span: Span) -> TypeRef | None:
        tag = self.tag(t.tag, len(t.members), span)
        if tag is None:
            return None
        repr_, names, _ = tag
        cases = []
        for i, m in enumerate(t.members):
            tref = self.datatype(m.type, False, span)
            if tref is None:
                return None
            self._needs_layout(tref, m.type)
            cases.append(Case(names[i] if names is not None else str(i), tref, m.docs))
        return VariantType(repr_, tuple(cases), form="union")

    def variant(self, t: TdVariant, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        tag = self.tag(t.tag, len(t.cases), span)
        if tag is None:
            return None
        repr_, names, tag_type = tag
        remaining = set(names) if names is not None else None
        seen: dict[str, Span] = {}
        cases: list[Case] = []
        ok = True
        for c in t.cases:
            n = c.name
            if remaining is not None:
                if n.text not in remaining:
                    self.error("E0310", f"Invalid union field `{n.text}`: does not correspond to variant in tag `tag`",
                               n.span)
                    ok = False
                    continue
                remaining.discard(n.text)
                if tag_type is not None:
                    self.symbols.refer_at(SymbolKind.CASE, (tag_type.name, n.text), self.path, n.span)
            elif n.text in seen:
                # Not checked by the reference without an enum tag. The type is kept as the
                # reference has it (both cases), so that what refers to it is still checked.
                self.error("E0311", f"duplicate case name `{n.text}` in a variant", n.span,
                           (Related(self.path, seen[n.text], "first used here"),))
            if n.text not in seen:
                seen[n.text] = n.span
                if owner is not None:
                    self.symbols.define_at(SymbolKind.CASE, (*owner, n.text), self.path, n.span, c.span,
                                           c.docs)
            payload = None
            if c.type is not None:
                payload = self.datatype(c.type, False, n.span)
                if payload is None:
                    ok = False
                    continue
                self._needs_layout(payload, c.type)
            cases.append(Case(n.text, payload, c.docs, self.fs(n.span)))
        if not ok:
            return None
        if names is not None:
            order = {name: i for i, name in enumerate(names)}
            cases.sort(key=lambda c: order[c.name])
        return VariantType(repr_, tuple(cases), form="variant")

    def _needs_layout(self, tref: TypeRef, syntax: Typedef) -> None:
        """A zero-case variant inside a record, tuple or variant breaks the
        reference's layout code (align 0); the empty tuple is reported where written."""
        ty = resolve(tref)
        if isinstance(ty, VariantType) and not ty.cases:
            self.error("E0314", "a variant with no cases has alignment 0, so the reference crashes laying out "
                       "anything that contains it; give it at least one case", typedef_span(syntax))

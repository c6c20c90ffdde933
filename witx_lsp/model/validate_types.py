"""Validation of type syntax into model types (WebAssembly/WASI
tools/witx/src/validate.rs, `validate_datatype` and friends, witx 0.9.1).

Every check reports with the reference's message text and location; a failed
type returns None, and None propagates to the enclosing declaration without
further messages (the reference stops at the first error instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

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
    Cases,
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
    Type,
    TypeRef,
    VariantType,
    resolve,
    type_kind,
    visit,
)

# (An enum member is a class attribute lookup that costs several times a global's; these run for every name.)
_TYPENAME, _MODULE = SymbolKind.TYPENAME, SymbolKind.MODULE
_INT_REPR = {BuiltinKind.U8: IntRepr.U8, BuiltinKind.U16: IntRepr.U16, BuiltinKind.U32: IntRepr.U32,
             BuiltinKind.U64: IntRepr.U64}
# Rust `Debug` of BuiltinType, as InvalidRepr prints it.
_DEBUG = {BuiltinKind.U8: "U8 { lang_c_char: false }", BuiltinKind.U16: "U16",
          BuiltinKind.U32: "U32 { lang_ptr_size: false }", BuiltinKind.U64: "U64", BuiltinKind.S8: "S8",
          BuiltinKind.S16: "S16", BuiltinKind.S32: "S32", BuiltinKind.S64: "S64", BuiltinKind.F32: "F32",
          BuiltinKind.F64: "F64", BuiltinKind.CHAR: "Char"}


_new = tuple.__new__  # `_new(FileSpan, (path, span))`: FileSpan(path, span) without its Python-level __new__


@dataclass(slots=True)
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
        # Types without positions (lists, pointers, `expected`) made once per load for the same parts
        # (by identity; each entry holds its parts, so their ids stay theirs): equal values, shared.
        self._made: dict[tuple[type, int] | tuple[type, int, int], TypeRef] = {}

    # --- reporting ---------------------------------------------------------------------------

    def fs(self, span: Span) -> FileSpan:
        return _new(FileSpan, (self.path, span))

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
        cls = t.__class__
        if cls is TdRef:
            return self.ref(t.name)  # type: ignore[union-attr]
        if cls is TdBuiltin:
            return t.builtin  # type: ignore[union-attr]
        if not named and cls in _STRUCTURED:
            kw = _STRUCTURED[cls]
            self.error("E0307", "Anonymous structured types (struct, union, enum, flags, handle) are not permitted",
                       span, (Related(self.path, typedef_span(t), f"this `{kw}` has no name; define it with "
                                      "`(typename $name …)` and refer to it by name"),))
            return None
        return _DATATYPE[cls](self, t, span, owner)

    def _string(self, t: TdString, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        return STRING

    def _bool(self, t: TdBool, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        return BOOL

    def _list(self, t: TdList, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        e = self.datatype(t.element, False, span)
        return None if e is None else self._shared(ListType, e)

    def _pointer(self, t: TdPointer, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        p = self.datatype(t.pointee, False, span)
        return None if p is None else self._shared(ConstPointerType if t.const else PointerType, p)

    def _shared(self, kind: type[ListType | PointerType | ConstPointerType], part: TypeRef) -> TypeRef:
        """The one value of `kind` around `part` in this load (equal values are shared: fewer
        allocations, and later checks of the same parts hit the same object). The memo holds the
        value, and the value its part, so the id in the key is never reused while it is kept."""
        key = (kind, id(part))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = kind(part)
        return made

    def _handle(self, t: TdHandle, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        return HandleType()

    def ref(self, name: Name) -> TypeRef | None:
        entry = self.scope.get(name.text)
        if entry is None:
            self.error("E0301", f"Unknown name `{name.text}`", name.span)
            return None
        self.symbols.recorder()((False, _TYPENAME if entry.kind == "typename" else _MODULE, (name.text,), self.path,
                                 name.span, None, ""))
        value = entry.value
        if isinstance(value, NamedType):
            return value
        if value == "broken":
            return None
        if value is None:
            self.error("E0304", f"Recursive definition of name `{name.text}`", name.span,
                       (Related(entry.span.path, entry.span.span, "the definition that refers to itself"),))
            return None
        self.error("E0303", f"Wrong kind of name `{name.text}`: expected datatype, got module", name.span,
                   (Related(entry.span.path, entry.span.span, f"`{name.text}` is a module"),))
        return None

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
        record, path = self.symbols.recorder(), self.path
        for n in names:
            text = n.text
            if text in seen:
                self.redefinition(n, self.fs(seen[text]))
                ok = False
                continue
            seen[text] = n.span
            if owner is not None:
                record((True, kind, (*owner, text), path, n.span, n.span, ""))
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
        path = self.path
        cases = tuple([Case(m.name.text, None, m.docs, _new(FileSpan, (path, m.name.span))) for m in t.members])
        return VariantType(repr_, cases, form="enum")

    def flags(self, t: TdFlags, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        repr_ = self._repr_and_members(t.repr, [m.name for m in t.flags], owner, SymbolKind.FLAG, span)
        if repr_ is None:
            return None
        path = self.path
        members = tuple([RecordMember(m.name.text, BOOL, m.docs, _new(FileSpan, (path, m.name.span))) for m in t.flags])
        return RecordType(RecordKind.BITFLAGS, members, repr_, form="flags")

    def record(self, t: TdRecord, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        ok = self._members([f.name for f in t.fields], owner, SymbolKind.FIELD)
        members = []
        path = self.path
        for f in t.fields:
            tref = self.datatype(f.type, False, f.name.span)
            if tref is None:
                ok = False
                continue
            self._needs_layout(tref, f.type)
            members.append(RecordMember(f.name.text, tref, f.docs, _new(FileSpan, (path, f.name.span))))
        return RecordType(RecordKind.OTHER, tuple(members), form="record") if ok else None

    def tuple_(self, t: TdTuple, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
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

    def expected(self, t: TdExpected, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
        ok = self.datatype(t.ok, False, span) if t.ok is not None else None
        err = self.datatype(t.err, False, span) if t.err is not None else None
        if (t.ok is not None and ok is None) or (t.err is not None and err is None):
            return None
        if ok is not None and t.ok is not None:
            self._needs_layout(ok, t.ok)
        if err is not None and t.err is not None:
            self._needs_layout(err, t.err)
        key = (VariantType, id(ok), id(err))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = VariantType(IntRepr.U32, (Case("ok", ok), Case("err", err)), form="expected")
        return made

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

        def wrong_kind(t: Type) -> None:
            self.error("E0303", f"Wrong kind of name `tag`: expected enum or builtin, got {type_kind(t)}", span)

        def variant(v: VariantType) -> tuple[IntRepr, list[str] | None, NamedType | None] | None:
            if not v.is_enum():
                self.error("E0309", "Invalid union tag: all variant cases should have empty payloads", span)
                return None
            if len(v.cases) != cases:
                self.error("E0308", f"Union expected {len(v.cases)} variants, found {cases}", span)
                return None
            return v.tag_repr, [c.name for c in v.cases], named

        def builtin(b: Builtin) -> tuple[IntRepr, list[str] | None, NamedType | None] | None:
            if b.kind in _INT_REPR:
                return _INT_REPR[b.kind], None, named
            wrong_kind(b)
            return None

        return visit(ty, Cases(builtin=builtin, variant=variant, list_=wrong_kind, pointer=wrong_kind,
                               const_pointer=wrong_kind, record=wrong_kind, handle=wrong_kind))

    def union(self, t: TdUnion, span: Span, owner: tuple[str, ...] | None) -> TypeRef | None:
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
        ty = tref
        while isinstance(ty, NamedType):  # (`resolve`, inline: this runs for every member)
            ty = ty.tref
        if isinstance(ty, VariantType) and not ty.cases:
            self.error("E0314", "a variant with no cases has alignment 0, so the reference crashes laying out "
                       "anything that contains it; give it at least one case", typedef_span(syntax))


# The structured types, which must be named (their keyword, for the message).
_STRUCTURED: dict[type, str] = {TdEnum: "enum", TdFlags: "flags", TdRecord: "record", TdUnion: "union",
                                TdHandle: "handle"}
# `validate_datatype` by the class of the syntax (TdRef and TdBuiltin are answered first).
_DATATYPE: dict[type, Callable[[TypeValidator, Any, Span, tuple[str, ...] | None], TypeRef | None]] = {
    TdString: TypeValidator._string, TdBool: TypeValidator._bool, TdList: TypeValidator._list,
    TdPointer: TypeValidator._pointer, TdHandle: TypeValidator._handle, TdEnum: TypeValidator.enum,
    TdFlags: TypeValidator.flags, TdRecord: TypeValidator.record, TdTuple: TypeValidator.tuple_,
    TdExpected: TypeValidator.expected, TdUnion: TypeValidator.union, TdVariant: TypeValidator.variant}

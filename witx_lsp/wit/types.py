"""witx types -> WIT type expressions and type definitions (the mapping table of
docs/wit.md, "Types"). `TypeWriter` holds one conversion's names and diagnostics;
`convert.py` drives it over the document."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from witx_lsp.base.span import FileSpan
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    HandleType,
    IntRepr,
    ListType,
    NamedType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wit.names import Scope, escape, is_plain, kebab

# WIT's `flags` hold at most 32 names: the component model's binary validator refuses more
# (wasmparser, bytecodealliance/wasm-tools crates/wasmparser/src/validator/component_types.rs:
# "cannot have more than 32 flags"), although wit-parser itself accepts them.
MAX_FLAGS = 32
INDENT = "  "

# Report(code, where, message): the diagnostics sink of one conversion.
Report = Callable[[str, "FileSpan | None", str], None]


def canonical_discriminant(cases: int) -> IntRepr:
    """The tag width the component model's canonical ABI gives a variant or enum of `cases` cases."""
    return IntRepr.U8 if cases <= 1 << 8 else IntRepr.U16 if cases <= 1 << 16 else IntRepr.U32


def canonical_flags(count: int) -> IntRepr:
    """The storage the canonical ABI gives `count` flags (up to 32)."""
    return IntRepr.U8 if count <= 8 else IntRepr.U16 if count <= 16 else IntRepr.U32


# Characters wit-parser refuses anywhere in a file (its lexer's `detect_invalid_input`): controls other
# than tab and line breaks, and the bidirectional overrides.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def doc_lines(docs: str, indent: str) -> list[str]:
    """witx `;;;` documentation as WIT `///` lines; characters wit-parser refuses become U+FFFD."""
    if not docs.strip():
        return []
    out = []
    for line in docs.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"):
        safe = _UNSAFE.sub("\ufffd", line)
        out.append(f"{indent}///{' ' + safe if safe.strip() else ''}".rstrip())
    return out


_BUILTIN = {BuiltinKind.F32: "f32", BuiltinKind.F64: "f64"}


class TypeWriter:
    """Type expressions and definitions for one conversion.

    `names` maps each witx typename to its WIT identifier; `report` receives the
    diagnostics; `handles` is "resource" or "u32". Anonymous variants (WIT has no
    anonymous variant or enum) are defined under a made-up name into `pending`,
    which the caller places before the item that needed them.
    """

    def __init__(self, names: dict[str, str], report: Report, handles: str) -> None:
        self.names = names
        self.report = report
        self.handles = handles
        self.pending: list[str] = []
        self.scope = Scope()
        # In a module's interface: WIT type identifier -> its name there (after `use types.{...}`).
        self.local: dict[str, str] | None = None

    def ident(self, witx: str, at: FileSpan | None, what: str, scope: Scope) -> str:
        """A unique WIT identifier in `scope` for a witx name; W0701 when it is not the plain spelling."""
        ident = scope.claim(kebab(witx))
        if not is_plain(witx, ident):
            self.report("W0701", at, f"{what} `{witx}` is named `{ident}` in WIT (WIT identifiers are kebab-case "
                                     "words that each start with a letter, unique in their scope)")
        return ident

    # --- expressions --------------------------------------------------------------------------

    def expr(self, tref: TypeRef, at: FileSpan | None, hint: str, borrow: bool = False) -> str:
        """The WIT type for a reference; `hint` names an anonymous type that needs a name;
        `borrow`: a function parameter (a handle is passed as `borrow<...>`)."""
        if isinstance(tref, NamedType):
            ident = self.names.get(tref.name)
            if ident is None:  # a typename the validator rejected: keep the output parseable
                return "u32"
            if self.local is not None:
                if ident not in self.local:
                    self.local[ident] = self.scope.claim(ident)  # a function of that name: `use ... as`
                ident = self.local[ident]
            if borrow and self.handles == "resource" and isinstance(resolve(tref), HandleType):
                return f"borrow<{escape(ident)}>"
            return escape(ident)
        return self._anonymous(tref, at, hint)

    def _anonymous(self, t: Type, at: FileSpan | None, hint: str) -> str:
        def list_(t: ListType) -> str:
            el = t.element
            if isinstance(el, Builtin) and el.kind is BuiltinKind.CHAR and not el.lang_c_char:
                return "string"
            return f"list<{self.expr(el, at, hint + '-element')}>"

        def pointer(kind: str) -> str:
            self.report("W0702", at, f"`(@witx {kind} ...)` has no WIT equivalent; it becomes `u32` (an address "
                                     "in the guest's memory, which a component does not share)")
            return "u32"

        def variant(t: VariantType) -> str:
            if t.form == "expected":
                ok, err = t.cases[0].tref, t.cases[1].tref
                if ok is None and err is None:
                    return "result"
                ok_s = "_" if ok is None else self.expr(ok, at, hint + "-ok")
                return f"result<{ok_s}>" if err is None else f"result<{ok_s}, {self.expr(err, at, hint + '-error')}>"
            return "bool" if t.form == "bool" else self._defined(t, at, hint)

        return visit(t, Cases(
            builtin=lambda t: self.builtin(t, at), list_=list_,
            pointer=lambda _: pointer("pointer"), const_pointer=lambda _: pointer("const_pointer"),
            record=lambda t: self.tuple_expr(t, at, hint) if t.kind is RecordKind.TUPLE else self._defined(t, at, hint),
            variant=variant, handle=lambda t: self._defined(t, at, hint)))

    def _defined(self, t: Type, at: FileSpan | None, hint: str) -> str:
        """A variant (or, from a rejected document, any structured type) written in place: defined
        under a made-up name."""
        ident = self.scope.claim(kebab(hint))
        self.report("W0711", at, f"WIT has no anonymous {visit(t, _KIND_WORD)}: it is defined as `{ident}`")
        self.pending.extend(self.define(ident, t, at, INDENT))
        return escape(ident)

    def builtin(self, t: Builtin, at: FileSpan | None) -> str:
        if t.lang_ptr_size:
            self.report("W0706", at, "`(@witx usize)` becomes a plain `u32`: WIT has no pointer-sized integer")
            return "u32"
        if t.lang_c_char:
            self.report("W0706", at, "`(@witx char8)` becomes a plain `u8`: WIT has no C `char`")
            return "u8"
        return _BUILTIN.get(t.kind, t.kind.value)

    def tuple_expr(self, t: RecordType, at: FileSpan | None, hint: str) -> str:
        if not t.members:
            self.report("W0710", at, "an empty tuple: the component model has no empty tuple (wit-parser "
                                     "accepts `tuple<>`, a component's type validation does not)")
        parts = [self.expr(m.tref, m.span or at, f"{hint}-{i}") for i, m in enumerate(t.members)]
        return f"tuple<{', '.join(parts)}>"

    # --- definitions --------------------------------------------------------------------------

    def define(self, ident: str, t: TypeRef, at: FileSpan | None, indent: str) -> list[str]:
        """The WIT definition (without docs) of type `t` named `ident`."""
        name = escape(ident)

        def alias(_: object) -> list[str]:
            return [f"{indent}type {name} = {self.expr(t, at, ident)};"]

        def record(r: RecordType) -> list[str]:
            if r.kind is RecordKind.OTHER:
                return self._record(name, ident, r, at, indent)
            return self._flags(name, ident, r, at, indent) if r.kind is RecordKind.BITFLAGS else alias(r)

        def variant(v: VariantType) -> list[str]:
            return alias(v) if v.form in ("expected", "bool") else self._variant(name, ident, v, at, indent)

        if isinstance(t, NamedType):
            return alias(t)
        return visit(t, Cases(builtin=alias, list_=alias, pointer=alias, const_pointer=alias, record=record,
                              variant=variant, handle=lambda _: self._handle(name, at, indent)))

    def members(self, members: Sequence[tuple[str, str, TypeRef | None, FileSpan | None]], what: str,
                 owner: str, indent: str) -> list[str]:
        """`(witx name, docs, type, span)` -> the lines of `name: type,` / `name(type),` / `name,`."""
        scope = Scope()
        lines = []
        for witx, docs, tref, span in members:
            ident = self.ident(witx, span, what, scope)
            lines += doc_lines(docs, indent + INDENT)
            if tref is None:
                lines.append(f"{indent}{INDENT}{escape(ident)},")
            else:
                ty = self.expr(tref, span, f"{owner}-{ident}")
                sep = ": " if what == "field" else "("
                lines.append(f"{indent}{INDENT}{escape(ident)}{sep}{ty}{'' if what == 'field' else ')'},")
        return lines

    def _record(self, name: str, ident: str, t: RecordType, at: FileSpan | None, indent: str) -> list[str]:
        if not t.members:
            self.report("W0710", at, "an empty record: the component model requires at least one field "
                                     "(wit-parser accepts `record {}`, a component's type validation does not)")
        body = self.members([(m.name, m.docs, m.tref, m.span) for m in t.members], "field", ident, indent)
        return [f"{indent}record {name} {{", *body, f"{indent}}}"]

    def _flags(self, name: str, ident: str, t: RecordType, at: FileSpan | None, indent: str) -> list[str]:
        members = [(m.name, m.docs, None, m.span) for m in t.members]
        count = len(members)
        if t.repr is not None and count <= MAX_FLAGS and t.repr is not canonical_flags(count):
            self.report("W0704", at, f"the flags are stored as `{t.repr.value}` in witx; WIT does not keep the "
                                     f"width (the canonical ABI stores {count} flags as "
                                     f"`{canonical_flags(count).value}`)")
        if count <= MAX_FLAGS:
            return [f"{indent}flags {name} {{", *self.members(members, "flag", ident, indent), f"{indent}}}"]
        parts = [members[i:i + MAX_FLAGS] for i in range(0, count, MAX_FLAGS)]
        self.report("W0705", at, f"{count} flags are more than WIT's {MAX_FLAGS}: split into {len(parts)} flags "
                                 f"types, the fields of record `{ident}`")
        lines: list[str] = []
        fields = []
        for i, part in enumerate(parts, 1):
            part_ident = self.scope.claim(f"{ident}-part{i}")
            lines += [f"{indent}flags {escape(part_ident)} {{", *self.members(part, "flag", ident, indent),
                      f"{indent}}}"]
            fields.append(f"{indent}{INDENT}part{i}: {escape(part_ident)},")
        return [*lines, f"{indent}record {name} {{", *fields, f"{indent}}}"]

    def _variant(self, name: str, ident: str, t: VariantType, at: FileSpan | None, indent: str) -> list[str]:
        if not t.cases:
            self.report("W0710", at, "an empty variant: the component model requires at least one case")
        if t.tag_repr is not canonical_discriminant(len(t.cases)):
            self.report("W0704", at, f"the tag is a `{t.tag_repr.value}` in witx; WIT does not keep the width "
                                     f"(the canonical ABI tags {len(t.cases)} cases with a "
                                     f"`{canonical_discriminant(len(t.cases)).value}`)")
        is_enum = t.is_enum() and bool(t.cases)
        members = [(c.name, c.docs, c.tref, c.span) for c in t.cases]
        body = self.members(members, "case", ident, indent)
        return [f"{indent}{'enum' if is_enum else 'variant'} {name} {{", *body, f"{indent}}}"]

    def _handle(self, name: str, at: FileSpan | None, indent: str) -> list[str]:
        if self.handles == "u32":
            self.report("W0708", at, "a `handle` becomes a `u32` alias (asked for with `--handles u32`): "
                                     "WIT does not know it is a handle")
            return [f"{indent}type {name} = u32;"]
        self.report("W0708", at, "a `handle` becomes a `resource`: functions take it as `borrow<...>` and records "
                                 "and results hold an owned handle, which the component model tracks (witx "
                                 "handles are plain numbers)")
        return [f"{indent}resource {name};"]


# What a structured type is called in W0711.
_KIND_WORD: Cases[str] = Cases(
    builtin=lambda _: "type", list_=lambda _: "type", pointer=lambda _: "type", const_pointer=lambda _: "type",
    record=lambda t: "flags" if t.kind is RecordKind.BITFLAGS else "record",
    variant=lambda t: "enum" if t.is_enum() else "variant", handle=lambda _: "handle")

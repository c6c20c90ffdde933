"""Generator hazards: witx that `wiggle::from_witx!` (wasmtime v5-v19) panics on,
or turns into Rust that does not compile (bytecodealliance/wasmtime crates/wiggle/generate/src,
v19.0.2: `names.rs` `format_ident!`, `types/*.rs`, `funcs.rs`).

W0601 anonymous `bool`            W0607 error type that is not an enum
W0602 `char` value                W0608 anonymous list/string record member
W0603 named tuple                 W0609 name that is no Rust identifier
W0604 untagged union              W0610 two names, one Rust name
W0605 named string                W0611 name that shadows a Rust prelude item
W0606 result that is not `expected`

Each is a warning at the construct, saying what the generator would do and
how to avoid it; W0609-W0611 are checked in `hazard_names.py`. The rules mirror bytecodealliance/wasmtime
crates/wiggle/generate/src (names.rs `type_ref`, types/record.rs, funcs.rs,
module_trait.rs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from witx_lsp.abi import AbiError
from witx_lsp.abi.host_call import host_call
from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import FileSpan
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    ConstPointerType,
    HandleType,
    InterfaceFunc,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    inner_types,
    resolve,
    visit,
)
from witx_lsp.wiggle.codegen.config import DEFAULT_CONFIG, Config
from witx_lsp.wiggle.codegen.funcs import error_panic
from witx_lsp.wiggle.codegen.hazard_names import PRELUDE_TYPES, PRELUDE_VALUES, DeclHazards, NameHazards, nothing
from witx_lsp.wiggle.codegen.spans import form_span, keyword_span, type_span
from witx_lsp.wiggle.codegen.typeref import is_string, witx_text


def _is_bool(t: TypeRef) -> bool:
    return isinstance(t, VariantType) and t.is_bool()


def _is_char(t: TypeRef) -> bool:
    r = resolve(t)
    return isinstance(r, Builtin) and r.kind is BuiltinKind.CHAR


def _anonymous(tref: TypeRef) -> Iterator[TypeRef]:
    """`tref` and the anonymous types inside it (never looking through a typename)."""
    stack = [tref]
    while stack:
        t = stack.pop()
        if isinstance(t, NamedType):
            continue
        yield t
        stack.extend(reversed(inner_types(t)))


def _has_anonymous_bool(tref: TypeRef) -> bool:
    return any(_is_bool(t) for t in _anonymous(tref))


# What an anonymous member type is called in W0608 (only lists, records and variants are).
_KIND_WORD: Cases[str] = Cases(
    builtin=lambda _: "type", pointer=lambda _: "type", const_pointer=lambda _: "type", handle=lambda _: "type",
    list_=lambda t: "string" if is_string(t) else "list",
    record=lambda t: "tuple" if t.kind is RecordKind.TUPLE else "record",
    variant=lambda t: "bool" if t.is_bool() else t.form)


class _Hazards(NameHazards):
    """The type and function hazards (W0601-W0608); the name hazards are NameHazards'."""

    # --- types ----------------------------------------------------------------------------------------

    def typedef(self, named: NamedType) -> None:
        if not isinstance(named.tref, NamedType):  # an alias has the hazards of what it names
            visit(named.tref, _TypedefHazards(self, named))

    def member(self, named: NamedType, name: str, tref: TypeRef, span: FileSpan | None) -> None:
        where = f"field `{name}` of `${named.name}`"
        if _is_bool(tref):
            self.add("W0601", f"anonymous `bool` in {where}: wiggle-generate panics (“not implemented: other "
                     "anonymous struct members”); define `(typename $flag bool)` and use `$flag`",
                     keyword_span(self.analysis, span, "bool"), {"panic": "not implemented: other anonymous "
                                                                           "struct members"})
        elif not isinstance(tref, NamedType):
            def anonymous(t: Type) -> None:
                self.anonymous_member(where, name, t, span)

            visit(tref, Cases(builtin=nothing, handle=nothing, list_=anonymous, record=anonymous, variant=anonymous,
                              pointer=lambda t: self.anonymous_bools(t.pointee, where, span, None),
                              const_pointer=lambda t: self.anonymous_bools(t.pointee, where, span, None)))
        if _is_char(tref):
            self.char_in_memory(where, keyword_span(self.analysis, span, "char") or type_span(self.analysis, span))

    def anonymous_member(self, where: str, name: str, t: Type, span: FileSpan | None) -> None:
        """W0608: a struct member that is an anonymous list, record or variant."""
        kind = visit(t, _KIND_WORD)
        # A named `string` is a hazard of its own (W0605: it becomes `[char]`), so strings are
        # advised to be named byte lists.
        suggested = "(list u8)" if kind == "string" else witx_text(t)
        also = " (a named `string` would become `[char]`, see W0605)" if kind == "string" else ""
        self.add("W0608", f"{where} is an anonymous {kind}, `{witx_text(t)}`: wiggle-generate panics "
                 "(“not implemented: other anonymous struct members”); define it as a typename, e.g. "
                 f"`(typename ${name}_{'bytes' if kind == 'string' else kind} {suggested})`{also}, "
                 "and use that",
                 type_span(self.analysis, span), {"panic": "not implemented: other anonymous struct members",
                                                  "kind": kind})

    def anonymous_bools(self, tref: TypeRef, where: str, span: FileSpan | None, fallback: FileSpan | None) -> None:
        if not _has_anonymous_bool(tref):
            return
        at = keyword_span(self.analysis, span, "bool") or fallback
        self.add("W0601", f"anonymous `bool` in {where}: wiggle-generate panics (“not implemented: anonymous "
                 "variant ref”), so the macro fails; define `(typename $flag bool)` and use `$flag`",
                 at, {"panic": "not implemented: anonymous variant ref"})

    def char_in_memory(self, where: str, at: FileSpan | None) -> None:
        self.add("W0602", f"`char` in {where}: the generated code reads and writes it through `GuestType`, "
                 "which wiggle does not implement for `char`, so the Rust does not compile; use `u32` "
                 "(a Unicode scalar value) instead", at, {"reason": "no GuestType for char"})

    # --- functions ------------------------------------------------------------------------------------

    def func(self, func: InterfaceFunc) -> None:
        fname, params, results = func.name, func.params, func.results
        for p in params:
            self.anonymous_bools(p.tref, f"parameter `{p.name}` of `{fname}`", p.span, p.span)
            if _is_char(p.tref):
                self.add("W0602", f"`char` parameter `{p.name}` of `{fname}`: wiggle-generate panics (“no "
                         "implementation for CharFromI32”); pass a `u32` (a Unicode scalar value) or a `string`",
                         keyword_span(self.analysis, p.span, "char"), {"panic": "no implementation for CharFromI32"})
        for i, r in enumerate(results):
            at = type_span(self.analysis, r.span)
            if i > 0:
                self.add("W0606", f"`{fname}` has more than one result: wiggle-generate panics (“not "
                         "implemented”); return one `(expected …)`", at, {"panic": "not implemented"})
                continue
            t = resolve(r.tref)
            shape = t.as_expected() if isinstance(t, VariantType) else None
            if shape is None:
                self.add("W0606", f"result `{r.name}` of `{fname}` is `{witx_text(r.tref)}`, not an `expected`: "
                         "wiggle-generate panics (“not implemented”); return "
                         "`(expected <ok type> (error $errno))`", at, {"panic": "not implemented"})
                continue
            ok, err = shape
            if ok is not None and _is_char(ok):
                self.char_in_memory(f"result `{r.name}` of `{fname}`", at)
            if err is None:
                self.add("W0607", f"the `expected` result `{r.name}` of `{fname}` has no error type: "
                         "wiggle-generate panics (“called `Option::unwrap()` on a `None` value”); add "
                         "`(error $errno)` with an enum", at, {"panic": "called `Option::unwrap()` on a `None` value"})
                continue
            et = resolve(err)
            if isinstance(et, VariantType) and et.is_enum():
                continue  # lowered by `enum.lower`, which wiggle implements (skips reading the stream)
            # How the error is lowered, as the function's `call_interface` stream says (none when the
            # adapter fails before it gets there: an inline parameter type it cannot name).
            call = host_call(func)
            panic = error_panic(call.result) if not isinstance(call, AbiError) and call.result else None
            if panic is not None:
                self.add("W0607", f"the error type of result `{r.name}` of `{fname}` is `{witx_text(err)}`, which "
                         f"is not an enum: wiggle-generate panics (“{panic}”); use an enum such as `$errno`",
                         form_span(self.analysis, r.span, "error"), {"panic": panic})

def typename_hazards(analysis: Analysis, named: NamedType, config: Config = DEFAULT_CONFIG) -> DeclHazards:
    """What one typename contributes. It depends on the typename (an immutable value
    holding its whole type tree), the syntax tree of its file (for positions) and
    `config`, on nothing else in the analysis."""
    h = _Hazards(analysis, config)
    h.typedef(named)
    own = h.take()
    rust = h.typename_names(named)
    return DeclHazards(own, h.take(), rust)


def function_hazards(analysis: Analysis, func: InterfaceFunc, config: Config = DEFAULT_CONFIG) -> DeclHazards:
    """What one function contributes (depending on the same things as `typename_hazards`)."""
    h = _Hazards(analysis, config)
    h.func(func)
    own = h.take()
    rust = h.function_names(func)
    return DeclHazards(own, h.take(), rust)


def assemble(analysis: Analysis, config: Config, typenames: Sequence[DeclHazards],
             functions: Sequence[Sequence[DeclHazards]]) -> list[Diagnostic]:
    """Every hazard of the analysis from those of its declarations (`typenames`: one per
    typename of the document, in order; `functions`: one sequence per module, one per
    function), sorted by path and position."""
    h = _Hazards(analysis, config)
    for th in typenames:
        h.out += th.own
    for fhs in functions:
        for fh in fhs:
            h.out += fh.own
    h.collisions(typenames, functions)
    h.out.sort(key=lambda d: (d.path, d.span.start, d.code))
    return h.out


class _TypedefHazards:
    """The hazards of the type a typename defines (not of an alias: those are the named type's)."""

    def __init__(self, h: _Hazards, named: NamedType) -> None:
        self.h, self.named = h, named
        self.at = type_span(h.analysis, named.span)

    def on_builtin(self, t: Builtin) -> None:
        pass

    def on_handle(self, t: HandleType) -> None:
        pass

    def on_record(self, t: RecordType) -> None:
        named = self.named
        if t.kind is RecordKind.TUPLE:
            self.h.add("W0603", f"named tuple `${named.name}`: wiggle-generate panics (“Ident cannot be a number; "
                       "use Literal instead”) because the generated struct's fields would be named `0`, `1`, …; "
                       "use a record with named fields, or write the tuple where it is used",
                       self.at, {"typename": named.name, "panic": "Ident cannot be a number; use Literal instead"})
        elif t.kind is RecordKind.OTHER:
            for m in t.members:
                self.h.member(named, m.name, m.tref, m.span)

    def on_variant(self, t: VariantType) -> None:
        named = self.named
        if t.cases and all(c.name.isdigit() for c in t.cases):
            self.h.add("W0604", f"untagged union `${named.name}`: wiggle-generate panics (“Ident cannot be a "
                       "number; use Literal instead”) because the generated enum's variants would be named `0`, "
                       "`1`, …; use a `variant` with named cases, or tag the union with an enum "
                       "(`(@witx tag $t)`)", self.at, {"typename": named.name,
                                                      "panic": "Ident cannot be a number; use Literal instead"})
            return
        for c in t.cases:
            if c.tref is None:
                continue
            where = f"case `{c.name}` of `${named.name}`"
            self.h.anonymous_bools(c.tref, where, c.span, named.span)
            if _is_char(c.tref):
                self.h.char_in_memory(where, keyword_span(self.h.analysis, c.span, "char") or self.at)

    def on_list(self, t: ListType) -> None:
        named = self.named
        if is_string(t):
            self.h.add("W0605", f"named string `${named.name}`: wiggle defines it as "
                       f"`wiggle::GuestPtr<'a, [char]>`, not `wiggle::GuestPtr<'a, str>` as it spells an "
                       "anonymous `string`, and its glue builds a `GuestPtr<str>` for a parameter of this type, "
                       f"so Rust that uses `${named.name}` does not compile; write `string` where you use it",
                       self.at, {"typename": named.name, "rust": "wiggle::GuestPtr<'a, [char]>"})
        else:
            self.h.anonymous_bools(t.element, f"the element type of `${named.name}`", named.span, None)

    def on_pointer(self, t: PointerType) -> None:
        self.h.anonymous_bools(t.pointee, f"the pointee of `${self.named.name}`", self.named.span, None)

    def on_const_pointer(self, t: ConstPointerType) -> None:
        self.h.anonymous_bools(t.pointee, f"the pointee of `${self.named.name}`", self.named.span, None)


def hazard_diagnostics(analysis: Analysis, config: Config = DEFAULT_CONFIG) -> list[Diagnostic]:
    """Every generator hazard of the analysed document under `config` (W0601-W0611)."""
    doc = analysis.document
    return assemble(analysis, config, [typename_hazards(analysis, t, config) for t in doc.typenames],
                    [[function_hazards(analysis, f, config) for f in m.funcs] for m in doc.modules])


__all__ = ["PRELUDE_TYPES", "PRELUDE_VALUES", "DeclHazards", "assemble", "function_hazards", "hazard_diagnostics",
           "typename_hazards"]

"""The canonical S-expression form of a Document, character for character as
the reference prints it (WebAssembly/WASI tools/witx/src/render.rs,
`impl Display for Document`, witx 0.9.1).

All typenames come first, then all modules, one per line. Doc strings are
printed as `(;; {docs} ;) ` before the item they belong to. Constants and `use`
forms are not printed. Every variant shows its tag explicitly: `bool` when it
is bool-shaped, `enum` when no case has a payload, `variant` otherwise, so
`expected` and `union` come out as variants with their desugared case names.

Printing walks the type tree with an explicit stack, so nesting depth is not
limited by Python's recursion limit.
"""

from __future__ import annotations

from witx_lsp.model.types import (
    Cases,
    Document,
    InterfaceFunc,
    Module,
    NamedType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    visit,
)

# A piece of output: literal text, or a type reference still to be expanded.
_Piece = str | TypeRef


def _docs(docs: str) -> str:
    """The doc-comment prefix of an item (render.rs `SExpr::docs`: nothing when empty)."""
    return f"(;; {docs} ;) " if docs else ""


def _type_pieces(tref: TypeRef) -> list[_Piece]:
    """One level of a type's form; nested type references stay unexpanded."""
    if isinstance(tref, NamedType):
        return [f"${tref.name}"]
    return visit(tref, _PIECES)


def _record_pieces(rec: RecordType) -> list[_Piece]:
    out: list[_Piece]
    if rec.kind is RecordKind.TUPLE:
        out = ["(tuple"]
        for m in rec.members:
            out += [" " + _docs(m.docs), m.tref]
    elif rec.kind is RecordKind.BITFLAGS:
        repr_ = rec.repr.value if rec.repr is not None else "u32"
        out = [f"(flags (@witx repr {repr_})"]
        out += [f" {_docs(m.docs)}${m.name}" for m in rec.members]
    else:
        out = ["(record"]
        for m in rec.members:
            out += [f" {_docs(m.docs)}(field ${m.name} ", m.tref, ")"]
    out.append(")")
    return out


def _variant_pieces(var: VariantType) -> list[_Piece]:
    if var.is_bool():
        return ["bool"]
    tag = var.tag_repr.value
    out: list[_Piece]
    if var.is_enum():
        out = [f"(enum (@witx tag {tag})"]
        out += [f" {_docs(c.docs)}${c.name}" for c in var.cases]
    else:
        out = [f"(variant (@witx tag {tag})"]
        for c in var.cases:
            if c.tref is None:
                out.append(f" {_docs(c.docs)}(case ${c.name})")
            else:
                out += [f" {_docs(c.docs)}(case ${c.name} ", c.tref, ")"]
    out.append(")")
    return out


_PIECES: Cases[list[_Piece]] = Cases(
    builtin=lambda t: [t.witx],  # usize and char8 as `(@witx usize)` / `(@witx char8)`
    list_=lambda t: ["(list ", t.element, ")"],
    pointer=lambda t: ["(@witx pointer ", t.pointee, ")"],
    const_pointer=lambda t: ["(@witx const_pointer ", t.pointee, ")"],
    handle=lambda _: ["(handle)"], record=_record_pieces, variant=_variant_pieces)


def _func_pieces(func: InterfaceFunc) -> list[_Piece]:
    out: list[_Piece] = [f' {_docs(func.docs)}(@interface func (export "{func.name}")']
    for p in func.params:
        out += [f" {_docs(p.docs)}(param ${p.name} ", p.tref, ")"]
    for r in func.results:
        out += [f" {_docs(r.docs)}(result ${r.name} ", r.tref, ")"]
    if func.noreturn:
        out.append(" (@witx noreturn)")
    out.append(")")
    return out


def _module_pieces(module: Module) -> list[_Piece]:
    out: list[_Piece] = [f"{_docs(module.docs)}(module ${module.name}"]
    out += [f' {_docs(i.docs)}(import "{i.name}" (memory))' for i in module.imports]
    for f in module.funcs:
        out += _func_pieces(f)
    out.append(")")
    return out


def _expand(pieces: list[_Piece]) -> str:
    out: list[str] = []
    stack = list(reversed(pieces))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        else:
            stack.extend(reversed(_type_pieces(item)))
    return "".join(out)


def render_type(tref: TypeRef) -> str:
    """A type reference as it appears in a definition: `$name` for a reference
    to a typename, the full form for an inline type."""
    return _expand([tref])


def render_document(doc: Document) -> str:
    """The whole document: every typename, then every module, each on its own line."""
    pieces: list[_Piece] = []
    for t in doc.typenames:
        pieces += [f"{_docs(t.docs)}(typename ${t.name} ", t.tref, ")\n"]
    for m in doc.modules:
        pieces += [*_module_pieces(m), "\n"]
    return _expand(pieces)

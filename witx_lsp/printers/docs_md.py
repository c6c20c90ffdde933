"""The Markdown documentation of a Document, byte for byte as the reference's
`witx docs` produces it (WebAssembly/WASI tools/witx/src/docs/ast.rs, md.rs and
mod.rs, witx 0.9.1).

The reference builds a tree of Markdown nodes and prints it depth first. Here
the same pre-order sequence of nodes is produced directly, with an explicit
stack (anonymous types can nest arbitrarily deep), and then printed. A heading
has one `#` per ancestor of the node plus one, or is a `-` bullet.

After the tree is built, every backticked span in the docs of a named node
becomes a link when it names an existing anchor (docs/mod.rs `parse_links`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from witx_lsp.layout import Layout, LayoutEngine, engine_for, layout_of
from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    Constant,
    Document,
    InterfaceFunc,
    ListType,
    Module,
    NamedType,
    Param,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    resolve,
    visit,
)

BULLET = "-"


class DocsError(Exception):
    """The reference's `to_md` panics on this document (a type it cannot lay
    out, or a constant whose type is not a typename)."""


def _heading(depth: int) -> str:
    """The heading of a section owned by a node with `depth` ancestors."""
    return "#" * (depth + 1)


def _link(anchor: str) -> str:
    # md.rs `gen_link`
    return f'<a href="#{anchor}" name="{anchor}"></a>'


@dataclass
class _Section:
    """md.rs `MdSection`: a heading, an optional anchor and a title; no docs."""

    heading: str
    title: str
    anchor: str | None = None

    def render(self, _links: frozenset[str]) -> str:
        link = f"{_link(self.anchor)} " if self.anchor is not None else ""
        return f"{self.heading} {link}{self.title}\n"


@dataclass
class _Named:
    """md.rs `MdNamedType`: a typename, member, case, constant, param or result."""

    heading: str
    anchor: str
    name: str
    docs: str
    ty: str | None = None

    def render(self, links: frozenset[str]) -> str:
        ty = f": {self.ty}" if self.ty is not None else ""
        return f"{self.heading} {_link(self.anchor)} `{self.name}`{ty}\n{parse_links(self.docs, links)}\n"


@dataclass
class _Func:
    """md.rs `MdFunc`: a `---` rule, then the signature line and the docs."""

    heading: str
    anchor: str
    name: str
    docs: str
    inputs: list[tuple[str, str]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    def render(self, links: frozenset[str]) -> str:
        inputs = ", ".join(f"{n}: {t}" for n, t in self.inputs)
        if not self.outputs:
            outputs = ""
        elif len(self.outputs) == 1:
            outputs = f" -> {self.outputs[0]}"
        else:
            outputs = f" -> ({', '.join(self.outputs)})"
        return (f"\n---\n\n{self.heading} {_link(self.anchor)} `{self.name}({inputs}){outputs}`\n"
                f"{parse_links(self.docs, links)}\n")


_Node = _Section | _Named | _Func


@dataclass
class _Expand:
    """Pending: the sections an inline type adds under the node `anchor`."""

    tref: TypeRef
    anchor: str
    depth: int


def parse_links(text: str, anchors: frozenset[str] | set[str]) -> str:
    """Turn each backticked span that names an anchor into a link, with `::`
    read as `.` (docs/mod.rs `parse_links`). Like the reference, text after
    a backtick that is never closed is dropped."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("`", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("`", start + 1)
        if end < 0:
            break  # the reference keeps the unclosed span in a buffer it never flushes
        name = text[start + 1:end]
        anchor = name.replace("::", ".")
        out.append(f"[`{name}`](#{anchor})" if anchor in anchors else f"`{name}`")
        pos = end + 1
    return "".join(out)


# -- type names (docs/ast.rs `TypeRef::type_name`) --------------------------------

_BUILTIN_NAMES = {k: k.value for k in BuiltinKind}


def _builtin_name(b: Builtin) -> str:
    # char8 prints as plain `u8`; usize keeps its own name.
    if b.kind is BuiltinKind.U32 and b.lang_ptr_size:
        return "usize"
    return _BUILTIN_NAMES[b.kind]


def type_name(tref: TypeRef) -> str:
    """The flattened name of a type reference used in headings and signatures:
    `errno`, `u8`, `string`, `List<T>`, `Pointer<T>`, `(A, B)`, `Record`,
    `Handle`, `Result<ok, err>`, `bool` or `Variant`."""
    out: list[str] = []
    stack: list[str | TypeRef] = [tref]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        pieces = [item.name] if isinstance(item, NamedType) else visit(item, _NAME_PIECES)
        stack.extend(reversed(pieces))
    return "".join(out)


def _list_name(t: ListType) -> list[str | TypeRef]:
    elem = resolve(t.element)
    if isinstance(elem, Builtin) and elem.kind is BuiltinKind.CHAR:
        return ["string"]
    return ["List<", t.element, ">"]


def _record_name(t: RecordType) -> list[str | TypeRef]:
    if t.kind is not RecordKind.TUPLE:
        return ["Record"]  # flags too
    pieces: list[str | TypeRef] = ["("]
    for i, m in enumerate(t.members):
        pieces += [", ", m.tref] if i else [m.tref]
    pieces.append(")")
    return pieces


def _variant_name(t: VariantType) -> list[str | TypeRef]:
    expected = t.as_expected()
    if expected is not None:
        ok, err = expected
        return ["Result<", "()" if ok is None else ok, ", ", "()" if err is None else err, ">"]
    return ["bool"] if t.is_bool() else ["Variant"]


# One level of `type_name`: text, and the type references still to be named.
_NAME_PIECES: Cases[list[str | TypeRef]] = Cases(
    builtin=lambda t: [_builtin_name(t)], list_=_list_name, record=_record_name, variant=_variant_name,
    pointer=lambda t: ["Pointer<", t.pointee, ">"], const_pointer=lambda t: ["ConstPointer<", t.pointee, ">"],
    handle=lambda _: ["Handle"])


def _ty(tref: TypeRef) -> str:
    """What follows `: ` after a named node (docs/ast.rs `TypeRef::generate`)."""
    if isinstance(tref, NamedType):
        return f"[`{tref.name}`](#{tref.name})"
    return f"`{type_name(tref)}`"


# -- the node sequence ----------------------------------------------------------


class _Builder:
    def __init__(self, doc: Document, engine: LayoutEngine) -> None:
        self.doc = doc
        self.engine = engine
        self.nodes: list[_Node] = []

    def layout(self, tref: TypeRef, what: str) -> Layout:
        lay = layout_of(tref, self.engine)
        if not lay.ok:
            t = resolve(tref)
            if isinstance(t, VariantType) and not t.cases:
                # A variant without cases is 0/0 for the reference; only what holds it fails.
                return Layout("variant", 0, 0, tag_size=t.tag_repr.size)
            raise DocsError(f"{what}: cannot be laid out ({lay.cause or lay.error})")
        return lay

    def run(self) -> list[_Node]:
        self.types()
        self.nodes.append(_Section(_heading(0), "Modules"))
        for m in self.doc.modules:
            self.module(m)
        return self.nodes

    def types(self) -> None:
        self.nodes.append(_Section(_heading(0), "Types"))
        constants: dict[str, list[Constant]] = {}
        for c in self.doc.constants:
            constants.setdefault(c.ty, []).append(c)
        for t in self.doc.typenames:
            lay = self.layout(t, f"type `{t.name}`")
            docs = f"{t.docs}\nSize: {lay.size}\n\nAlignment: {lay.align}\n"
            self.nodes.append(_Named(_heading(1), t.name, t.name, docs, _ty(t.tref)))
            consts = constants.pop(t.name, None)
            if consts:
                self.nodes.append(_Section(_heading(2), "Constants"))
                for c in consts:
                    self.nodes.append(_Named(BULLET, f"{t.name}.{c.name}", c.name, c.docs))
            self.expand(t.tref, t.name, 2)
        if constants:
            # docs/ast.rs asserts that every constant found its typename.
            names = ", ".join(f"`{n}`" for n in constants)
            raise DocsError(f"constants of {names}, which {'is' if len(constants) == 1 else 'are'} not a typename")

    def module(self, m: Module) -> None:
        self.nodes.append(_Section(_heading(1), m.name, anchor=m.name))
        self.nodes.append(_Section(_heading(2), "Imports"))
        for _ in m.imports:
            self.nodes.append(_Section(_heading(3), "Memory"))  # memory is the only importable thing
        self.nodes.append(_Section(_heading(2), "Functions"))
        for f in m.funcs:
            self.func(f)

    def func(self, f: InterfaceFunc) -> None:
        node = _Func(_heading(3), f.name, f.name, f.docs)
        node.inputs = [(p.name, type_name(p.tref)) for p in f.params]
        node.outputs = [type_name(r.tref) for r in f.results]
        self.nodes.append(node)
        self.nodes.append(_Section(_heading(4), "Params"))
        for p in f.params:
            self.param(f, p)
        self.nodes.append(_Section(_heading(4), "Results"))
        for r in f.results:
            self.param(f, r)

    def param(self, f: InterfaceFunc, p: Param) -> None:
        anchor = f"{f.name}.{p.name}"
        self.nodes.append(_Named(BULLET, anchor, p.name, p.docs, _ty(p.tref)))
        self.expand(p.tref, anchor, 5)

    def expand(self, tref: TypeRef, anchor: str, depth: int) -> None:
        """Append the sections of an inline type owned by the node `anchor`
        (which has `depth` ancestors), and those of every inline type inside it."""
        stack: list[_Node | _Expand] = [_Expand(tref, anchor, depth)]
        while stack:
            item = stack.pop()
            if isinstance(item, _Expand):
                stack.extend(reversed(self.sections(item)))
            else:
                self.nodes.append(item)

    def sections(self, e: _Expand) -> list[_Node | _Expand]:
        """The sections under a type: record members, variant layout and cases, a handle's
        (always empty) supertypes; a reference's link is the whole story."""
        t = e.tref
        if isinstance(t, NamedType):
            return []
        head = _heading(e.depth)
        return visit(t, Cases(
            builtin=_no_sections, list_=_no_sections, pointer=_no_sections, const_pointer=_no_sections,
            record=lambda r: self.record_sections(r, e, head), variant=lambda v: self.variant_sections(v, e, head),
            handle=lambda _: [_Section(head, "Supertypes")]))  # always empty since handles lost supertypes

    def record_sections(self, t: RecordType, e: _Expand, head: str) -> list[_Node | _Expand]:
        out: list[_Node | _Expand] = [_Section(head, "Record members")]
        if t.kind is RecordKind.BITFLAGS:
            offsets = [(i, "Bit") for i in range(len(t.members))]
        elif t.members:
            lay = self.layout(t, f"`{e.anchor}`")
            offsets = [(m.offset, "Offset") for m in lay.members]
        else:
            offsets = []
        for m, (off, label) in zip(t.members, offsets, strict=True):
            anchor = f"{e.anchor}.{m.name}"
            out.append(_Named(BULLET, anchor, m.name, f"{m.docs}\n{label}: {off}\n", _ty(m.tref)))
            out.append(_Expand(m.tref, anchor, e.depth + 1))
        return out

    def variant_sections(self, t: VariantType, e: _Expand, head: str) -> list[_Node | _Expand]:
        if t.is_bool():
            return []
        out: list[_Node | _Expand] = []
        if any(c.tref is not None for c in t.cases):
            lay = self.layout(t, f"`{e.anchor}`")
            out.append(_Section(head, "Variant Layout"))
            out += [_Section(BULLET, f"size: {lay.size}"), _Section(BULLET, f"align: {lay.align}"),
                    _Section(BULLET, f"tag_size: {t.tag_repr.size}")]
        out.append(_Section(head, "Variant cases"))
        for c in t.cases:
            anchor = f"{e.anchor}.{c.name}"
            out.append(_Named(BULLET, anchor, c.name, c.docs, None if c.tref is None else _ty(c.tref)))
            if c.tref is not None:
                out.append(_Expand(c.tref, anchor, e.depth + 1))
        return out


def _no_sections(_: object) -> list[_Node | _Expand]:
    return []


def _anchors(nodes: list[_Node]) -> Iterator[str]:
    for n in nodes:
        if n.anchor is not None:
            yield n.anchor


def render_docs(doc: Document, engine: LayoutEngine | None = None) -> str:
    """The docs.md text of the document. Raises DocsError where the reference panics."""
    nodes = _Builder(doc, engine or engine_for(doc)).run()
    links = frozenset(_anchors(nodes))
    return "".join(n.render(links) for n in nodes)

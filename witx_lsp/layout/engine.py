"""Memory layout of witx types, exactly as witx 0.9.1 computes it
(WebAssembly/WASI tools/witx/src/layout.rs, witx 0.9.1).

Every type gets a `Layout`: size, alignment, record member offsets and padding
runs, variant tag size, payload offset and per-case sizes, and flag bit order.
Types the reference cannot lay out (an empty tuple, a variant with no cases, or
anything that contains one: the reference divides by zero there) get a `Layout`
whose `error` says why, instead of an exception.

The computation never recurses in Python: an explicit stack visits a type tree
in post-order, so alias chains and nesting thousands of levels deep are fine.
Results are memoised per type object (by identity; the engine keeps every key
object alive, so an `id()` is never reused while the cache holds it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    ConstPointerType,
    Document,
    HandleType,
    IntRepr,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    type_kind,
    visit,
)

NO_LAYOUT_EMPTY_TUPLE = "an empty tuple has alignment 0, so witx 0.9.1 cannot lay it out (it divides by zero)"
NO_LAYOUT_NO_CASES = "a variant with no cases has alignment 0, so witx 0.9.1 cannot lay out anything that holds it"
NO_LAYOUT_CYCLE = "the type refers to itself, so it has no finite layout"


def align_to(offset: int, align: int) -> int:
    """Round offset up to a multiple of align (layout.rs `align_to`; align > 0)."""
    return offset + align - 1 - ((offset + align - 1) % align)


@dataclass(frozen=True, slots=True)
class MemberLayout:
    name: str
    offset: int
    size: int
    align: int

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True, slots=True)
class Padding:
    offset: int
    size: int
    before: str | None = None  # the member that follows the gap; None for trailing padding


@dataclass(frozen=True, slots=True)
class CaseLayout:
    name: str
    payload_size: int | None  # None when the case has no payload
    payload_align: int | None
    size: int  # this case's size under the 0.9.1 formula (tag, payload, rounded to `align`)
    align: int

    @property
    def has_payload(self) -> bool:
        return self.payload_size is not None


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str  # builtin alias record tuple flags enum variant handle list pointer const_pointer
    size: int
    align: int
    members: tuple[MemberLayout, ...] = ()
    padding: tuple[Padding, ...] = ()
    tag_size: int | None = None
    payload_offset: int | None = None
    cases: tuple[CaseLayout, ...] = ()
    flags: tuple[str, ...] = ()  # flag names in bit order (bit i = index i)
    canonical_size: int | None = None  # variants: align(payload_offset + largest payload), the canonical-ABI size
    error: str | None = None  # why there is no layout (size and align are then 0)
    cause: str | None = None  # the root reason, when `error` blames a member or case
    target: str | None = None  # for an alias typename: the name it refers to

    @property
    def ok(self) -> bool:
        return self.error is None

    def payload_end(self, case: CaseLayout) -> int | None:
        """Where the case's payload ends when stored at the common payload offset."""
        if case.payload_size is None or self.payload_offset is None:
            return None
        return self.payload_offset + case.payload_size

    @property
    def overflowing_cases(self) -> tuple[CaseLayout, ...]:
        """Cases whose payload, stored at `payload_offset`, extends past `size`
        (the 0.9.1 "maximum of per-case sizes" quirk of layout.rs `impl Layout for Variant`)."""
        out = []
        for c in self.cases:
            end = self.payload_end(c)
            if end is not None and end > self.size:
                out.append(c)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Target:
    """The machine whose layout rules are applied. `wide_align` is the
    alignment of 8-byte scalars (u64, s64, f64, u64 tags and flag reprs):
    8 on wasm32 (the witx rule), 4 inside structs on i386 System V."""

    name: str = "wasm32"
    wide_align: int = 8


WASM32 = Target()
I386 = Target("i386", 4)

_BUILTIN_SIZE = {
    BuiltinKind.U8: 1, BuiltinKind.S8: 1, BuiltinKind.U16: 2, BuiltinKind.S16: 2,
    BuiltinKind.U32: 4, BuiltinKind.S32: 4, BuiltinKind.F32: 4, BuiltinKind.CHAR: 4,
    BuiltinKind.U64: 8, BuiltinKind.S64: 8, BuiltinKind.F64: 8,
}


# The layout kind of each kind of type: the reference's `Type::kind()`, with records and variants
# told apart by their form.
_KIND_NAME: Cases[str] = Cases(
    builtin=type_kind, list_=type_kind, pointer=type_kind, const_pointer=lambda _: "const_pointer",
    handle=type_kind, record=lambda t: {RecordKind.TUPLE: "tuple", RecordKind.BITFLAGS: "flags"}.get(t.kind, "record"),
    variant=lambda t: "enum" if t.is_enum() else "variant")


def type_kind_name(t: Type) -> str:
    """The layout kind of a type value (not "alias": that is a property of a typename):
    the reference's `Type::kind()`, with records and variants told apart by their form."""
    return visit(t, _KIND_NAME)


# The type references whose layout a type's layout depends on: lists, pointers and flags do not
# depend on their element types.
_DEPENDS_ON: Cases[tuple[TypeRef, ...]] = Cases(
    builtin=lambda _: (), list_=lambda _: (), pointer=lambda _: (), const_pointer=lambda _: (), handle=lambda _: (),
    record=lambda t: () if t.kind is RecordKind.BITFLAGS else tuple(m.tref for m in t.members),
    variant=lambda t: tuple(c.tref for c in t.cases if c.tref is not None))


def _children(node: TypeRef) -> tuple[TypeRef, ...]:
    """The type references whose layout this node's layout depends on."""
    if isinstance(node, NamedType):
        return (node.tref,)
    return visit(node, _DEPENDS_ON)


@dataclass
class LayoutEngine:
    """Computes and memoises layouts for one target. Sharing one engine between
    threads is safe: entries are only ever added, and equal work gives equal results."""

    target: Target = WASM32
    _cache: dict[int, tuple[TypeRef, Layout]] = field(default_factory=dict, repr=False)

    def layout(self, tref: TypeRef) -> Layout:
        hit = self._cache.get(id(tref))
        if hit is not None:
            return hit[1]
        # Post-order over the dependency tree with an explicit stack.
        stack: list[tuple[TypeRef, bool]] = [(tref, False)]
        active: set[int] = set()
        while stack:
            node, expanded = stack.pop()
            key = id(node)
            if key in self._cache:
                continue
            if expanded:
                active.discard(key)
                self._cache[key] = (node, self._compute(node))
                continue
            if key in active:
                continue  # already waiting for its children further down the stack
            active.add(key)
            stack.append((node, True))
            for child in reversed(_children(node)):
                ck = id(child)
                if ck not in self._cache and ck not in active:
                    stack.append((child, False))
        return self._cache[id(tref)][1]

    def _get(self, tref: TypeRef) -> Layout:
        hit = self._cache.get(id(tref))
        # A child that is still missing can only be part of a cycle.
        return hit[1] if hit is not None else Layout("builtin", 0, 0, error=NO_LAYOUT_CYCLE, cause=NO_LAYOUT_CYCLE)

    def _scalar(self, size: int) -> tuple[int, int]:
        return size, (self.target.wide_align if size == 8 else size)

    def _compute(self, node: TypeRef) -> Layout:
        if isinstance(node, NamedType):
            return self._get(node.tref)
        return visit(node, self)

    # One method per kind of type (model.TypeVisitor), the children's layouts already computed.

    def on_builtin(self, t: Builtin) -> Layout:
        size, align = self._scalar(_BUILTIN_SIZE[t.kind])
        return Layout("builtin", size, align)

    def on_list(self, t: ListType) -> Layout:
        return Layout("list", 8, 4)  # pointer + length (layout.rs `Type::layout`)

    def on_pointer(self, t: PointerType) -> Layout:
        return Layout("pointer", 4, 4)  # laid out as s32

    def on_const_pointer(self, t: ConstPointerType) -> Layout:
        return Layout("const_pointer", 4, 4)

    def on_handle(self, t: HandleType) -> Layout:
        return Layout("handle", 4, 4)

    def on_record(self, t: RecordType) -> Layout:
        if t.kind is RecordKind.BITFLAGS:
            size, align = self._scalar((t.repr or IntRepr.U32).size)
            return Layout("flags", size, align, flags=tuple(m.name for m in t.members))
        return self._record(t)

    def on_variant(self, t: VariantType) -> Layout:
        return self._variant(t)

    def _record(self, rec: RecordType) -> Layout:
        # C struct layout (layout.rs `member_layout_`, witx 0.9.1).
        kind = type_kind_name(rec)
        if not rec.members:
            return Layout(kind, 0, 0, error=NO_LAYOUT_EMPTY_TUPLE, cause=NO_LAYOUT_EMPTY_TUPLE)
        size = 0
        align = 0
        members: list[MemberLayout] = []
        padding: list[Padding] = []
        for m in rec.members:
            ml = self._get(m.tref)
            if not ml.ok:
                return Layout(kind, 0, 0, error=f"member `{m.name}` has no layout", cause=ml.cause or ml.error)
            align = max(align, ml.align)
            start = align_to(size, ml.align)
            if start > size:
                padding.append(Padding(size, start - size, m.name))
            members.append(MemberLayout(m.name, start, ml.size, ml.align))
            size = start + ml.size
        total = align_to(size, align)
        if total > size:
            padding.append(Padding(size, total - size, None))
        return Layout(kind, total, align, members=tuple(members), padding=tuple(padding))

    def _variant(self, var: VariantType) -> Layout:
        # layout.rs `impl Layout for Variant` and `payload_offset` (witx 0.9.1):
        # the size is the largest per-case size, each case using its own payload offset.
        kind = type_kind_name(var)
        t, ta = self._scalar(var.tag_repr.size)
        if not var.cases:
            return Layout(kind, 0, 0, tag_size=t, payload_offset=t, error=NO_LAYOUT_NO_CASES,
                          cause=NO_LAYOUT_NO_CASES)
        cases: list[CaseLayout] = []
        payload_offset = t
        max_payload = 0
        for c in var.cases:
            if c.tref is None:
                cases.append(CaseLayout(c.name, None, None, align_to(t, ta), ta))
                continue
            pl = self._get(c.tref)
            if not pl.ok:
                return Layout(kind, 0, 0, tag_size=t, error=f"the payload of case `{c.name}` has no layout",
                              cause=pl.cause or pl.error)
            case_align = max(ta, pl.align)
            start = align_to(t, pl.align)
            payload_offset = max(payload_offset, start)
            max_payload = max(max_payload, pl.size)
            cases.append(CaseLayout(c.name, pl.size, pl.align, align_to(start + pl.size, case_align), case_align))
        size = max(c.size for c in cases)
        align = max(c.align for c in cases)
        canonical = align_to(payload_offset + max_payload, align)
        return Layout(kind, size, align, tag_size=t, payload_offset=payload_offset, cases=tuple(cases),
                      canonical_size=canonical)


def layout_of(tref: TypeRef, engine: LayoutEngine | None = None) -> Layout:
    """The layout of a type reference (an alias has its target's layout)."""
    return (engine or LayoutEngine()).layout(tref)


_DOC_CACHE: OrderedDict[int, tuple[Document, LayoutEngine]] = OrderedDict()
_DOC_CACHE_SIZE = 8
_LOCK = threading.Lock()


def engine_for(doc: Document) -> LayoutEngine:
    """A wasm32 engine shared by everything that lays out this document (a few
    recent documents are kept, each alive while cached, keyed by identity)."""
    with _LOCK:
        hit = _DOC_CACHE.get(id(doc))
        if hit is not None and hit[0] is doc:
            _DOC_CACHE.move_to_end(id(doc))
            return hit[1]
        engine = LayoutEngine()
        _DOC_CACHE[id(doc)] = (doc, engine)
        while len(_DOC_CACHE) > _DOC_CACHE_SIZE:
            _DOC_CACHE.popitem(last=False)
        return engine


def typename_layout(named: NamedType, engine: LayoutEngine | None = None) -> Layout:
    """The layout of a typename; an alias (`(typename $a $b)`) is reported as
    kind "alias" with its target's numbers."""
    lay = layout_of(named, engine)
    if isinstance(named.tref, NamedType):
        return replace(lay, kind="alias", target=named.tref.name)
    return lay


def document_layouts(doc: Document, engine: LayoutEngine | None = None) -> dict[str, Layout]:
    """The layout of every typename of the document, in definition order."""
    engine = engine or engine_for(doc)
    return {t.name: typename_layout(t, engine) for t in doc.typenames}

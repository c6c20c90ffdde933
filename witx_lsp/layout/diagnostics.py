"""Diagnostics about memory layout: padding, wasteful field order, the 0.9.1
variant-size quirk, 4-byte bools, tags and flag reprs too small for their
members, and 64-bit members that 32-bit x86 hosts lay out differently.

Codes and default severities (settings may override them):

| code  | severity    | what |
|-------|-------------|------|
| W0501 | information | interior padding in a record or tuple |
| W0502 | information | trailing padding in a record or tuple |
| W0503 | information | a field order that wastes bytes (the smallest order is in `data`) |
| W0504 | warning     | a variant payload that extends past the variant's size |
| W0505 | hint        | a `bool` stored in memory takes 4 bytes |
| W0506 | hint        | the layout differs on i386 System V hosts (64-bit members aligned to 4) |
| E0501 | error       | a tag too small for the number of cases |
| E0502 | error       | flags with more members than bits in the repr |
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import permutations

from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import FileSpan
from witx_lsp.layout.engine import I386, Layout, LayoutEngine, align_to, engine_for
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import (
    Builtin,
    ConstPointerType,
    HandleType,
    InterfaceFunc,
    IntRepr,
    ListType,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    visit,
)

_PERMUTE_LIMIT = 6  # members; beyond this the descending-alignment order is used as is


@dataclass(frozen=True, slots=True)
class _Site:
    """An inline type value inside a typename definition or a function."""

    tref: TypeRef
    span: FileSpan
    role: str  # "typename", "field", "case", "element", "param"
    context: str  # the nearest named place, in words: "`t`", "field `x` of `t`", "param `p` of `m::f`"

    @property
    def where(self) -> str:
        return f"a list or pointer element in {self.context}" if self.role == "element" else self.context


def _sites(tref: TypeRef, span: FileSpan, owner: str, role: str, context: str) -> Iterator[_Site]:
    """Every inline type value reachable without going through a typename
    reference (those are reported at their own definitions). Iterative."""
    stack: list[_Site] = [_Site(tref, span, role, context)]
    inside = _Inside(owner)
    while stack:
        site = stack.pop()
        t = site.tref
        if isinstance(t, NamedType):
            continue
        yield site
        inside.site = site
        stack.extend(reversed(visit(t, inside)))


class _Inside:
    """The sites directly inside a site's type (`site`, set before each visit): record fields,
    variant payloads, list and pointer elements (flags hold no types)."""

    site: _Site

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def element(self, tref: TypeRef) -> list[_Site]:
        return [_Site(tref, self.site.span, "element", self.site.context)]

    def on_builtin(self, t: Builtin) -> list[_Site]:
        return []

    def on_handle(self, t: HandleType) -> list[_Site]:
        return []

    def on_list(self, t: ListType) -> list[_Site]:
        return self.element(t.element)

    def on_pointer(self, t: PointerType) -> list[_Site]:
        return self.element(t.pointee)

    def on_const_pointer(self, t: ConstPointerType) -> list[_Site]:
        return self.element(t.pointee)

    def on_record(self, t: RecordType) -> list[_Site]:
        if t.kind is RecordKind.BITFLAGS:
            return []
        return [_Site(m.tref, m.span or self.site.span, "field", f"field `{m.name}` of `{self.owner}`")
                for m in t.members]

    def on_variant(self, t: VariantType) -> list[_Site]:
        return [_Site(c.tref, c.span or self.site.span, "case", f"case `{c.name}` of `{self.owner}`")
                for c in t.cases if c.tref is not None]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _bytes(n: int) -> str:
    return _plural(n, "byte")


def _c_size(parts: list[tuple[int, int]]) -> int:
    size = align = 0
    for s, a in parts:
        align = max(align, a)
        size = align_to(size, a) + s
    return align_to(size, align)


def smallest_order(members: list[tuple[str, int, int]]) -> tuple[list[str], int]:
    """A field order of minimal size for (name, size, align) members: decreasing
    alignment, which is optimal when every size is a multiple of its alignment;
    otherwise small records are searched exhaustively."""
    best = sorted(members, key=lambda m: -m[2])
    best_size = _c_size([(s, a) for _, s, a in best])
    bound = align_to(sum(s for _, s, _ in members), max(a for _, _, a in members))
    if best_size > bound and len(members) <= _PERMUTE_LIMIT:
        for perm in permutations(members):
            size = _c_size([(s, a) for _, s, a in perm])
            if size < best_size:
                best, best_size = list(perm), size
    return [n for n, _, _ in best], best_size


def _summary(lay: Layout) -> dict[str, object]:
    out: dict[str, object] = {"size": lay.size, "align": lay.align}
    if lay.members:
        out["offsets"] = {m.name: m.offset for m in lay.members}
    if lay.payload_offset is not None:
        out["payload_offset"] = lay.payload_offset
    return out


class _Checker:
    at: tuple[_Site, str, bool]  # the site being checked (see `site`)

    def __init__(self, analysis: Analysis) -> None:
        self.engine: LayoutEngine = engine_for(analysis.document)
        self.i386 = LayoutEngine(I386)
        self.out: list[Diagnostic] = []

    def add(self, code: str, sev: Severity, msg: str, at: FileSpan, related: tuple[Related, ...] = (),
            data: dict[str, object] | None = None) -> None:
        self.out.append(Diagnostic(code, sev, msg, at.path, at.span, related=related, data=data))

    def typename(self, t: NamedType) -> None:
        if t.span is None:
            return
        for site in _sites(t.tref, t.span, t.name, "typename", f"`{t.name}`"):
            self.site(site, top=site.role == "typename")

    def site(self, site: _Site, top: bool) -> None:
        t = site.tref
        assert not isinstance(t, NamedType)
        where = site.where
        if isinstance(t, VariantType) and t.form == "bool" and site.role != "param":
            self.add("W0505", Severity.HINT,
                     f"`bool` in {where} takes 4 bytes with 4-byte alignment: witx 0.9.1 makes it a variant with a "
                     "u32 tag; a u8-tagged enum or a flags bit stores the same information in less space",
                     site.span, data={"size": 4, "align": 4})
            return
        self.at = (site, where, top)
        visit(t, self)

    # What is checked at a site (`at`: the site, its words, whether it is a typename's own type), by the
    # kind of its type (model.TypeVisitor): tag and repr sizes, padding, the variant size quirk.

    def on_builtin(self, t: Builtin) -> None:
        pass

    def on_list(self, t: ListType) -> None:
        pass

    def on_pointer(self, t: PointerType) -> None:
        pass

    def on_const_pointer(self, t: ConstPointerType) -> None:
        pass

    def on_handle(self, t: HandleType) -> None:
        pass

    def on_record(self, t: RecordType) -> None:
        site, where, top = self.at
        if t.kind is RecordKind.BITFLAGS:
            self.flags(t, site, where)
        else:
            self.record(t, site, where, top)

    def on_variant(self, t: VariantType) -> None:
        self.variant(t, *self.at)

    def flags(self, t: RecordType, site: _Site, where: str) -> None:
        repr_ = t.repr or IntRepr.U32
        bits = 8 * repr_.size
        if len(t.members) > bits:
            extra = t.members[bits]
            self.add("E0502", Severity.ERROR,
                     f"flags {where} has {len(t.members)} members but its {repr_.value} repr has only {bits} bits: "
                     f"`{extra.name}` and later flags have no bit; use a wider `(@witx repr …)` or split the flags",
                     extra.span or site.span, data={"members": len(t.members), "bits": bits})

    def variant(self, t: VariantType, site: _Site, where: str, top: bool) -> None:
        tag_bits = 8 * t.tag_repr.size
        if len(t.cases) > 1 << tag_bits:
            first = t.cases[1 << tag_bits]
            self.add("E0501", Severity.ERROR,
                     f"{where} has {len(t.cases)} cases but its {t.tag_repr.value} tag holds only {1 << tag_bits} "
                     f"values (0 to {(1 << tag_bits) - 1}): `{first.name}` and later cases have no tag value; "
                     "use a wider `(@witx tag …)`", site.span,
                     data={"cases": len(t.cases), "values": 1 << tag_bits})
        if t.is_enum():
            return
        lay = self.engine.layout(t)
        if not lay.ok:
            return
        for case in lay.overflowing_cases:
            end = lay.payload_end(case)
            src = next((c for c in t.cases if c.name == case.name), None)
            rel = (Related(src.span.path, src.span.span, f"case `{case.name}`"),) if src and src.span else ()
            self.add("W0504", Severity.WARNING,
                     f"the payload of case `{case.name}` of {where} is stored at offset {lay.payload_offset} and is "
                     f"{_bytes(case.payload_size or 0)} long, so it ends at byte {end}, past the variant's size of "
                     f"{lay.size}. witx 0.9.1 sizes a variant as the largest per-case size, each case with its own "
                     f"payload offset, instead of aligning the common payload offset plus the largest payload "
                     f"({lay.canonical_size} bytes). wiggle uses the smaller size as guest_size() and will read and "
                     "write past it for this case, over whatever follows in guest memory",
                     site.span, rel, {"case": case.name, "size": lay.size, "payload_end": end,
                                      "canonical_size": lay.canonical_size})
        if top:
            self.i386_check(t, lay, site, where)

    def record(self, t: RecordType, site: _Site, where: str, top: bool) -> None:
        lay = self.engine.layout(t)
        if not lay.ok:
            return
        word = "element" if t.kind is RecordKind.TUPLE else "field"
        spans = {m.name: m.span for m in t.members}
        aligns = {m.name: m.align for m in lay.members}
        for pad in lay.padding:
            if pad.before is not None:
                at = spans.get(pad.before) or site.span
                self.add("W0501", Severity.INFORMATION,
                         f"{_bytes(pad.size)} of padding at offset {pad.offset} in {where}, before {word} "
                         f"`{pad.before}`, which needs {aligns[pad.before]}-byte alignment",
                         at, data={"offset": pad.offset, "size": pad.size, "before": pad.before})
            else:
                self.add("W0502", Severity.INFORMATION,
                         f"{where} ends with {_bytes(pad.size)} of padding (offsets {pad.offset} to {lay.size - 1}): "
                         f"its size rounds up to {lay.size}, a multiple of its {lay.align}-byte alignment",
                         site.span, data={"offset": pad.offset, "size": pad.size})
        if top and t.kind is RecordKind.OTHER and len(lay.members) > 1:
            order, size_min = smallest_order([(m.name, m.size, m.align) for m in lay.members])
            if size_min < lay.size:
                self.add("W0503", Severity.INFORMATION,
                         f"{where} takes {lay.size} bytes in this field order but {size_min} in the order "
                         f"{', '.join(f'`{n}`' for n in order)} (reordering changes the ABI)",
                         site.span, data={"order": order, "size_now": lay.size, "size_min": size_min})
        if top:
            self.i386_check(t, lay, site, where)

    def i386_check(self, t: RecordType | VariantType, lay: Layout, site: _Site, where: str) -> None:
        other = self.i386.layout(t)
        if not other.ok:
            return
        diffs = [f"`{a.name}` is at offset {a.offset} on wasm32 but {b.offset} on i386"
                 for a, b in zip(lay.members, other.members, strict=False) if a.offset != b.offset]
        if lay.payload_offset is not None and lay.payload_offset != other.payload_offset:
            diffs.append(f"the payload is at offset {lay.payload_offset} on wasm32 but {other.payload_offset} on i386")
        if lay.size != other.size:
            diffs.append(f"the size is {lay.size} on wasm32 but {other.size} on i386")
        if not diffs:
            return
        self.add("W0506", Severity.HINT,
                 f"{where} has a different layout in 32-bit x86 C code (i386 System V aligns u64, s64 and f64 to 4 "
                 f"bytes inside structs): {'; '.join(diffs)}. Host code on such targets must not map a native "
                 "struct onto guest memory", site.span,
                 data={"wasm32": _summary(lay), "i386": _summary(other)})

    def function(self, module: str, f: InterfaceFunc) -> None:
        # Only `bool`s stored in memory (list and pointer elements) matter in signatures.
        for p in (*f.params, *f.results):
            if p.span is None:
                continue
            owner = f"{module}::{f.name}"
            for site in _sites(p.tref, p.span, owner, "param", f"param `{p.name}` of `{owner}`"):
                t = site.tref
                if site.role == "element" and isinstance(t, VariantType) and t.form == "bool":
                    self.site(site, top=False)


# The diagnostics of a typename depend on nothing but the typename (an immutable value that
# holds its whole type tree), and an editor's analyses share the typenames of the files
# before the edited one (model/incremental.py): those are kept, by identity, for recent
# typenames (each entry keeps its typename alive, so an id is never reused meanwhile).
_BY_TYPENAME: OrderedDict[int, tuple[NamedType, list[Diagnostic]]] = OrderedDict()
_BY_TYPENAME_SIZE = 8192
_MEMO_LOCK = threading.Lock()


def _typename_diagnostics(c: _Checker, t: NamedType) -> list[Diagnostic]:
    with _MEMO_LOCK:
        hit = _BY_TYPENAME.get(id(t))
        if hit is not None and hit[0] is t:
            _BY_TYPENAME.move_to_end(id(t))
            return hit[1]
    c.out = []
    c.typename(t)
    out = c.out
    with _MEMO_LOCK:
        _BY_TYPENAME[id(t)] = (t, out)
        while len(_BY_TYPENAME) > _BY_TYPENAME_SIZE:
            _BY_TYPENAME.popitem(last=False)
    return out


def function_layout_diagnostics(analysis: Analysis, module: str, func: InterfaceFunc) -> list[Diagnostic]:
    """The layout diagnostics of one function of `module` (they depend on nothing but the
    function, an immutable value holding its parameters' whole types, and the module's name)."""
    c = _Checker(analysis)
    c.function(module, func)
    return c.out


FunctionDiagnostics = Callable[[Analysis, str, InterfaceFunc], Sequence[Diagnostic]]


def layout_diagnostics(analysis: Analysis,
                       functions: FunctionDiagnostics = function_layout_diagnostics) -> list[Diagnostic]:
    """Layout diagnostics for every typename and function of the analysis, sorted by
    path and position (`functions`: those of one function, or a cache of them)."""
    c = _Checker(analysis)
    out: list[Diagnostic] = []
    for t in analysis.document.typenames:
        out += _typename_diagnostics(c, t)
    for m in analysis.document.modules:
        for f in m.funcs:
            out += functions(analysis, m.name, f)
    out.sort(key=lambda d: (d.path, d.span.start, d.span.end, d.code))
    return out


__all__ = ["FunctionDiagnostics", "function_layout_diagnostics", "layout_diagnostics", "smallest_order"]

"""Representation equality: can one type represent every value of another?
Mirrors WebAssembly/WASI tools/witx/src/representation.rs (witx 0.9.1),
quirks included:

* builtins compare with their `usize` / `char8` hint bits, and the Superset
  table only widens unsigned integers, so `usize` vs `u32` is NotEq;
* an integer repr (tag) `u8` is NotEq with every other repr;
* variant cases are looked up by name in `by` (the last case of a duplicated
  name wins) and must sit at the same index;
* records (flags and tuples too) need the same member names in order with
  every member type Eq;
* type names play no role.

The comparison walks both trees with an explicit stack of generators, so very
deep types do not exhaust the Python stack.
"""

from __future__ import annotations

from collections.abc import Generator
from enum import Enum

from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    ConstPointerType,
    HandleType,
    IntRepr,
    ListType,
    PointerType,
    RecordType,
    Type,
    TypeRef,
    VariantType,
    resolve,
    visit,
)


class RepEquality(Enum):
    EQ = "eq"
    SUPERSET = "superset"
    NOT_EQ = "noteq"


Eq = RepEquality.EQ
Superset = RepEquality.SUPERSET
NotEq = RepEquality.NOT_EQ

# (type, by) pairs where `by` is a strictly wider unsigned integer.
_BUILTIN_WIDER = {
    BuiltinKind.U8: {BuiltinKind.U16, BuiltinKind.U32, BuiltinKind.U64},
    BuiltinKind.U16: {BuiltinKind.U32, BuiltinKind.U64},
    BuiltinKind.U32: {BuiltinKind.U64},
}
# The IntRepr table has no entry for u8 (representation.rs `impl Representable for IntRepr`).
_REPR_WIDER = {
    IntRepr.U16: {IntRepr.U32, IntRepr.U64},
    IntRepr.U32: {IntRepr.U64},
}


def builtin_representable(a: Builtin, by: Builtin) -> RepEquality:
    if a == by:  # kind and both hint bits
        return Eq
    if by.kind in _BUILTIN_WIDER.get(a.kind, set()):
        return Superset
    return NotEq


def repr_representable(a: IntRepr, by: IntRepr) -> RepEquality:
    if a is by:
        return Eq
    return Superset if by in _REPR_WIDER.get(a, set()) else NotEq


_Step = Generator[tuple[Type, Type], RepEquality, RepEquality]


def _compare(a: Type, by: Type) -> _Step:
    """One comparison; yields sub-comparisons and receives their results. Types of different
    kinds are NotEq; handles are nominal, so any two compare equal."""
    step = visit(a, Cases(
        builtin=lambda t: builtin_representable(t, by) if isinstance(by, Builtin) else NotEq,
        list_=lambda t: _inner(t.element, by.element) if isinstance(by, ListType) else NotEq,
        pointer=lambda t: _inner(t.pointee, by.pointee) if isinstance(by, PointerType) else NotEq,
        const_pointer=lambda t: _inner(t.pointee, by.pointee) if isinstance(by, ConstPointerType) else NotEq,
        record=lambda t: _record(t, by) if isinstance(by, RecordType) else NotEq,
        variant=lambda t: _variant(t, by) if isinstance(by, VariantType) else NotEq,
        handle=lambda t: Eq if isinstance(by, HandleType) else NotEq))
    if isinstance(step, RepEquality):
        return step
    return (yield from step)


def _inner(a: TypeRef, by: TypeRef) -> _Step:
    """A list's elements, a pointer's pointees."""
    return (yield (resolve(a), resolve(by)))


def _variant(a: VariantType, by: VariantType) -> _Step:
    superset = False
    tag = repr_representable(a.tag_repr, by.tag_repr)
    if tag is NotEq:
        return NotEq
    if tag is Superset:
        superset = True
    by_name = {c.name: (c, i) for i, c in enumerate(by.cases)}
    for i, case in enumerate(a.cases):
        hit = by_name.get(case.name)
        if hit is None or hit[1] != i:
            return NotEq
        other = hit[0].tref
        if case.tref is not None and other is not None:
            sub = yield (resolve(case.tref), resolve(other))
            if sub is NotEq:
                return NotEq
            if sub is Superset:
                superset = True
        elif case.tref is not None:
            return NotEq  # a payload that `by` lacks
        elif other is not None:
            superset = True  # `by` carries a payload where `a` has none
    if superset or len(a.cases) < len(by.cases):
        return Superset
    return Eq


def _record(a: RecordType, by: RecordType) -> _Step:
    if len(a.members) != len(by.members):
        return NotEq
    for m, bm in zip(a.members, by.members, strict=True):
        if m.name != bm.name:
            return NotEq
        sub = yield (resolve(m.tref), resolve(bm.tref))
        if sub is not Eq:
            return NotEq
    return Eq


def representable(a: TypeRef, by: TypeRef) -> RepEquality:
    """Whether `by` can represent every value of `a` (`a.representable(by)`)."""
    stack: list[_Step] = [_compare(resolve(a), resolve(by))]
    value: RepEquality | None = None
    while True:
        try:
            sub = next(stack[-1]) if value is None else stack[-1].send(value)
        except StopIteration as done:
            stack.pop()
            value = done.value
            if not stack:
                assert isinstance(value, RepEquality)
                return value
            continue
        stack.append(_compare(*sub))
        value = None

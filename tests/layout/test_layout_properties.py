"""Property tests over random type trees: layout invariants, and the shorthand
equivalences of witx-language.md §3.1 for both layout and representation."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.layout.build import (
    BOOL,
    CHAR,
    CHAR8,
    F32,
    F64,
    HANDLE,
    S8,
    S16,
    S32,
    S64,
    STRING,
    U8,
    U16,
    U32,
    U64,
    USIZE,
    ConstPointerType,
    IntRepr,
    ListType,
    PointerType,
    enum,
    expected,
    flags,
    named,
    record,
    tuple_,
    union,
    variant,
)
from witx_lsp.layout import I386, Layout, LayoutEngine, layout_of
from witx_lsp.model.representation import Eq, representable
from witx_lsp.model.types import TypeRef, VariantType

REPRS = st.sampled_from(list(IntRepr))
NAMES = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=6, unique=True)

LEAVES: st.SearchStrategy[TypeRef] = st.one_of(
    st.sampled_from([U8, U16, U32, U64, S8, S16, S32, S64, F32, F64, CHAR, USIZE, CHAR8, HANDLE, STRING, BOOL]),
    st.builds(lambda names, r: flags(*names, repr=r), NAMES, REPRS),
    st.builds(lambda names, r: enum(*names, tag=r), NAMES, REPRS),
)


def _variant(payloads: list[TypeRef | None], tag: IntRepr) -> VariantType:
    return variant(*[(f"c{i}", p) for i, p in enumerate(payloads)], tag=tag)


def _extend(children: st.SearchStrategy[TypeRef]) -> st.SearchStrategy[TypeRef]:
    some = st.lists(children, min_size=1, max_size=5)
    return st.one_of(
        children.map(ListType),
        children.map(PointerType),
        children.map(ConstPointerType),
        some.map(lambda ts: tuple_(*ts)),
        some.map(lambda ts: record(*[(f"f{i}", t) for i, t in enumerate(ts)])),
        st.builds(_variant, st.lists(st.one_of(st.none(), children), min_size=1, max_size=5), REPRS),
        children.map(lambda t: named("n", t)),
    )


TYPES: st.SearchStrategy[TypeRef] = st.recursive(LEAVES, _extend, max_leaves=24)
MEMBERS = st.lists(TYPES, min_size=1, max_size=6)


def _check_record(lay: Layout) -> None:
    assert lay.ok
    assert lay.align == max(m.align for m in lay.members)
    assert lay.size % lay.align == 0
    end = 0
    for m in lay.members:
        assert m.offset % m.align == 0  # aligned
        assert m.offset >= end  # no overlap, declaration order
        end = m.end
    assert lay.size >= end
    # Members and padding runs tile the whole record exactly.
    runs = sorted([(m.offset, m.size) for m in lay.members if m.size] + [(p.offset, p.size) for p in lay.padding])
    pos = 0
    for off, size in runs:
        assert off == pos
        pos += size
    assert pos == lay.size


@settings(max_examples=150, deadline=None)
@given(MEMBERS)
def test_record_layout_invariants(members: list[TypeRef]) -> None:
    for rec in (record(*[(f"f{i}", t) for i, t in enumerate(members)]), tuple_(*members)):
        _check_record(layout_of(rec))
        _check_record(layout_of(rec, LayoutEngine(I386)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), TYPES), min_size=1, max_size=6), REPRS)
def test_variant_layout_invariants(payloads: list[TypeRef | None], tag: IntRepr) -> None:
    lay = layout_of(_variant(payloads, tag))
    assert lay.ok and lay.tag_size == tag.size and lay.payload_offset is not None
    assert lay.payload_offset >= lay.tag_size  # the payload never overlaps the tag
    aligns = [tag.size] + [c.payload_align for c in lay.cases if c.payload_align is not None]
    assert lay.align == max(aligns)
    for c in lay.cases:
        if c.payload_align is not None:
            assert lay.payload_offset % c.payload_align == 0
        assert c.size <= lay.size
    assert lay.canonical_size is not None and lay.canonical_size >= lay.size
    # The 0.9.1 size is a multiple of the alignment unless some payload runs past it (§6.4).
    assert lay.size % lay.align == 0 or lay.overflowing_cases
    if lay.canonical_size == lay.size:
        assert not lay.overflowing_cases


@settings(max_examples=100, deadline=None)
@given(TYPES)
def test_representation_is_reflexive_with_unique_case_names(t: TypeRef) -> None:
    assert representable(t, t) is Eq


def _same_layout(a: Layout, b: Layout) -> None:
    assert replace(a, kind="") == replace(b, kind="")


@settings(max_examples=100, deadline=None)
@given(NAMES, REPRS)
def test_flags_vs_record_of_bools(names: list[str], r: IntRepr) -> None:
    f = flags(*names, repr=r)
    rec = record(*[(n, BOOL) for n in names])
    assert representable(f, rec) is Eq and representable(rec, f) is Eq
    # The docs lay flags out as records of 4-byte bools: bit i is offset 4 i.
    assert [4 * layout_of(f).flags.index(n) for n in names] == [m.offset for m in layout_of(rec).members]


@settings(max_examples=100, deadline=None)
@given(NAMES, REPRS)
def test_enum_vs_payload_free_variant(names: list[str], r: IntRepr) -> None:
    e = enum(*names, tag=r)
    v = variant(*[(n, None) for n in names], tag=r)
    assert layout_of(e) == layout_of(v)
    assert representable(e, v) is Eq and representable(v, e) is Eq


@settings(max_examples=150, deadline=None)
@given(MEMBERS)
def test_tuple_vs_record_with_numbered_fields(members: list[TypeRef]) -> None:
    t = tuple_(*members)
    r = record(*[(str(i), m) for i, m in enumerate(members)])
    _same_layout(layout_of(t), layout_of(r))
    assert representable(t, r) is Eq and representable(r, t) is Eq


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.none(), TYPES), st.one_of(st.none(), TYPES))
def test_expected_vs_ok_err_variant(ok: TypeRef | None, err: TypeRef | None) -> None:
    e = expected(ok, err)
    v = variant(("ok", ok), ("err", err))
    assert layout_of(e) == layout_of(v)
    assert representable(e, v) is Eq and representable(v, e) is Eq


@settings(max_examples=150, deadline=None)
@given(MEMBERS)
def test_union_vs_numbered_variant(members: list[TypeRef]) -> None:
    u = union(*members)
    v = variant(*[(str(i), m) for i, m in enumerate(members)])
    assert layout_of(u) == layout_of(v)
    assert representable(u, v) is Eq and representable(v, u) is Eq


def test_bool_and_string_shorthands() -> None:
    v = variant(("false", None), ("true", None))
    assert layout_of(BOOL) == layout_of(v) and representable(BOOL, v) is Eq and representable(v, BOOL) is Eq
    lc = ListType(CHAR)
    assert layout_of(STRING) == layout_of(lc) and representable(STRING, lc) is Eq


def test_duplicate_case_names_break_reflexivity() -> None:
    # A quirk of representation.rs: `by`'s cases are looked up by name and the
    # last one wins, so a variant with a repeated case name is NotEq to itself.
    v = variant(("a", None), ("a", None))
    assert representable(v, v) is not Eq

"""Layout of hand-built types. Every expected number is worked out by hand from
witx-language.md §6 (the witx 0.9.1 layout.rs rules); the arithmetic is in the
comments."""

from __future__ import annotations

import pytest

from tests.layout.build import (
    BOOL,
    CHAR,
    CHAR8,
    F32,
    F64,
    HANDLE,
    S16,
    S64,
    STRING,
    U8,
    U16,
    U32,
    U64,
    USIZE,
    ConstPointerType,
    IntRepr,
    PointerType,
    enum,
    expected,
    flags,
    lst,
    named,
    record,
    tuple_,
    union,
    variant,
)
from witx_lsp.layout import (
    I386,
    CaseLayout,
    LayoutEngine,
    MemberLayout,
    Padding,
    align_to,
    layout_of,
    typename_layout,
)
from witx_lsp.model.types import Document, TypeRef


@pytest.mark.parametrize(
    ("tref", "size", "align"),
    [
        (U8, 1, 1), (CHAR8, 1, 1), (U16, 2, 2), (S16, 2, 2), (U32, 4, 4), (USIZE, 4, 4), (F32, 4, 4),
        (CHAR, 4, 4), (U64, 8, 8), (S64, 8, 8), (F64, 8, 8),
        (PointerType(U8), 4, 4), (ConstPointerType(U64), 4, 4), (HANDLE, 4, 4),
        (lst(U64), 8, 4), (STRING, 8, 4),  # pointer + length
        (BOOL, 4, 4),  # a variant with a u32 tag
        (flags("a"), 4, 4), (flags("a", repr=IntRepr.U8), 1, 1), (flags("a", repr=IntRepr.U16), 2, 2),
        (flags("a", repr=IntRepr.U64), 8, 8), (flags(), 4, 4),
        (enum("a", "b"), 4, 4), (enum("a", tag=IntRepr.U16), 2, 2), (enum("a", tag=IntRepr.U8), 1, 1),
    ],
)
def test_scalar_sizes(tref: TypeRef, size: int, align: int) -> None:
    lay = layout_of(tref)
    assert (lay.size, lay.align, lay.ok) == (size, align, True)


def test_align_to() -> None:
    assert [align_to(o, 4) for o in range(9)] == [0, 4, 4, 4, 4, 8, 8, 8, 8]
    assert align_to(17, 8) == 24 and align_to(16, 8) == 16 and align_to(5, 1) == 5


def test_record_interior_and_trailing_padding() -> None:
    # a u8 @0; b u32 needs 4: 3 bytes pad at 1, b @4; c u16 @8, ends at 10; size rounds to 12 (align 4).
    lay = layout_of(record(("a", U8), ("b", U32), ("c", U16)))
    assert lay.kind == "record"
    assert (lay.size, lay.align) == (12, 4)
    assert lay.members == (MemberLayout("a", 0, 1, 1), MemberLayout("b", 4, 4, 4), MemberLayout("c", 8, 2, 2))
    assert lay.padding == (Padding(1, 3, "b"), Padding(10, 2, None))


def test_record_with_u64_first() -> None:
    # a u64 @0 (8), b u8 @8 -> 9 -> 16; trailing 7 bytes.
    lay = layout_of(record(("a", U64), ("b", U8)))
    assert (lay.size, lay.align) == (16, 8)
    assert [m.offset for m in lay.members] == [0, 8]
    assert lay.padding == (Padding(9, 7, None),)


def test_tuple_members_are_named_by_index() -> None:
    # u8 @0, u16 @2 (1 pad byte), size 4 align 2.
    lay = layout_of(tuple_(U8, U16))
    assert lay.kind == "tuple"
    assert lay.members == (MemberLayout("0", 0, 1, 1), MemberLayout("1", 2, 2, 2))
    assert (lay.size, lay.align, lay.padding) == (4, 2, (Padding(1, 1, "1"),))


def test_flags_bits_in_index_order() -> None:
    lay = layout_of(flags("read", "write", "exec", repr=IntRepr.U16))
    assert lay.kind == "flags" and lay.flags == ("read", "write", "exec") and lay.members == ()
    assert (lay.size, lay.align) == (2, 2)


def test_enum_layout() -> None:
    lay = layout_of(enum("a", "b", "c", tag=IntRepr.U16))
    assert lay.kind == "enum"
    assert (lay.size, lay.align, lay.tag_size, lay.payload_offset) == (2, 2, 2, 2)
    assert [c.name for c in lay.cases] == ["a", "b", "c"]
    assert lay.cases[0] == CaseLayout("a", None, None, 2, 2)


def test_expected_layouts() -> None:
    errno = named("errno", enum("success", "badf", tag=IntRepr.U16))
    size = named("size", U32)
    # ok: 4 (tag only); err: align_to(4, 2) + 2 = 6 -> rounded to align 4 = 8.
    lay = layout_of(expected(None, errno))
    assert (lay.size, lay.align, lay.tag_size, lay.payload_offset) == (8, 4, 4, 4)
    assert lay.cases == (CaseLayout("ok", None, None, 4, 4), CaseLayout("err", 2, 2, 8, 4))
    # ok: 4 + 4 = 8; err: 8.
    assert (layout_of(expected(size, errno)).size, layout_of(expected(size, errno)).align) == (8, 4)
    # (tuple size size) is 8/4: ok case 4 + 8 = 12.
    lay = layout_of(expected(tuple_(size, size), errno))
    assert (lay.size, lay.align, lay.canonical_size) == (12, 4, 12)


def test_union_of_u32_and_u64() -> None:
    # case 0: 4 + 4 = 8 (align 4); case 1: align_to(4, 8) + 8 = 16 (align 8). size 16, align 8, payload @8.
    lay = layout_of(union(U32, U64))
    assert (lay.size, lay.align, lay.tag_size, lay.payload_offset, lay.canonical_size) == (16, 8, 4, 8, 16)
    assert [c.size for c in lay.cases] == [8, 16]


def test_subscription_u_shape() -> None:
    # tag u8; clock payload 32/8 -> align_to(1, 8) + 32 = 40; fd payloads 4/4 -> 4 + 4 = 8.
    clock = named("clock", record(("id", U32), ("timeout", U64), ("precision", U64), ("flags", U16)))
    fdrw = named("fdrw", record(("fd", HANDLE)))
    lay = layout_of(variant(("clock", clock), ("fd_read", fdrw), ("fd_write", fdrw), tag=IntRepr.U8))
    assert (lay.size, lay.align, lay.tag_size, lay.payload_offset) == (40, 8, 1, 8)
    assert layout_of(clock).size == 32  # id @0, timeout @8, precision @16, flags @24 -> 26 -> 32


def test_variant_size_quirk() -> None:
    # witx-language.md §6.4: x u64 -> align_to(1, 8) + 8 = 16 (align 8); y r9 (9/1) -> 1 + 9 = 10.
    # size = max = 16, align 8, payload offset 8; y occupies 8..17, past 16. Canonical: align(8 + 9, 8) = 24.
    r9 = named("r9", record(*[(f"f{i}", U8) for i in range(9)]))
    lay = layout_of(variant(("x", U64), ("y", r9), tag=IntRepr.U8))
    assert (lay.size, lay.align, lay.payload_offset, lay.canonical_size) == (16, 8, 8, 24)
    assert [c.name for c in lay.overflowing_cases] == ["y"]
    assert lay.payload_end(lay.cases[1]) == 17


def test_variant_with_u64_tag() -> None:
    # t = 8; payload u8 -> align_to(8, 1) + 1 = 9 -> rounded to 8 -> 16.
    lay = layout_of(variant(("a", U8), ("b", None), tag=IntRepr.U64))
    assert (lay.size, lay.align, lay.tag_size, lay.payload_offset) == (16, 8, 8, 8)


def test_alias_has_its_targets_layout() -> None:
    b = named("b", record(("x", U8), ("y", U32)))
    a = named("a", b)
    assert layout_of(a) == layout_of(b)
    lay = typename_layout(a)
    assert (lay.kind, lay.target, lay.size, lay.align) == ("alias", "b", 8, 4)
    assert [m.offset for m in lay.members] == [0, 4]
    assert typename_layout(b).kind == "record"


def test_no_layout_cases_do_not_raise() -> None:
    empty = tuple_()
    lay = layout_of(empty)
    assert not lay.ok and (lay.size, lay.align) == (0, 0) and "empty tuple" in (lay.error or "")
    no_cases = variant()
    lay = layout_of(no_cases)
    assert not lay.ok and (lay.size, lay.align) == (0, 0) and "no cases" in (lay.error or "")
    holder = record(("a", U8), ("e", empty))
    lay = layout_of(holder)
    assert not lay.ok and "`e`" in (lay.error or "") and "empty tuple" in (lay.cause or "")
    lay = layout_of(variant(("v", no_cases)))
    assert not lay.ok and "`v`" in (lay.error or "") and "no cases" in (lay.cause or "")
    # A list or pointer does not depend on its element's layout.
    assert layout_of(lst(empty)).size == 8 and layout_of(PointerType(no_cases)).size == 4


def test_i386_target_aligns_wide_scalars_to_4() -> None:
    rec = record(("a", U32), ("b", U64))
    wasm = layout_of(rec)
    i386 = layout_of(rec, LayoutEngine(I386))
    assert ([m.offset for m in wasm.members], wasm.size, wasm.align) == ([0, 8], 16, 8)
    assert ([m.offset for m in i386.members], i386.size, i386.align) == ([0, 4], 12, 4)


def test_memoised_per_object_and_per_document() -> None:
    from witx_lsp.layout import document_layouts, engine_for

    shared = named("s", record(("a", U8), ("b", U64)))
    doc = Document((shared, named("t", record(("x", shared), ("y", shared)))), ())
    lays = document_layouts(doc)
    assert list(lays) == ["s", "t"]
    assert lays["t"].size == 32 and [m.offset for m in lays["t"].members] == [0, 16]
    engine = engine_for(doc)
    assert engine is engine_for(doc)
    assert engine.layout(shared) is engine.layout(shared)

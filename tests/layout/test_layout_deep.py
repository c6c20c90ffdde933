"""Deep alias chains and deeply nested types are handled without Python
recursion (layout, representation, layout diagnostics, ABI)."""

from __future__ import annotations

import sys

import pytest

from tests.layout.build import U8, U32, func, lst, named, tuple_, variant
from witx_lsp.abi import Signature, call_interface, call_wasm, wasm_signature, witxt_names
from witx_lsp.layout import layout_of
from witx_lsp.model.representation import RepEquality, representable
from witx_lsp.model.types import IntRepr, NamedType, TypeRef

DEPTH = 5000


@pytest.fixture(autouse=True)
def _low_recursion_limit() -> object:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # far below DEPTH: any recursion per level would fail
    yield None
    sys.setrecursionlimit(old)


def test_nested_lists() -> None:
    t: TypeRef = U8
    for _ in range(DEPTH):
        t = lst(t)
    assert (layout_of(t).size, layout_of(t).align) == (8, 4)
    assert representable(t, t) is RepEquality.EQ


def test_nested_tuples() -> None:
    # (tuple (tuple ... u8) u8): each level adds one u8 at the end, alignment stays 1.
    t: TypeRef = U8
    for _ in range(DEPTH):
        t = tuple_(t, U8)
    lay = layout_of(t)
    assert (lay.size, lay.align) == (DEPTH + 1, 1)
    assert lay.members[1].offset == DEPTH
    assert representable(t, t) is RepEquality.EQ


def test_nested_variant_payloads() -> None:
    # Each level: u8 tag, payload of align 4 at offset 4; size grows by 4 per level.
    t: TypeRef = U32
    for _ in range(DEPTH):
        t = variant(("x", t), ("y", None), tag=IntRepr.U8)
    lay = layout_of(t)
    assert (lay.size, lay.align, lay.payload_offset) == (4 + 4 * DEPTH, 4, 4)
    assert representable(t, t) is RepEquality.EQ


def test_alias_chain() -> None:
    t: NamedType = named("a0", tuple_(U8, U32))
    for i in range(1, DEPTH):
        t = named(f"a{i}", t)
    lay = layout_of(t)
    assert (lay.size, lay.align) == (8, 4)
    assert representable(t, t) is RepEquality.EQ
    f = func("f", [("p", t)])
    assert wasm_signature(f) == Signature(("i32",), ())
    wasm, interface = call_wasm(f), call_interface(f)
    assert isinstance(wasm, tuple) and isinstance(interface, tuple)
    assert witxt_names(wasm) == ["get-arg0", "addr-of", "call.wasm", "return"]
    assert witxt_names(interface) == ["get-arg0", "load", "call.interface", "return"]

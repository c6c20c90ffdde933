"""Representation equality (witx-language.md §8), from hand-built types and
from every `assert_representable` of the reference witxt suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WITXT_DIR, needs_corpus
from tests.layout.build import (
    BOOL,
    CHAR,
    CHAR8,
    HANDLE,
    S32,
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
    flags,
    lst,
    named,
    record,
    tuple_,
    variant,
)
from witx_lsp.model.representation import (
    Eq,
    NotEq,
    RepEquality,
    Superset,
    builtin_representable,
    repr_representable,
    representable,
)
from witx_lsp.model.types import Builtin, BuiltinKind, TypeRef


@pytest.mark.parametrize(
    ("a", "by", "want"),
    [
        (U8, U8, Eq), (U8, U16, Superset), (U8, U32, Superset), (U8, U64, Superset), (U16, U32, Superset),
        (U16, U64, Superset), (U32, U64, Superset), (U64, U32, NotEq), (U16, U8, NotEq),
        (USIZE, U32, NotEq), (U32, USIZE, NotEq), (USIZE, USIZE, Eq), (USIZE, U64, Superset),
        (CHAR8, U8, NotEq), (CHAR8, U16, Superset), (S32, U32, NotEq), (U32, S32, NotEq),
        (Builtin(BuiltinKind.S8), Builtin(BuiltinKind.S16), NotEq),  # only unsigned widths widen
    ],
)
def test_builtins(a: Builtin, by: Builtin, want: RepEquality) -> None:
    assert builtin_representable(a, by) is want
    assert representable(a, by) is want


@pytest.mark.parametrize(
    ("a", "by", "want"),
    [
        (IntRepr.U8, IntRepr.U8, Eq), (IntRepr.U8, IntRepr.U16, NotEq), (IntRepr.U8, IntRepr.U64, NotEq),
        (IntRepr.U16, IntRepr.U32, Superset), (IntRepr.U16, IntRepr.U64, Superset),
        (IntRepr.U32, IntRepr.U64, Superset), (IntRepr.U64, IntRepr.U32, NotEq),
    ],
)
def test_int_reprs(a: IntRepr, by: IntRepr, want: RepEquality) -> None:
    assert repr_representable(a, by) is want


def test_variants() -> None:
    base = enum("a", "b")
    assert representable(base, enum("a", "b", "c")) is Superset  # more cases in `by`
    assert representable(enum("a", "b", "c"), base) is NotEq
    assert representable(base, enum("b", "a")) is NotEq  # same names, other index
    assert representable(enum("a", "b", tag=IntRepr.U16), base) is Superset  # wider tag
    assert representable(enum("a", "b", tag=IntRepr.U8), base) is NotEq  # u8 tag widens to nothing
    assert representable(variant(("a", U8)), variant(("a", U16))) is Superset  # payload superset
    assert representable(variant(("a", U8)), variant(("a", None))) is NotEq  # payload `by` lacks
    assert representable(variant(("a", None)), variant(("a", U8))) is Superset  # payload added in `by`
    assert representable(variant(("a", U32)), variant(("a", U32))) is Eq
    # Duplicate case names in `by`: the last one wins the lookup, so index 0 does not match.
    assert representable(variant(("a", None)), variant(("a", None), ("a", None))) is NotEq


def test_records() -> None:
    r = record(("x", U8), ("y", U32))
    assert representable(r, record(("x", U8), ("y", U32))) is Eq
    assert representable(r, record(("x", U16), ("y", U32))) is NotEq  # Superset members are not enough
    assert representable(r, record(("y", U32), ("x", U8))) is NotEq
    assert representable(r, record(("x", U8))) is NotEq
    assert representable(flags("a", "b"), flags("a", "b", repr=IntRepr.U64)) is Eq  # repr plays no role
    assert representable(flags("a", "b"), record(("a", BOOL), ("b", BOOL))) is Eq
    assert representable(tuple_(U32, U64), record(("0", U32), ("1", U64))) is Eq


def test_other_kinds() -> None:
    assert representable(HANDLE, named("h2", HANDLE)) is Eq
    assert representable(lst(U8), lst(U16)) is Superset
    assert representable(STRING, lst(CHAR)) is Eq
    assert representable(PointerType(U8), PointerType(U8)) is Eq
    assert representable(PointerType(U8), ConstPointerType(U8)) is NotEq
    assert representable(ConstPointerType(U32), ConstPointerType(U64)) is Superset
    assert representable(lst(U8), PointerType(U8)) is NotEq
    assert representable(HANDLE, U32) is NotEq
    # Names play no role.
    assert representable(named("a", record(("x", U8))), named("b", record(("x", U8)))) is Eq


def _representable_cases() -> list[tuple[str, int, str, str, str, str, str]]:
    if not WITXT_DIR.is_dir():
        return []
    from witx_lsp.witxt.directives import read_witxt

    out = []
    for f in sorted(WITXT_DIR.glob("*.witxt")):
        wf = read_witxt(str(f), f.read_text(encoding="utf-8"))
        for d in wf.directives:
            if d.kind == "assert_representable" and d.representable is not None:
                out.append((str(f), d.line, *d.representable))
    return out


@needs_corpus
def test_reference_suite_has_27_representable_asserts() -> None:
    assert len(_representable_cases()) == 27  # witx-language.md §9


@needs_corpus
@pytest.mark.parametrize("case", _representable_cases(), ids=lambda c: f"{Path(c[0]).name}:{c[1]}")
def test_reference_assert_representable(case: tuple[str, int, str, str, str, str, str]) -> None:
    from witx_lsp.witxt.directives import read_witxt
    from witx_lsp.witxt.load import analyze_doc

    path, line, relation, id_a, type_a, id_b, type_b = case
    wf = read_witxt(path, Path(path).read_text(encoding="utf-8"))
    docs = {}  # documents named so far (a later `(witx $a …)` replaces an earlier one)
    for d in wf.directives:
        if d.line >= line:
            break
        if d.kind == "witx" and d.doc is not None and d.doc.id is not None:
            docs[d.doc.id] = analyze_doc(d.doc, path).document
    a = docs[id_a].typename(type_a)
    b = docs[id_b].typename(type_b)
    assert a is not None and b is not None
    want = {"eq": Eq, "noteq": NotEq, "superset": Superset}[relation]
    got: RepEquality = representable(a, b)
    assert got is want


def test_tref_and_named_are_resolved() -> None:
    t: TypeRef = named("outer", named("inner", U8))
    assert representable(t, U16) is Superset

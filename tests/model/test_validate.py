"""Validation: the reference's messages at the reference's locations, plus what
the reference misses. Locations are given by the marked text `⟦…⟧` in each case."""

from __future__ import annotations

import pytest

from witx_lsp.base.diagnostic import Severity
from witx_lsp.model.analysis import analyze_text

PATH = "/input.witx"


def check(marked: str, code: str, message: str) -> None:
    start = marked.index("⟦")
    end = marked.index("⟧") - 1
    text = marked.replace("⟦", "").replace("⟧", "")
    diags = analyze_text(text, PATH).diagnostics
    found = [(d.code, d.message, text[d.span.start:d.span.end]) for d in diags]
    assert (code, message, text[start:end]) in found, found


@pytest.mark.parametrize(("marked", "code", "message"), [
    ("(typename $a ⟦$b⟧)", "E0301", "Unknown name `b`"),
    ("(typename $a u8)\n(typename ⟦$a⟧ u16)", "E0302", "Redefinition of name `a`"),
    ("(typename $a u8)\n(module ⟦$a⟧)", "E0302", "Redefinition of name `a`"),
    ("(typename $e (enum $x ⟦$x⟧))", "E0302", "Redefinition of name `x`"),
    ("(typename $r (record (field $x u8) (field ⟦$x⟧ u8)))", "E0302", "Redefinition of name `x`"),
    ("(typename $f (flags $x ⟦$x⟧))", "E0302", "Redefinition of name `x`"),
    ('(module $m (@interface func (export "f") (param $p u8) (param ⟦$p⟧ u8)))', "E0302",
     "Redefinition of name `p`"),
    ('(module $m (import "memory" (memory)) (@interface func (export ⟦"memory"⟧)))', "E0302",
     "Redefinition of name `memory`"),
    ("(typename $t u8)\n(@witx const $t $c 1)\n(@witx const $t ⟦$c⟧ 2)\n(typename $z u8)", "E0302",
     "Redefinition of name `c`"),
    ('(module $m)\n(typename $a (list ⟦$m⟧))', "E0303", "Wrong kind of name `m`: expected datatype, got module"),
    ("(typename $tag string)\n(typename ⟦$u⟧ (union (@witx tag $tag) u8))", "E0303",
     "Wrong kind of name `tag`: expected enum or builtin, got list"),
    ("(typename $a (list ⟦$a⟧))", "E0304", "Recursive definition of name `a`"),
    ('(module $m (@interface func (export "f") (param $p ⟦$m⟧)))', "E0304", "Recursive definition of name `m`"),
    ("(typename ⟦$e⟧ (enum (@witx tag s8) $a))", "E0305", "Invalid representation `S8`"),
    ("(typename ⟦$f⟧ (flags (@witx repr f32) $a))", "E0305", "Invalid representation `F32`"),
    ("(typename ⟦$e⟧ (enum (@witx tag char) $a))", "E0305", "Invalid representation `Char`"),
    ('(module $m (@interface func (export ⟦"f"⟧) (result $r (list u8))))', "E0306", "ABI error: invalid return type"),
    ('(module $m (@interface func (export ⟦"f"⟧) (result $r (expected u32 (error)))))', "E0306",
     "ABI error: only named types are allowed in results"),
    ('(typename $e (enum $a))\n(module $m (@interface func (export ⟦"f"⟧) (result $r $e)))', "E0306",
     "ABI error: invalid return type"),
    ("(typename $a (@witx pointer ⟦(record (field $b u8))⟧))", "E0307", ""),
    ("(typename $tag (enum $c))\n(typename ⟦$u⟧ (union (@witx tag $tag) f32 u8))", "E0308",
     "Union expected 1 variants, found 2"),
    ("(typename $tag (variant (case $c u8)))\n(typename ⟦$u⟧ (union (@witx tag $tag) u8))", "E0309",
     "Invalid union tag: all variant cases should have empty payloads"),
    ("(typename $tag (enum $c))\n(typename $u (variant (@witx tag $tag) (case ⟦$b⟧ u8)))", "E0310",
     "Invalid union field `b`: does not correspond to variant in tag `tag`"),
    ("(typename $v (variant (case $a) (case ⟦$a⟧ u8)))", "E0311", "duplicate case name `a` in a variant"),
])
def test_reference_errors(marked: str, code: str, message: str) -> None:
    if code == "E0307":
        # The reference reports anonymous types at the caller's location: the typename.
        text = marked.replace("⟦", "").replace("⟧", "")
        [d] = [d for d in analyze_text(text, PATH).diagnostics if d.code == code]
        assert d.message == "Anonymous structured types (struct, union, enum, flags, handle) are not permitted"
        assert text[d.span.start:d.span.end] == "$a"
        assert d.related and text[d.related[0].span.start:d.related[0].span.end].startswith("(record")
        return
    check(marked, code, message)


# Found by the differential test against the reference (tests/differential): the expected
# message and location are the witx 0.9.1 oracle's answer on the same text.
@pytest.mark.parametrize(("marked", "code", "message"), [
    # A duplicate case name (E0311, not checked by the reference) still has its payload validated.
    ("(typename $v (variant (case $ok) (case ⟦$ok⟧ (handle))))", "E0307",
     "Anonymous structured types (struct, union, enum, flags, handle) are not permitted"),
    # ... and the variant itself stays valid for the reference: what refers to it is checked.
    ("(typename $v (variant (case $ok) (case $ok)))\n(typename ⟦$t⟧ (tuple $v (record (field $y u8))))", "E0307",
     "Anonymous structured types (struct, union, enum, flags, handle) are not permitted"),
    # witx 0.9.1 fails to parse this: "expected keyword `tag`" at 1:28 (the union's first `(@witx`
    # is read as its tag annotation).
    ("(typename $b (union (@witx ⟦const_pointer⟧ u8)))", "E0101",
     "expected `tag` here: a `(@witx …)` first in a union is its tag annotation, found `const_pointer`"),
])
def test_found_by_the_differential_test(marked: str, code: str, message: str) -> None:
    check(marked, code, message)


def test_redefinition_points_at_the_first_definition() -> None:
    text = "(typename $a u8)\n(typename $a u16)"
    [d] = analyze_text(text, PATH).diagnostics
    assert [(r.path, text[r.span.start:r.span.end]) for r in d.related] == [(PATH, "$a")]


@pytest.mark.parametrize(("text", "code"), [
    ("(typename $c u8)\n(@witx const $missing $x 1)\n(typename $z u8)", "E0312"),
    ("(typename $c u8)\n(@witx const $c $x 256)\n(typename $z u8)", "E0313"),
    ("(typename $c (record (field $a u8)))\n(@witx const $c $x 1)\n(typename $z u8)", "E0313"),
    ("(typename $t (tuple))", "E0314"),
    ("(typename $v (variant))\n(typename $r (record (field $a $v)))", "E0314"),
])
def test_errors_the_reference_misses(text: str, code: str) -> None:
    diags = analyze_text(text, PATH).diagnostics
    assert code in [d.code for d in diags if d.severity is Severity.ERROR], diags


def test_const_in_range_of_flags_and_enum() -> None:
    text = ("(typename $f (flags (@witx repr u8) $a))\n(@witx const $f $all 255)\n"
            "(typename $e (enum (@witx tag u16) $a))\n(@witx const $e $max 65535)\n(typename $z u8)")
    assert analyze_text(text, PATH).diagnostics == []


def test_trailing_const_is_dropped_with_a_warning() -> None:
    text = "(typename $t u8)\n(@witx const $t $a 1)\n(typename $u u8)\n(@witx const $t $b 2)\n"
    a = analyze_text(text, PATH)
    assert [c.name for c in a.document.constants] == ["a"]
    [w] = a.diagnostics
    assert (w.code, w.severity) == ("W0102", Severity.WARNING)


def test_unknown_annotation_is_a_warning() -> None:
    a = analyze_text("(@foo bar)\n(typename $t u8)", PATH)
    assert [(d.code, d.severity) for d in a.diagnostics] == [("W0101", Severity.WARNING)]
    assert [t.name for t in a.document.typenames] == ["t"]


def test_many_errors_are_reported_not_only_the_first() -> None:
    text = "(typename $a $x)\n(typename $b $y)\n(typename $c (list $z))"
    assert [d.message for d in analyze_text(text, PATH).diagnostics] == [
        "Unknown name `x`", "Unknown name `y`", "Unknown name `z`"]


def test_broken_definition_does_not_cascade() -> None:
    text = "(typename $a $missing)\n(typename $b (list $a))\n(typename $c $b)"
    assert [d.message for d in analyze_text(text, PATH).diagnostics] == ["Unknown name `missing`"]


def test_variant_with_enum_tag_is_reordered() -> None:
    text = "(typename $t (enum $a $b))\n(typename $v (variant (@witx tag $t) (case $b u8) (case $a)))"
    v = analyze_text(text, PATH).document.typename("v")
    assert v is not None
    ty = v.type()
    assert [c.name for c in ty.cases] == ["a", "b"]  # type: ignore[union-attr]


def test_parse_errors_say_what_was_expected() -> None:
    [d] = analyze_text("(typename $r (record (field $x 42)))", PATH).diagnostics
    assert d.message == "expected a type after `(field $x`, found `42`"


def test_a_missing_item_of_an_unclosed_form_names_what_ended_it() -> None:
    def e0101(text: str) -> list[str]:
        return [d.message for d in analyze_text(text, PATH).diagnostics if d.code == "E0101"]

    assert e0101("(typename $a (typename $b u32))") == [
        "expected a type after `(typename $a`, found `(typename` (a `)` is missing before it)"]
    assert e0101("(typename $a\n\n  (module $m)") == [
        "expected a type after `(typename $a`, found `(module` (a `)` is missing before it)"]
    assert e0101("(typename $a (list") == ["expected a type after `(list`, found the end of the file"]
    assert e0101("(typename $a (list))") == ["expected a type after `(list`, found `)`"]  # closed: as before
    [d] = analyze_text("(typename $e (expected u32))", PATH).diagnostics
    assert d.message.startswith("expected `(error …)`")


def test_unknown_annotations_are_skipped_everywhere() -> None:
    text = ('(typename $r (record (@doc "x") (field $a u8 (@bar)) (@baz (nested))))\n'
            '(module $m (@x) (@interface func (export "f") (@y) (param $p $r)))')
    a = analyze_text(text, PATH)
    assert [(d.code, text[d.span.start:d.span.end]) for d in a.diagnostics] == [
        ("W0101", '(@doc "x")'), ("W0101", "(@bar)"), ("W0101", "(@baz (nested))"), ("W0101", "(@x)"),
        ("W0101", "(@y)")]
    r = a.document.typename("r")
    assert r is not None and [m.name for m in r.type().members] == ["a"]  # type: ignore[union-attr]
    assert [p.name for p in a.document.modules[0].funcs[0].params] == ["p"]

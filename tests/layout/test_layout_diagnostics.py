"""Layout diagnostics on small witx texts (the expected offsets and sizes are
worked out by hand in the comments)."""

from __future__ import annotations

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.layout.diagnostics import layout_diagnostics, smallest_order
from witx_lsp.model.analysis import analyze_text


def _diags(text: str) -> list[Diagnostic]:
    return layout_diagnostics(analyze_text(text))


def _codes(text: str) -> list[str]:
    return [d.code for d in _diags(text)]


def _at(text: str, d: Diagnostic) -> str:
    return text[d.span.start:d.span.end]


def test_interior_and_trailing_padding() -> None:
    text = "(typename $p (record (field $a u8) (field $b u32) (field $c u16)))"
    ds = _diags(text)
    # a @0, 3 bytes of padding at 1, b @4, c @8..10, size 12: 2 trailing bytes at 10.
    w1 = [d for d in ds if d.code == "W0501"]
    assert len(w1) == 1 and w1[0].severity is Severity.INFORMATION
    assert w1[0].data == {"offset": 1, "size": 3, "before": "b"}
    assert "3 bytes of padding at offset 1" in w1[0].message and "`b`" in w1[0].message
    assert _at(text, w1[0]) == "$b"
    w2 = [d for d in ds if d.code == "W0502"]
    assert len(w2) == 1 and w2[0].data == {"offset": 10, "size": 2} and _at(text, w2[0]) == "$p"


def test_no_padding_no_diagnostic() -> None:
    assert _codes("(typename $p (record (field $a u32) (field $b u16) (field $c u16)))") == []


def test_wasteful_order_with_quick_fix_data() -> None:
    # id u32 @0, timeout u64 @8, flags u16 @16 -> 18 -> 24. Best: timeout, id, flags -> 0, 8, 12 -> 14 -> 16.
    text = "(typename $c (record (field $id u32) (field $timeout u64) (field $flags u16)))"
    (d,) = [d for d in _diags(text) if d.code == "W0503"]
    assert d.data == {"order": ["timeout", "id", "flags"], "size_now": 24, "size_min": 16}
    assert d.severity is Severity.INFORMATION and _at(text, d) == "$c"


def test_tuples_get_padding_but_no_reorder_hint() -> None:
    codes = _codes("(typename $t (tuple u8 u64 u8))")
    assert "W0501" in codes and "W0502" in codes and "W0503" not in codes


def test_payload_past_variant_size() -> None:
    r9 = " ".join(f"(field $f{i} u8)" for i in range(9))
    text = f"(typename $r9 (record {r9}))\n(typename $v (variant (@witx tag u8) (case $x u64) (case $y $r9)))"
    (d,) = [d for d in _diags(text) if d.code == "W0504"]
    assert d.severity is Severity.WARNING
    assert d.data == {"case": "y", "size": 16, "payload_end": 17, "canonical_size": 24}
    assert "wiggle" in d.message and "guest_size" in d.message
    assert _at(text, d) == "$v"
    assert [text[r.span.start:r.span.end] for r in d.related] == ["$y"]


def test_no_quirk_when_alignments_agree() -> None:
    assert "W0504" not in _codes("(typename $v (variant (case $x u64) (case $y (list u8))))")


def test_four_byte_bools() -> None:
    text = ("(typename $b bool)\n(typename $r (record (field $ok bool) (field $l (list bool))))\n"
            "(typename $f (flags $x $y))\n"
            "(module $m (@interface func (export \"f\") (param $p bool) (param $q (list bool))))")
    ds = [d for d in _diags(text) if d.code == "W0505"]
    assert [_at(text, d) for d in ds] == ["$b", "$ok", "$l", "$q"]  # not the flags, not the i32 param
    assert all(d.severity is Severity.HINT for d in ds)


def test_tag_too_small() -> None:
    members = " ".join(f"$c{i}" for i in range(300))
    text = f"(typename $e (enum (@witx tag u8) {members}))"
    (d,) = [d for d in _diags(text) if d.code == "E0501"]
    assert d.severity is Severity.ERROR and "300 cases" in d.message and "256" in d.message and "`c256`" in d.message
    ok = " ".join(f"$c{i}" for i in range(256))
    assert "E0501" not in _codes(f"(typename $e (enum (@witx tag u8) {ok}))")


def test_too_many_flags() -> None:
    text = "(typename $f (flags (@witx repr u8) $a $b $c $d $e $f $g $h $i))"
    (d,) = [d for d in _diags(text) if d.code == "E0502"]
    assert d.severity is Severity.ERROR and d.data == {"members": 9, "bits": 8} and _at(text, d) == "$i"
    assert "E0502" not in _codes("(typename $f (flags (@witx repr u8) $a $b $c $d $e $f $g $h))")


def test_i386_difference() -> None:
    # wasm32: kind @0, size @8, total 16; i386: size @4, total 12.
    text = "(typename $s (record (field $kind u32) (field $size u64)))"
    (d,) = [d for d in _diags(text) if d.code == "W0506"]
    assert d.severity is Severity.HINT and "`size` is at offset 8 on wasm32 but 4 on i386" in d.message
    assert d.data == {"wasm32": {"size": 16, "align": 8, "offsets": {"kind": 0, "size": 8}},
                      "i386": {"size": 12, "align": 4, "offsets": {"kind": 0, "size": 4}}}
    # Same offsets and size on both: no hint.
    assert "W0506" not in _codes("(typename $s (record (field $a u64) (field $b u64)))")
    # A u8 tag with a u64 payload: payload at 8 vs 4.
    assert "W0506" in _codes("(typename $v (variant (@witx tag u8) (case $a u64)))")


def test_no_layout_types_are_skipped_quietly() -> None:
    analysis = analyze_text("(typename $t (tuple))\n(typename $r (record (field $x $t)))")
    assert layout_diagnostics(analysis) == []


def test_deeply_nested_tuple_text() -> None:
    depth = 3000
    text = "(typename $deep " + "(tuple " * depth + "u8" + " u32)" * depth + ")"
    analysis = analyze_text(text)
    layout_diagnostics(analysis)  # must not raise, whatever the model made of it


def test_smallest_order() -> None:
    assert smallest_order([("a", 1, 1), ("b", 8, 8), ("c", 2, 2)]) == (["b", "c", "a"], 16)
    # A member of size 18 and alignment 8 (a quirky variant): 18 + 4 -> 24 either way.
    # v first: 0..18, x at 20..24 -> 24; x first: v at 8..26 -> 32.
    assert smallest_order([("x", 4, 4), ("v", 18, 8)]) == (["v", "x"], 24)

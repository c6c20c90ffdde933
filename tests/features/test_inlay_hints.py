"""Inlay hints: field offsets, enum/variant values, flag bits, union case names
and implicit tags, with their settings and range filtering (witx 0.9.1 rules)."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.inlay_hints import PARAMETER, TYPE, InlayHint, InlayOptions, inlay_hints
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze

TEXT = """\
(typename $filetype (enum (@witx tag u8) $unknown $block_device))
(typename $fdflags (flags (@witx repr u16) $append $dsync))
(typename $rights (flags $read $write))
(typename $fdstat (record (field $fs_filetype $filetype) (field $fs_flags $fdflags) (field $fs_rights $rights)))
(typename $kind (enum $a $b))
(typename $v (variant (@witx tag $kind) (case $b u64) (case $a)))
(typename $u (union (@witx tag $kind) u8 u64))
(module $m (@interface func (export "f") (result $e (expected (error $kind)))))
"""


def hints(text: str = TEXT, span: Span | None = None, options: InlayOptions | None = None) -> list[InlayHint]:
    snap = Snapshot("/a.witx", analyze(["/a.witx"], MemoryProvider({"/a.witx": text})))
    return inlay_hints(snap, span, options)


def after(word: str, text: str = TEXT, nth: int = 0) -> int:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return i + len(word)


def labels(found: list[InlayHint]) -> list[tuple[int, str]]:
    return [(h.offset, h.label) for h in found]


def test_field_offsets() -> None:
    got = [h for h in hints() if h.label.startswith("@")]
    # u8 @0; u16 flags aligned to 2 -> @2; u32 flags (default repr) aligned to 4 -> @4.
    assert labels(got) == [(after("$fs_filetype"), "@0"), (after("$fs_flags"), "@2"), (after("$fs_rights"), "@4")]
    assert got[1].tooltip == "offset 2, size 2, align 2"
    assert all(h.kind == TYPE and h.padding_left for h in got)


def test_enum_values_and_flag_bits() -> None:
    got = labels(hints())
    assert (after("$unknown"), "= 0") in got and (after("$block_device"), "= 1") in got
    assert (after("$append"), "= 1 << 0") in got and (after("$dsync"), "= 1 << 1") in got
    assert (after("$write"), "= 1 << 1") in got
    dsync = next(h for h in hints() if h.offset == after("$dsync"))
    assert dsync.tooltip == "bit 1, mask 0x2"


def test_variant_values_follow_the_tag_enum() -> None:
    got = labels(hints())
    # $kind orders a before b, so (case $b …) written first has value 1.
    assert (after("(case $b"), "= 1") in got and (after("(case $a"), "= 0") in got


def test_union_members_are_prefixed_with_their_case() -> None:
    found = [h for h in hints() if h.kind == PARAMETER]
    u8 = TEXT.index("u8 u64")
    assert labels(found) == [(u8, "a:"), (u8 + 3, "b:")]
    assert found[1].tooltip == "case `b` = 1; payload at offset 8, 8 bytes"
    assert found[0].padding_right


def test_implicit_tags_and_reprs() -> None:
    tags = [(o, lab) for o, lab in labels(hints()) if lab.startswith("(@witx")]
    assert tags == [
        (after("(flags", nth=1), "(@witx repr u32)"),  # $rights
        (after("(enum", nth=1), "(@witx tag u32)"),  # $kind
        (after("(expected"), "(@witx tag u32)"),
    ]


def test_options_switch_hints_off() -> None:
    assert hints(options=InlayOptions(offsets=False, values=False, tags=False)) == []
    only_tags = hints(options=InlayOptions(offsets=False, values=False))
    assert {h.label for h in only_tags} == {"(@witx tag u32)", "(@witx repr u32)"}
    no_offsets = hints(options=InlayOptions(offsets=False))
    assert not any(h.label.startswith("@") for h in no_offsets)


def test_range_filter() -> None:
    line4 = TEXT.index("(typename $fdstat")
    got = hints(span=Span(line4, TEXT.index("\n", line4)))
    assert [h.label for h in got] == ["@0", "@2", "@4"]
    assert hints(span=Span(10**6, 10**6 + 5)) == []


def test_broken_and_redefined_types_get_no_member_hints() -> None:
    text = ("(typename $a (record (field $x u8)))\n(typename $a (record (field $y u64)))\n"
            "(typename $b (record (field $z $nope)))\n(typename $c (enum")
    got = labels(hints(text))
    assert (after("$x", text), "@0") in got
    assert not any(o == after("$y", text) or o == after("$z", text) for o, _ in got)
    assert (after("(enum", text), "(@witx tag u32)") in got  # still a hint while typing


def test_used_files_types_are_not_hinted_in_the_includer() -> None:
    files = {"/t.witx": "(typename $r (record (field $x u64)))\n", "/a.witx": '(use "t.witx")\n(typename $s $r)\n'}
    a = analyze(["/a.witx"], MemoryProvider(files))
    assert inlay_hints(Snapshot("/a.witx", a)) == []
    assert labels(inlay_hints(Snapshot("/t.witx", a))) == [(after("$x", files["/t.witx"]), "@0")]

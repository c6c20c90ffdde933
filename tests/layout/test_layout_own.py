"""Layouts of the project's own fixtures (tests/fixtures/greenhouse.witx,
garden_status.witx, oddities.witx), so the layout engine is checked on a fresh
clone. Every number below is worked out by hand from the C layout rules that
witx 0.9.1 applies (WebAssembly/WASI tools/witx/src/layout.rs at 0.9.1):

* a scalar's size is its alignment (u8/char8 1, u16/s16 2, u32/s32/f32/usize/
  handles/pointers 4, u64/s64/f64 8); a list or string is (pointer, length): 8, align 4;
* a record places each member at the next multiple of its alignment, then
  rounds the size up to the largest member alignment;
* enums and flags are their tag / repr integer;
* a variant: each case is laid out as the record (tag, payload) and the
  variant takes the largest case size and alignment; the common payload offset
  is the tag size rounded up to each payload's alignment in turn.

The corpus-backed docs.md comparison (test_layout_corpus.py) stays as the
cross-check against the reference's own output."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import WITX_ORACLE
from tests.support.greenhouse import GREENHOUSE, ODDITIES, oddities
from witx_lsp.cli.main import main
from witx_lsp.layout import Layout, document_layouts


@dataclass(frozen=True)
class Want:
    kind: str
    size: int
    align: int
    members: dict[str, int] = field(default_factory=dict)  # member -> offset
    padding: tuple[tuple[int, int], ...] = ()  # (offset, size)
    tag_size: int | None = None
    payload_offset: int | None = None
    case_sizes: dict[str, int] = field(default_factory=dict)  # each case's own (tag, payload) size


WANT: dict[str, Want] = {
    # enums: the tag integer alone; payload offset = tag size (no payloads)
    "status": Want("enum", 2, 2, tag_size=2, payload_offset=2),
    "leak": Want("enum", 1, 1, tag_size=1, payload_offset=1),
    "season": Want("enum", 1, 1, tag_size=1, payload_offset=1),
    "soil": Want("enum", 2, 2, tag_size=2, payload_offset=2),
    "light": Want("enum", 4, 4, tag_size=4, payload_offset=4),  # no (@witx tag): u32
    "epoch": Want("enum", 8, 8, tag_size=8, payload_offset=8),
    "zone": Want("alias", 4, 4, tag_size=4, payload_offset=4),  # the layout of $light
    "lit": Want("enum", 4, 4, tag_size=4, payload_offset=4),  # bool: (enum $false $true), u32 tag
    # flags: the repr integer
    "valves": Want("flags", 1, 1),
    "lamps": Want("flags", 2, 2),
    "alerts": Want("flags", 4, 4),  # no (@witx repr): u32
    "history": Want("flags", 8, 8),
    "tray": Want("handle", 4, 4),
    "count": Want("builtin", 4, 4),  # usize
    "initial": Want("builtin", 1, 1),  # char8
    "readings": Want("list", 8, 4),
    "name_bytes": Want("list", 8, 4),
    "trays": Want("list", 8, 4),
    # sensor u8 @0; celsius f64 @align(1, 8) = 8; humidity u16 @16, ends 18; size align(18, 8) = 24
    "reading": Want("record", 24, 8, {"sensor": 0, "celsius": 8, "humidity": 16}, ((1, 7), (18, 6))),
    # opened s16 @0; angle f32 @align(2, 4) = 4; shade u8 @8, ends 9; size align(9, 4) = 12
    "window": Want("record", 12, 4, {"opened": 0, "angle": 4, "shade": 8}, ((2, 2), (9, 3))),
    # row u8 @0; last $reading (24, align 8) @8, ends 32; plants u32 @32; soil (u16 enum) @36, ends 38;
    # size align(38, 8) = 40
    "bed": Want("record", 40, 8, {"row": 0, "last": 8, "plants": 32, "soil": 36}, ((1, 7), (38, 2))),
    # name list @0 (8); first pointer @8 (4); slots list @12 (8), ends 20; sign char8 @20, ends 21; size 24
    "shelf": Want("record", 24, 4, {"name": 0, "first": 8, "slots": 12, "sign": 20}, ((21, 3),)),
    # u16 @0; u64 @align(2, 8) = 8; u8 @16, ends 17; size align(17, 8) = 24
    "span": Want("tuple", 24, 8, {"0": 0, "1": 8, "2": 16}, ((2, 6), (17, 7))),
    # count usize @0; season u8 @4, ends 5; size align(5, 4) = 8
    "pair": Want("tuple", 8, 4, {"0": 0, "1": 4}, ((5, 3),)),
    # tag u8 (from $season). Cases in the enum's order: spring (1 + u8) = 2; summer (1, f64 @8) = 16;
    # autumn (1, usize @4) = 8; winter 1. Size 16, align 8. Payload offset: 1 -> align(1, 1) = 1 ->
    # align(1, 8) = 8 -> align(8, 4) = 8.
    "sample": Want("variant", 16, 8, tag_size=1, payload_offset=8,
                   case_sizes={"spring": 2, "summer": 16, "autumn": 8, "winter": 1}),
    # tag u32. off 4; drip (4, usize @4) = 8; spray (4, pointer @4) = 8; soak (4, u64 @8) = 16.
    # Payload offset align(4, 8) = 8.
    "watering": Want("variant", 16, 8, tag_size=4, payload_offset=8,
                     case_sizes={"off": 4, "drip": 8, "spray": 8, "soak": 16}),
    # tag u16 (from $soil). clay (2, u8 @2) = 3 -> align 2 -> 4; loam (2, $window @4) = 16;
    # sand (2, f32 @4) = 8. Size 16, align 4; payload offset align(2, 4) = 4.
    "probe": Want("variant", 16, 4, tag_size=2, payload_offset=4, case_sizes={"clay": 4, "loam": 16, "sand": 8}),
    # tag u32 (no tag). 0: (4, u16 @4) = 6 -> 8; 1: (4, s8 @4) = 5 -> 8. Payload offset 4.
    "gauge": Want("variant", 8, 4, tag_size=4, payload_offset=4, case_sizes={"0": 8, "1": 8}),
    # tag u64. quiet 8; tone (8, u16 @8) = 10 -> 16. Payload offset 8.
    "signal": Want("variant", 16, 8, tag_size=8, payload_offset=8, case_sizes={"quiet": 8, "tone": 16}),
    # expected: tag u32. ok (4, $reading @8) = 32; err (4, u16 @4) = 6 -> 8. Payload offset align(4, 8) = 8.
    "outcome": Want("variant", 32, 8, tag_size=4, payload_offset=8, case_sizes={"ok": 32, "err": 8}),
    # tag u8. wide (1, f64 @8) = 16; tall (1, $window @4) = 16: size 16, align 8. But the common payload
    # offset is align(1, 8) = 8, so `tall` at 8 ends at 20, past the size (the 0.9.1 quirk).
    "lopsided": Want("variant", 16, 8, tag_size=1, payload_offset=8, case_sizes={"wide": 16, "tall": 16}),
}


@pytest.fixture(scope="module")
def layouts() -> dict[str, Layout]:
    return document_layouts(oddities())


def test_every_fixture_type_is_checked(layouts: dict[str, Layout]) -> None:
    assert set(layouts) == set(WANT)


@pytest.mark.parametrize("name", list(WANT))
def test_fixture_layout(name: str, layouts: dict[str, Layout]) -> None:
    want = WANT[name]
    lay = layouts[name]
    assert lay.ok, lay.error
    assert (lay.kind, lay.size, lay.align) == (want.kind, want.size, want.align)
    assert {m.name: m.offset for m in lay.members} == want.members
    assert tuple((p.offset, p.size) for p in lay.padding) == want.padding
    assert (lay.tag_size, lay.payload_offset) == (want.tag_size, want.payload_offset)
    if want.case_sizes:
        assert {c.name: c.size for c in lay.cases} == want.case_sizes


def test_enum_tagged_cases_take_the_enums_order(layouts: dict[str, Layout]) -> None:
    # $sample lists winter, spring, autumn, summer; the tag enum $season says spring, summer, autumn, winter
    assert [c.name for c in layouts["sample"].cases] == ["spring", "summer", "autumn", "winter"]
    assert [c.name for c in layouts["probe"].cases] == ["clay", "loam", "sand"]


def test_flag_bits_follow_declaration_order(layouts: dict[str, Layout]) -> None:
    assert layouts["valves"].flags == ("north", "south", "east", "west")
    assert layouts["history"].flags == ("logged", "archived")


def test_the_lopsided_variant_is_the_only_overflowing_one(layouts: dict[str, Layout]) -> None:
    over = {name: [c.name for c in lay.overflowing_cases] for name, lay in layouts.items() if lay.overflowing_cases}
    assert over == {"lopsided": ["tall"]}
    # the canonical size would be align(8 + 12, 8) = 24
    assert layouts["lopsided"].canonical_size == 24


ORACLE = WITX_ORACLE


@pytest.mark.skipif(not ORACLE.is_file(), reason="the reference witx oracle is not built "
                    "(../shared/tools/oracle/build.sh; WITX_ORACLE names the binary)")
def test_hand_layouts_agree_with_the_reference_oracle() -> None:
    """The cross-check of the table above: the real witx 0.9.1 crate's layouts of the fixture."""
    run = subprocess.run([str(ORACLE), "layout", str(ODDITIES)], capture_output=True, text=True, timeout=60,
                         check=True)
    ref = json.loads(run.stdout)["types"]
    assert set(ref) == set(WANT)
    for name, want in WANT.items():
        got = ref[name]
        assert (got["size"], got["align"]) == (want.size, want.align), name
        if want.members:
            assert {m["name"]: m["offset"] for m in got["members"]} == want.members, name
        if want.payload_offset is not None and got["kind"] != "alias":  # the oracle gives an alias no offset
            assert got["payload_offset"] == want.payload_offset, name


def test_layout_cli_json_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layout", "--format", "json", str(ODDITIES)]) == 0
    types = json.loads(capsys.readouterr().out)["types"]
    assert len(types) == len(WANT)
    keys = {"kind", "size", "align", "members", "flags", "tag_size", "payload_offset", "cases", "padding"}
    assert all(keys <= set(t) for t in types.values())
    assert types["bed"]["members"][1] == {"name": "last", "offset": 8, "size": 24, "align": 8}
    assert types["bed"]["padding"] == [{"offset": 1, "size": 7}, {"offset": 38, "size": 2}]
    assert (types["probe"]["tag_size"], types["probe"]["payload_offset"]) == (2, 4)
    assert types["sample"]["cases"] == ["spring", "summer", "autumn", "winter"]
    assert types["lamps"]["flags"] == ["red", "blue", "white"]
    assert types["zone"]["kind"] == "alias" and types["zone"]["target"] == "light"


def test_layout_cli_text_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layout", "--type", "window", str(GREENHOUSE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("$window: record, size 12, align 4")
    assert "(padding)" in out and "angle" in out


def test_greenhouse_is_what_wiggle_binds_and_oddities_what_it_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    def warnings(path: Path) -> list[str]:
        main(["check", "--format", "json", str(path)])
        found = json.loads(capsys.readouterr().out)["diagnostics"]
        return sorted(d["code"] for d in found if d["severity"] in ("error", "warning"))

    assert warnings(GREENHOUSE) == []
    # two named tuples, an untagged union, the overflowing variant, three results that are not `expected`
    assert warnings(ODDITIES) == ["W0504", "W0603", "W0603", "W0604", "W0606", "W0606", "W0606"]


def test_fixture_files_are_the_projects_own() -> None:
    # hand-written for these tests: the greenhouse files name no corpus file and are checked clean
    for p in (GREENHOUSE, ODDITIES, Path(GREENHOUSE).with_name("garden_status.witx")):
        assert "witx-lsp's own tests" in p.read_text(encoding="utf-8")

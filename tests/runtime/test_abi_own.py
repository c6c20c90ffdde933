"""The ABI glue on a bytearray memory with the project's own fixture
(tests/fixtures/greenhouse.witx), so the runtime is checked on a fresh clone.

Inputs are put into guest memory and outputs read back with `struct`, at the
offsets worked out by hand in tests/layout/test_layout_own.py, independently of
the runtime's own readers and writers. Error locations and values follow
wiggle's generated glue (wasmtime crates/wiggle/generate/src/funcs.rs,
v19.0.2): "convert <RustName>" for enums and flags, "convert u8" for narrow
integers and char8, "read <witx name>" for records and variants passed by
address, "write <witx name>" for out-pointers (tuple members last first).

test_abi.py keeps the ports of the upstream wiggle tests over the corpus files
as the cross-check."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.greenhouse import Greenhouse, greenhouse, oddities
from witx_lsp.wiggle.runtime import (
    U8,
    AbiFunction,
    BytearrayMemory,
    Err,
    GuestPtr,
    HostError,
    InFunc,
    InvalidEnumValue,
    InvalidFlagValue,
    InvalidUtf8,
    Ok,
    PtrNotAligned,
    PtrOutOfBounds,
    Region,
    SlicePtr,
    TryFromIntError,
    TypeSpace,
    WiggleDefinitionError,
    module_functions,
)

FINE, MISSING, OUT_OF_RANGE, BUSY = range(4)  # $status (u16 tags, in declaration order)
DRY, DRIPPING, FLOODED = range(3)  # $leak (u8)
READING = "<B7xdH6x"  # $reading: sensor u8 @0, celsius f64 @8, humidity u16 @16, 24 bytes
WINDOW = "<hxxfB3x"  # $window: opened s16 @0, angle f32 @4, shade u8 @8, 12 bytes
BED = "<B7x" + READING[1:] + "IH2x"  # $bed: row @0, last @8, plants u32 @32, soil u16 @36, 40 bytes


def glue(impl: object | None = None, **kw: Any) -> dict[str, AbiFunction]:
    return {f.name: f for f in module_functions(greenhouse(), "greenhouse", impl or Greenhouse(), **kw)}


def trap(f: AbiFunction, mem: BytearrayMemory, *args: Any) -> InFunc:
    with pytest.raises(InFunc) as e:
        f.call(mem, *args)
    return e.value


def test_core_signatures_of_the_glue() -> None:
    f = glue()
    assert f["switch"].params == ("i32", "i32", "i32", "i64", "i32") and f["switch"].results == ("i32",)
    assert f["engrave"].params == ("i32",) * 6 and f["halt"].results == () and f["nudge"].params == ("i64",)


def test_open_tray_u8_and_enum_params() -> None:
    impl = Greenhouse()
    f = glue(impl)["open_tray"]
    mem = BytearrayMemory(64)
    assert f.call(mem, 7, 2, 16) == FINE and struct.unpack_from("<I", mem.data, 16) == (107,)
    assert f.call(mem, 7, 3, 20) == BUSY and mem.data[20:24] == bytes(4)  # nothing written on Err
    assert impl.seen == [("open_tray", (7, "autumn")), ("open_tray", (7, "winter"))]
    assert trap(f, mem, 256, 0, 16) == InFunc("greenhouse", "open_tray", "convert u8", TryFromIntError())
    assert trap(f, mem, 0, 4, 16) == InFunc("greenhouse", "open_tray", "convert Season", InvalidEnumValue("Season"))
    assert trap(f, mem, 0, 256, 16) == InFunc("greenhouse", "open_tray", "convert Season", TryFromIntError())
    assert trap(f, mem, 0, 0, 18) == InFunc("greenhouse", "open_tray", "write tray", PtrNotAligned(Region(18, 4), 4))
    assert trap(f, mem, 0, 0, 64) == InFunc("greenhouse", "open_tray", "write tray", PtrOutOfBounds(Region(64, 4)))


def test_close_tray_handles_are_plain_u32() -> None:
    impl = Greenhouse()
    f = glue(impl)["close_tray"]
    mem = BytearrayMemory(16)
    assert f.call(mem, 107) == FINE and f.call(mem, -1) == MISSING
    assert impl.seen == [("close_tray", 107), ("close_tray", 0xFFFF_FFFF)]


def test_inspect_bed_reads_a_nested_record_and_writes_one() -> None:
    impl = Greenhouse()
    f = glue(impl)["inspect_bed"]
    mem = BytearrayMemory(256)
    struct.pack_into(BED, mem.data, 64, 3, 9, 21.5, 640, 12, 1)
    mem.data[128:152] = b"\xaa" * 24
    assert f.call(mem, 64, 128) == FINE
    bed = impl.seen[0][1]
    assert (bed.row, bed.plants, bed.soil) == (3, 12, "loam")
    assert (bed.last.sensor, bed.last.celsius, bed.last.humidity) == (9, 21.5, 640)
    assert struct.unpack_from(READING, mem.data, 128) == (12, 43.0, 12)
    # the padding (bytes 1-7 and 18-23) is left as it was: fields are written one by one
    assert mem.data[129:136] == b"\xaa" * 7 and mem.data[146:152] == b"\xaa" * 6
    # fields are read one by one: at 65, row (u8) and last.sensor pass, last.celsius at 65 + 8 + 8 is refused
    assert trap(f, mem, 65, 128) == InFunc("greenhouse", "inspect_bed", "read bed", PtrNotAligned(Region(81, 8), 8))
    struct.pack_into("<H", mem.data, 64 + 36, 3)  # soil: no fourth case
    assert trap(f, mem, 64, 128) == InFunc("greenhouse", "inspect_bed", "read bed", InvalidEnumValue("Soil"))
    # at 232 the first field past the end is last.humidity at 232 + 8 + 16 (plants, at 264, is never reached)
    assert trap(f, mem, 232, 128).err == PtrOutOfBounds(Region(256, 2))


def test_measure_tuple_results_are_stored_last_member_first() -> None:
    impl = Greenhouse()
    f = glue(impl)["measure"]
    mem = BytearrayMemory(64)
    struct.pack_into(WINDOW, mem.data, 0, -2, 0.25, 9)
    assert f.call(mem, 0, 1, 32, 40) == FINE  # zone 1: dim
    window, zone = impl.seen[0][1]
    assert (window.opened, window.angle, window.shade, zone) == (-2, 0.25, 9, "dim")
    assert struct.unpack_from("<I", mem.data, 32) == (18,) and mem.data[40] == 2  # count 18, autumn
    # the alias $zone converts as its target, $light
    assert trap(f, mem, 0, 3, 32, 40) == InFunc("greenhouse", "measure", "convert Light", InvalidEnumValue("Light"))
    # a bad first out-pointer: the season (the last member) is already written when the count fails
    assert trap(f, mem, 0, 2, 34, 44) == InFunc("greenhouse", "measure", "write count", PtrNotAligned(Region(34, 4), 4))
    assert mem.data[44] == 1  # summer
    assert trap(f, mem, 0, 2, 34, 64).location == "write season"


def test_switch_flags_of_every_width() -> None:
    impl = Greenhouse()
    f = glue(impl)["switch"]
    mem = BytearrayMemory(64)
    assert f.call(mem, 0b1010, 0b011, 0b100, 0b11, 8) == DRY  # DRY is $leak's success tag
    assert impl.seen[0][1] == (frozenset({"south", "west"}), frozenset({"red", "blue"}), frozenset({"drought"}),
                               frozenset({"logged", "archived"}))
    assert struct.unpack_from("<Q", mem.data, 8) == (1,)  # logged
    assert f.call(mem, 0, 0b100, 0b010, 0, 8) == FLOODED
    for args, location, err in [
        ((0b10000, 0, 0, 0), "convert Valves", InvalidFlagValue("Valves")),
        ((256, 0, 0, 0), "convert Valves", TryFromIntError()),
        ((0, 0b1000, 0, 0), "convert Lamps", InvalidFlagValue("Lamps")),
        ((0, 0x10000, 0, 0), "convert Lamps", TryFromIntError()),
        ((0, 0, 0b1000, 0), "convert Alerts", InvalidFlagValue("Alerts")),
        ((0, 0, -1, 0), "convert Alerts", TryFromIntError()),  # u32::try_from(-1i32)
        ((0, 0, 0, 0b100), "convert History", InvalidFlagValue("History")),
        ((0, 0, 0, -1), "convert History", TryFromIntError()),  # u64::try_from(-1i64)
    ]:
        assert trap(f, mem, *args, 8) == InFunc("greenhouse", "switch", location, err)
    assert trap(f, mem, 0, 0, 0, 0, 12).err == PtrNotAligned(Region(12, 8), 8)  # a u64 out-pointer


def test_choose_variants_with_enum_and_integer_tags() -> None:
    impl = Greenhouse()
    f = glue(impl)["choose"]
    mem = BytearrayMemory(128)
    struct.pack_into("<B7xd", mem.data, 32, 1, 30.0)  # $sample: tag u8, payload @8; tag 1 is summer
    struct.pack_into("<QH6x", mem.data, 48, 1, 440)  # $signal: tag u64, tone's u16 @8
    assert f.call(mem, 2, 1, 32, 48, 0) == FINE
    assert impl.seen[-1][1] == ("sand", "new", ("summer", 30.0), ("tone", 440))
    assert struct.unpack_from("<I", mem.data, 0) == (2,)  # bright
    # the cases take the tag enum's order, not the order they are written in: winter (written first) is 3
    mem.data[32] = 3
    struct.pack_into("<Q", mem.data, 48, 0)
    assert f.call(mem, 0, 0, 32, 48, 0) == FINE
    assert impl.seen[-1][1] == ("clay", "old", ("winter", None), ("quiet", None))
    mem.data[32], mem.data[40] = 0, 200  # spring, u8 payload
    assert f.call(mem, 0, 0, 32, 48, 0) == FINE and impl.seen[-1][1][2] == ("spring", 200)
    assert trap(f, mem, 3, 0, 32, 48, 0) == InFunc("greenhouse", "choose", "convert Soil", InvalidEnumValue("Soil"))
    assert trap(f, mem, 0, 2, 32, 48, 0) == InFunc("greenhouse", "choose", "convert Epoch", InvalidEnumValue("Epoch"))
    mem.data[32] = 4
    assert trap(f, mem, 0, 0, 32, 48, 0) == InFunc("greenhouse", "choose", "read sample", InvalidEnumValue("Sample"))
    mem.data[32] = 0
    struct.pack_into("<Q", mem.data, 48, 2)
    assert trap(f, mem, 0, 0, 32, 48, 0) == InFunc("greenhouse", "choose", "read signal", InvalidEnumValue("Signal"))


def test_water_variant_with_a_pointer_payload_and_a_union() -> None:
    impl = Greenhouse()
    f = glue(impl)["water"]
    mem = BytearrayMemory(128)
    mem.data[100] = 0b0001  # north
    struct.pack_into("<I4xI", mem.data, 0, 2, 100)  # $watering: spray (tag 2), pointer payload @8
    struct.pack_into("<H2x" + WINDOW[1:], mem.data, 16, 1, 5, 1.5, 7)  # $probe: loam (tag 1), $window @4
    assert f.call(mem, 0, 16) == DRY
    assert mem.data[100] == 0b0101  # north | east, written through the payload pointer
    how, probe = impl.seen[0][1]
    assert how[0] == "spray" and how[1].offset() == 100
    assert probe[0] == "loam" and (probe[1].opened, probe[1].angle, probe[1].shade) == (5, 1.5, 7)
    struct.pack_into("<I4xQ", mem.data, 0, 3, 11)  # soak, u64 payload @8
    struct.pack_into("<H2xf", mem.data, 16, 2, -0.5)  # sand, f32 @4
    assert f.call(mem, 0, 16) == DRIPPING and impl.seen[-1][1] == (("soak", 11), ("sand", -0.5))
    struct.pack_into("<I4xI", mem.data, 0, 2, 100)
    mem.data[100] = 0xF0  # no such valves behind the pointer: the implementation's own read fails (a trap)
    with pytest.raises(InvalidFlagValue) as e:
        f.call(mem, 0, 16)
    assert str(e.value) == "Invalid flag value Valves"
    struct.pack_into("<I", mem.data, 0, 4)
    assert trap(f, mem, 0, 16) == InFunc("greenhouse", "water", "read watering", InvalidEnumValue("Watering"))
    struct.pack_into("<I", mem.data, 0, 0)
    struct.pack_into("<H", mem.data, 16, 3)
    assert trap(f, mem, 0, 16) == InFunc("greenhouse", "water", "read probe", InvalidEnumValue("Probe"))


def test_engrave_string_char8_usize_and_pointer() -> None:
    impl = Greenhouse()
    f = glue(impl)["engrave"]
    mem = BytearrayMemory(256)
    text = "Gärtner".encode()
    mem.data[10:10 + len(text)] = text
    assert f.call(mem, 10, len(text), ord("G"), 20, 100, 200) == FINE
    assert impl.seen[0] == ("engrave", ("Gärtner", 71, 20))
    assert bytes(mem.data[100:100 + len(text)]) == text and struct.unpack_from("<I", mem.data, 200) == (8,)
    assert f.call(mem, 10, len(text), 0, 3, 100, 200) == OUT_OF_RANGE
    assert trap(f, mem, 10, len(text), 256, 20, 100, 200) == InFunc("greenhouse", "engrave", "convert u8",
                                                                   TryFromIntError())
    mem.data[10:12] = b"\xc3("
    with pytest.raises(InvalidUtf8):  # the implementation's own view of the string fails: a trap
        f.call(mem, 10, 2, 0, 20, 100, 200)
    assert not mem.has_outstanding_borrows()


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40), st.integers(0, 300))
def test_engrave_copies_any_text(word: str, at: int) -> None:
    mem = BytearrayMemory(1024)
    data = word.encode()
    mem.data[at:at + len(data)] = data
    assert glue()["engrave"].call(mem, at, len(data), 0, 200, 512, 1020) == FINE
    assert bytes(mem.data[512:512 + len(data)]) == data and struct.unpack_from("<I", mem.data, 1020) == (len(data),)


def test_average_a_list_of_records_and_a_const_pointer() -> None:
    f = glue()["average"]
    mem = BytearrayMemory(256)
    for i, (sensor, celsius, humidity) in enumerate([(1, 20.0, 500), (2, 22.0, 600), (3, 27.0, 550)]):
        struct.pack_into(READING, mem.data, 64 + 24 * i, sensor, celsius, humidity)
    struct.pack_into(READING, mem.data, 160, 42, 0.0, 0)
    assert f.call(mem, 64, 3, 160, 200) == FINE
    assert struct.unpack_from(READING, mem.data, 200) == (42, 23.0, 600)
    assert f.call(mem, 64, 0, 160, 200) == MISSING
    with pytest.raises(PtrNotAligned):  # the implementation's own read of element 0 at 68: celsius at 76
        f.call(mem, 68, 1, 160, 200)


def test_tune_every_integer_and_float_width() -> None:
    impl = Greenhouse()
    f = glue(impl)["tune"]
    mem = BytearrayMemory(32)
    assert f.call(mem, -128, -32768, 65535, -5, -1, -7, 0.5, -2.25, 8) == FINE
    assert impl.seen[0][1] == (-128, -32768, 65535, -5, 2**64 - 1, -7, 0.5, -2.25)
    assert struct.unpack_from("<Q", mem.data, 8) == (1,)  # $epoch new, a u64 tag
    for args, location in [((-129, 0, 0), "convert i8"), ((0, 32768, 0), "convert i16"), ((0, 0, -1), "convert u16")]:
        assert trap(f, mem, *args, 0, 0, 0, 0.0, 0.0, 8) == InFunc("greenhouse", "tune", location, TryFromIntError())
    assert trap(f, mem, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 12) == InFunc("greenhouse", "tune", "write epoch",
                                                                  PtrNotAligned(Region(12, 8), 8))


def test_count_nudge_and_halt() -> None:
    impl = Greenhouse()
    f = glue(impl)
    mem = BytearrayMemory(16)
    # a named bool is stored as an enum with a u32 tag: false 0, true 1
    assert f["is_lit"].call(mem, 0b010, 8) == FINE and struct.unpack_from("<I", mem.data, 8) == (1,)
    assert f["is_lit"].call(mem, 0, 8) == FINE and struct.unpack_from("<I", mem.data, 8) == (0,)
    assert f["count_trays"].call(mem, 4) == FINE and struct.unpack_from("<I", mem.data, 4) == (64,)
    assert f["nudge"].call(mem, -1) is None and impl.seen == [("nudge", 2**64 - 1)]
    with pytest.raises(SystemExit) as e:
        f["halt"].call(mem, 3)
    assert e.value.code == 3

    class Returns(Greenhouse):
        def halt(self, code: int) -> Any:
            return code

    with pytest.raises(HostError, match=r"^3$"):
        glue(Returns())["halt"].call(mem, 3)


class Unreliable(Exception):
    pass


class Pump:
    def prime(self, litres: int) -> Any:
        return Ok(None) if litres < 10 else Err(Unreliable("air" if litres < 100 else "fire"))

    def drain(self, litres: int) -> Any:
        return Err("dripping") if litres else Ok(None)

    def seize(self, litres: int) -> Any:
        return Unreliable(f"seized at {litres}")


def test_pump_error_conversion_and_success_override() -> None:
    def status_of(e: Unreliable) -> str:
        if str(e) == "fire":
            raise RuntimeError("the conversion traps")
        return "busy"

    f = {g.name: g for g in module_functions(greenhouse(), "pump", Pump(), errors={"status": status_of})}
    mem = BytearrayMemory(16)
    assert f["prime"].call(mem, 1) == FINE and f["prime"].call(mem, 50) == BUSY
    with pytest.raises(RuntimeError, match="the conversion traps"):
        f["prime"].call(mem, 500)
    assert f["drain"].call(mem, 0) == DRY and f["drain"].call(mem, 5) == DRIPPING
    with pytest.raises(Unreliable, match="seized at 9"):
        f["seize"].call(mem, 9)
    # `success` names the case reported for Ok: drain's Ok(None) is now DRIPPING
    g = {h.name: h for h in module_functions(greenhouse(), "pump", Pump(), success={"leak": "dripping"})}
    assert g["drain"].call(mem, 0) == DRIPPING


def test_the_forms_wiggle_refuses() -> None:
    class Anything:
        def __getattr__(self, name: str) -> Any:
            return lambda *a: Ok(None)

    with pytest.raises(WiggleDefinitionError, match="result `state` is not an `expected`"):
        module_functions(oddities(), "dials", Anything())


def test_type_space_writes_the_hand_computed_bytes() -> None:
    space = TypeSpace(greenhouse())
    mem = BytearrayMemory(128)
    GuestPtr(mem, 0, space.named("bed")).write(
        {"row": 1, "last": {"sensor": 2, "celsius": -1.5, "humidity": 3}, "plants": 4, "soil": "sand"})
    assert bytes(mem.data[0:40]) == struct.pack(BED, 1, 2, -1.5, 3, 4, 2)
    GuestPtr(mem, 40, space.named("shelf")).write(
        {"name": SlicePtr(mem, 96, 5, U8), "first": GuestPtr(mem, 8, space.named("reading")),
         "slots": SlicePtr(mem, 100, 2, space.named("tray")), "sign": 0x41})
    # name (ptr, len) @0, first @8, slots (ptr, len) @12, sign @20, 3 bytes of tail padding
    assert bytes(mem.data[40:61]) == struct.pack("<IIIIIB", 96, 5, 8, 100, 2, 0x41)
    shelf = GuestPtr(mem, 40, space.named("shelf")).read()
    assert (shelf.name.offset(), shelf.first.offset(), shelf.slots.offset(), shelf.sign) == ((96, 5), 8, (100, 2), 0x41)
    assert shelf.first.read().celsius == -1.5  # the const pointer leads to the bed's `last` reading, at 8
    GuestPtr(mem, 80, space.named("window")).write({"opened": -1, "angle": 0.1, "shade": 255})
    assert bytes(mem.data[80:89]) == struct.pack("<hxxfB", -1, 0.1, 255)  # f32 through its bit pattern
    GuestPtr(mem, 64, space.named("watering")).write(("drip", 9))
    assert bytes(mem.data[64:76]) == struct.pack("<I4xI", 1, 9)  # u32 tag; the payload at the common offset 8


def test_the_fixtures_constants() -> None:
    consts = {(c.ty, c.name): c.value for c in greenhouse().constants}
    assert consts == {("valves", "all"): 15, ("count", "max_trays"): 64}
    valves = TypeSpace(greenhouse()).named("valves")
    assert valves.from_bits(consts[("valves", "all")]) == frozenset({"north", "south", "east", "west"})  # type: ignore[attr-defined]

"""The project's own witx fixtures (tests/fixtures/greenhouse.witx, its error
enums in garden_status.witx, and oddities.witx with the forms wiggle refuses),
loaded once per process."""

from __future__ import annotations

from functools import cache
from typing import Any

from tests.conftest import FIXTURES
from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import Document, InterfaceFunc
from witx_lsp.wiggle.runtime import Err, GuestPtr, Ok, SlicePtr, StrPtr

GREENHOUSE = FIXTURES / "greenhouse.witx"
ODDITIES = FIXTURES / "oddities.witx"


@cache
def fixture_doc(name: str) -> Document:
    """The validated document of tests/fixtures/<name>.witx (no errors)."""
    a = analyze([str(FIXTURES / f"{name}.witx")])
    errors = [d for d in a.diagnostics if d.severity.name == "ERROR"]
    assert not errors, errors
    return a.document


def greenhouse() -> Document:
    return fixture_doc("greenhouse")


def oddities() -> Document:
    return fixture_doc("oddities")


def function(doc: Document, module: str, name: str) -> InterfaceFunc:
    m = doc.module(module)
    assert m is not None, module
    f = m.func(name)
    assert f is not None, name
    return f


class Greenhouse:
    """A Python implementation of the greenhouse module, recording what it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def open_tray(self, slot: int, season: str) -> Any:
        self.seen.append(("open_tray", (slot, season)))
        return Err("busy") if season == "winter" else Ok(100 + slot)

    def close_tray(self, tray: int) -> Any:
        self.seen.append(("close_tray", tray))
        return Ok(None) if tray == 107 else Err("missing")

    def inspect_bed(self, bed: Any) -> Any:
        self.seen.append(("inspect_bed", bed))
        last = bed.last
        return Ok({"sensor": last.sensor + bed.row, "celsius": last.celsius * 2, "humidity": bed.plants})

    def measure(self, window: Any, zone: str) -> Any:
        self.seen.append(("measure", (window, zone)))
        return Ok((window.shade * 2, "autumn" if zone == "dim" else "summer"))

    def switch(self, valves: frozenset[str], lamps: frozenset[str], alerts: frozenset[str],
               history: frozenset[str]) -> Any:
        self.seen.append(("switch", (valves, lamps, alerts, history)))
        if "heat" in alerts and "white" in lamps:
            return Err("flooded")
        return Ok(history - {"archived"})

    def choose(self, soil: str, epoch: str, sample: tuple[str, Any], signal: tuple[str, Any]) -> Any:
        self.seen.append(("choose", (soil, epoch, sample, signal)))
        return Ok("bright" if sample[0] == "summer" else "dim")

    def water(self, how: tuple[str, Any], probe: tuple[str, Any]) -> Any:
        self.seen.append(("water", (how, probe)))
        case, payload = how
        if case == "spray":
            payload.write(payload.read() | {"east"})
        return Err("dripping") if case == "soak" and payload > 10 else Ok(None)

    def engrave(self, text: StrPtr, mark: int, width: int, into: GuestPtr[int]) -> Any:
        s = text.as_str()
        assert s is not None
        with s:
            data = str(s).encode()
        self.seen.append(("engrave", (data.decode(), mark, width)))
        if len(data) > width:
            return Err("out_of_range")
        into.as_array(len(data)).copy_from_slice(data)
        return Ok(len(data))

    def average(self, readings: SlicePtr[Any], best: GuestPtr[Any]) -> Any:
        rs = [p.read() for p in readings.iter()]
        if not rs:
            return Err("missing")
        top = best.read()
        return Ok({"sensor": top.sensor, "celsius": sum(r.celsius for r in rs) / len(rs),
                   "humidity": max(r.humidity for r in rs)})

    def tune(self, *args: Any) -> Any:
        self.seen.append(("tune", args))
        return Ok("new")

    def is_lit(self, lamps: frozenset[str]) -> Any:
        return Ok("true" if lamps else "false")

    async def count_trays(self) -> Any:  # an async method runs in the dummy executor
        return Ok(64)

    def nudge(self, by: int) -> None:
        self.seen.append(("nudge", by))

    def halt(self, code: int) -> Any:
        return SystemExit(code)

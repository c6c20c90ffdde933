"""The generated Protocol of the project's own fixture
(tests/fixtures/greenhouse.witx), so Protocol generation runs on a fresh clone:
mypy --strict (in a subprocess) accepts the generated module and a conforming
implementation and rejects exactly the lines marked `# BAD`; the runtime
builds records with the generated classes, and their bytes are the ones the
hand-computed layouts give. test_protocol.py keeps preview1 and the wiggle
test files as the cross-check."""

from __future__ import annotations

import importlib.util
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.greenhouse import GREENHOUSE, greenhouse
from witx_lsp.wiggle.runtime import BytearrayMemory, Ok, module_functions
from witx_lsp.wiggle.runtime.protocol import generate_protocol

GOOD = """
from __future__ import annotations

import witx_lsp.wiggle.runtime as rt
from gh_types import (Alerts, Bed, Count, Epoch, Greenhouse, History, Initial, Lamps, Leak, Light, Lit, Probe,
                      Reading, Readings, Sample, Season, Signal, Soil, Status, Tray, Valves, Watering, Window, Zone)
from pump_types import Pump


class GoodGreenhouse:
    def open_tray(self, slot: int, season: Season) -> rt.Result[Tray, Status]:
        return rt.Err("busy") if season == "winter" else rt.Ok(100 + slot)

    def close_tray(self, tray: Tray) -> rt.Ok[None]:
        return rt.Ok(None)

    def inspect_bed(self, bed: Bed) -> rt.Result[Reading, Status]:
        return rt.Ok(Reading(sensor=bed.row, celsius=bed.last.celsius * 2, humidity=bed.plants))

    def measure(self, window: Window, zone: Zone) -> rt.Result[tuple[Count, Season], Status]:
        return rt.Ok((window.shade, "autumn" if zone == "dim" else "summer"))

    def switch(self, valves: Valves, lamps: Lamps, alerts: Alerts, history: History) -> rt.Result[History, Leak]:
        return rt.Err("flooded") if "heat" in alerts else rt.Ok(history - {"archived"})

    def choose(self, soil: Soil, epoch: Epoch, sample: Sample, signal: Signal) -> rt.Result[Light, Status]:
        if sample[0] == "summer" and sample[1] > 25.0:
            return rt.Ok("bright")
        return rt.Ok("dim")

    def water(self, how: Watering, probe: Probe) -> rt.Result[None, Leak]:
        if how[0] == "spray":
            how[1].write(how[1].read())
        return rt.Ok(None)

    def engrave(self, text: rt.StrPtr, mark: Initial, width: Count, into: rt.GuestPtr[int]) -> rt.Result[Count, Status]:
        s = text.as_str()
        if s is None:
            return rt.Err("missing")
        with s:
            data = str(s).encode()
        into.as_array(len(data)).copy_from_slice(data)
        return rt.Ok(len(data))

    def average(self, readings: Readings, best: rt.GuestPtr[Reading]) -> rt.Result[Reading, Status]:
        return rt.Ok(best.read()) if readings.len() else rt.Err("missing")

    def tune(self, a: int, b: int, c: int, d: int, e: int, f: int, g: float, h: float) -> rt.Ok[Epoch]:
        return rt.Ok("new")

    def is_lit(self, lamps: Lamps) -> rt.Ok[Lit]:
        return rt.Ok("true" if lamps else "false")

    async def count_trays(self) -> rt.Ok[Count]:
        return rt.Ok(3)

    def nudge(self, by: int) -> None:
        pass

    def halt(self, code: int) -> BaseException:
        return SystemExit(code)


class GoodPump:
    def prime(self, litres: int) -> rt.Result[None, Status]:
        return rt.Ok(None)

    def drain(self, litres: int) -> rt.Err[Leak]:
        return rt.Err("dripping")

    def seize(self, litres: int) -> BaseException:
        return RuntimeError(litres)


greenhouse: Greenhouse = GoodGreenhouse()
pump: Pump = GoodPump()
"""

# Each line that mypy must reject is marked `# BAD`.
BAD = """
from __future__ import annotations

import witx_lsp.wiggle.runtime as rt
from gh_types import Count, Greenhouse, Reading, Sample, Season, Status, Tray, Valves
from pump_types import Leak, Pump


def an_enum() -> Season:
    return "monsoon"  # BAD


def some_flags() -> Valves:
    return frozenset({"up"})  # BAD


def a_record() -> Reading:
    return Reading(sensor=1, celsius="warm", humidity=2)  # BAD


def a_variant() -> Sample:
    return ("winter", 3)  # BAD


def a_tuple_result() -> rt.Result[tuple[Count, Season], Status]:
    return rt.Ok((1, 2))  # BAD


def an_error() -> rt.Result[Tray, Status]:
    return rt.Err("flooded")  # BAD


class OneMethod:
    def open_tray(self, slot: int, season: Season) -> rt.Result[Tray, Status]:
        return rt.Ok(1)


class WrongParam:
    def prime(self, litres: str) -> rt.Result[None, Status]:
        return rt.Ok(None)

    def drain(self, litres: int) -> rt.Result[None, Leak]:
        return rt.Ok(None)

    def seize(self, litres: int) -> BaseException:
        return RuntimeError()


class WrongError:
    def prime(self, litres: int) -> rt.Result[None, Status]:
        return rt.Ok(None)

    def drain(self, litres: int) -> rt.Result[None, Status]:
        return rt.Ok(None)

    def seize(self, litres: int) -> BaseException:
        return RuntimeError()


missing: Greenhouse = OneMethod()  # BAD
wrong_param: Pump = WrongParam()  # BAD
wrong_error: Pump = WrongError()  # BAD
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("own_protocols")
    (d / "gh_types.py").write_text(generate_protocol(greenhouse(), "greenhouse", asynchronous={"count_trays"}))
    pump = generate_protocol(greenhouse(), "pump")
    (d / "pump_types.py").write_text(pump)
    (d / "good.py").write_text(GOOD)
    (d / "bad.py").write_text(BAD)
    return d


def _mypy(d: Path, *files: str) -> list[str]:
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--hide-error-context",
           "--cache-dir", str(d / ".mypy_cache"), *files]
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, timeout=300,
                       env={"PYTHONPATH": str(ROOT), "MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return [line for line in p.stdout.splitlines() if ": error:" in line]


def test_mypy_checks_implementations_against_the_fixture_protocols(generated: Path) -> None:
    errors = _mypy(generated, "gh_types.py", "pump_types.py", "good.py", "bad.py")
    assert [e for e in errors if not e.startswith("bad.py:")] == []
    bad_lines = {i + 1 for i, line in enumerate((generated / "bad.py").read_text().splitlines()) if "# BAD" in line}
    flagged = {int(m.group(1)) for e in errors if (m := re.match(r"bad\.py:(\d+):", e))}
    assert flagged == bad_lines, errors


def test_generated_source_shape() -> None:
    src = generate_protocol(greenhouse(), "greenhouse", asynchronous={"count_trays"})
    assert "class Greenhouse(_t.Protocol):" in src
    assert "    async def count_trays(self) -> _rt.Result[Count, Status]:" in src
    assert "    def halt(self, code: int) -> BaseException:" in src
    assert "    def measure(self, window: Window, zone: Zone) -> _rt.Result[tuple[Count, Season], Status]:" in src
    assert "Season: _t.TypeAlias = \"_t.Literal['spring', 'summer', 'autumn', 'winter']\"" in src
    assert "Lit: _t.TypeAlias = \"_t.Literal['false', 'true']\"" in src
    assert "History: _t.TypeAlias = \"frozenset[_t.Literal['logged', 'archived']]\"" in src
    # the enum-tagged variant's cases in the enum's order, with their payload types
    assert ("Sample: _t.TypeAlias = \"tuple[_t.Literal['spring'], int] | tuple[_t.Literal['summer'], float] | "
            "tuple[_t.Literal['autumn'], Count] | tuple[_t.Literal['winter'], None]\"") in src
    assert "class Bed:\n" in src and "    last: Reading\n" in src and "    soil: Soil\n" in src
    with pytest.raises(KeyError):
        generate_protocol(greenhouse(), "nope")


def test_records_are_built_with_the_generated_classes(generated: Path) -> None:
    spec = importlib.util.spec_from_file_location("gh_types_rt", generated / "gh_types.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gh_types_rt"] = mod
    try:
        spec.loader.exec_module(mod)
        seen: list[Any] = []

        class Impl:
            def inspect_bed(self, bed: Any) -> Any:
                seen.append(bed)
                return Ok(mod.Reading(sensor=bed.row, celsius=bed.last.celsius, humidity=bed.plants))

            def __getattr__(self, name: str) -> Any:
                return lambda *args: Ok(None)

        funcs = {f.name: f for f in module_functions(greenhouse(), "greenhouse", Impl(), classes=mod)}
        mem = BytearrayMemory(128)
        # $bed at 0: row @0, last.sensor @8, last.celsius @16, last.humidity @24, plants @32, soil @36
        struct.pack_into("<B7xB7xdH6xIH2x", mem.data, 0, 5, 6, 7.5, 8, 9, 2)
        assert funcs["inspect_bed"].call(mem, 0, 64) == 0
        assert seen[0] == mod.Bed(row=5, last=mod.Reading(6, 7.5, 8), plants=9, soil="sand")
        assert isinstance(seen[0].last, mod.Reading)
        assert struct.unpack_from("<B7xdH6x", mem.data, 64) == (5, 7.5, 9)
    finally:
        sys.modules.pop("gh_types_rt", None)


def test_generated_text_is_stable_across_hash_seeds() -> None:
    script = ("import sys; from witx_lsp.model.analysis import analyze; "
              "from witx_lsp.wiggle.runtime.protocol import generate_protocol; "
              "sys.stdout.write(generate_protocol(analyze([sys.argv[1]]).document, 'greenhouse'))")
    outputs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run([sys.executable, "-c", script, str(GREENHOUSE)], capture_output=True, text=True,
                             check=True, env={"PYTHONHASHSEED": seed, "PATH": "", "PYTHONPATH": str(ROOT)})
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert outputs.pop().count("class Greenhouse(_t.Protocol):") == 1

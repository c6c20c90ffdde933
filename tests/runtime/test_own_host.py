"""The same WAT guest against this runtime's own `add_to_linker` with a
Python implementation of a subset of preview1 (args, environ, clocks, fd_write
into a buffer, random_get): the same calls leave the same bytes in guest
memory, return the same errnos, and trap with the same messages as against
wasmtime's real WASI host.

The witx comes from the corpus preview1 (needs ../shared) or from the
project's own hand-written subset, tests/fixtures/preview1_subset.witx (always
runs); when the corpus is present, the subset is checked against preview1."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.conftest import FIXTURES, PREVIEW1, needs_corpus
from tests.runtime.wasi_guest import MODULE, Guest, PyWasi, guest_wat, own_host, preview1, real_host
from witx_lsp.model.types import NamedType
from witx_lsp.wiggle.runtime import U8, GuestPtr, InFunc

SUBSET = FIXTURES / "preview1_subset.witx"

ARGV = ["prog", "alpha", "béta", ""]
ENV = [("K", "V"), ("PATH", "/bin:/usr/bin"), ("E", "é")]
RANDOM = (3300, 32)
CLOCK_SLOTS = [(3016, 8), (3024, 8)]

# (function, args): every call returns an errno or traps; the calls run in this order on one instance.
SCRIPT: list[tuple[str, tuple[int, ...]]] = [
    ("args_sizes_get", (0, 4)),
    ("args_get", (16, 1024)),
    ("environ_sizes_get", (64, 68)),
    ("environ_get", (80, 2048)),
    ("clock_res_get", (0, 3000)),
    ("clock_res_get", (1, 3008)),
    ("clock_res_get", (2, 3008)),  # process CPU time: badf, nothing written
    ("clock_time_get", (0, 1, 3016)),
    ("clock_time_get", (1, 1000, 3024)),
    ("clock_time_get", (3, 0, 3032)),
    ("fd_write", (1, 3100, 2, 3200)),
    ("fd_write", (1, 3116, 1, 3204)),
    ("fd_write", (2, 3100, 0, 3208)),
    ("fd_write", (99, 3100, 2, 3212)),
    ("random_get", RANDOM),
    ("random_get", (70000, 0)),
    # traps raised by the glue (InFunc) ...
    ("args_sizes_get", (65535, 0)),
    ("environ_sizes_get", (8, 65534)),
    ("clock_time_get", (7, 0, 8)),
    ("clock_time_get", (-1, 0, 8)),
    ("clock_res_get", (0, 65533)),
    ("clock_time_get", (0, 0, 3020)),
    ("fd_write", (1, 3100, 2, 65534)),
    # ... and by the implementation's own guest memory accesses
    ("fd_write", (1, 3102, 1, 3200)),
    ("fd_write", (1, 65532, 2, 3200)),
    ("args_get", (65532, 65534)),
    ("args_get", (0, 65533)),
    ("environ_get", (0, 65533)),
    ("random_get", (65530, 100)),
]


def prepare(g: Guest) -> None:
    """Inputs encoded by this runtime: two ciovecs and the text they point at."""
    g.put(3400, b"hello, wasi\n")
    ciovec = g.types.named("ciovec")
    iovs = GuestPtr(g.mem, 3100, ciovec)
    iovs.write({"buf": GuestPtr(g.mem, 3400, U8), "buf_len": 0})
    iovs.add(1).write({"buf": GuestPtr(g.mem, 3400, U8), "buf_len": 7})
    iovs.add(2).write({"buf": GuestPtr(g.mem, 3407, U8), "buf_len": 5})


def run(g: Guest) -> list[tuple[str, Any]]:
    prepare(g)
    out: list[tuple[str, Any]] = []
    for name, args in SCRIPT:
        try:
            out.append(("ok", g.call(name, *args)))
        except Exception as e:
            out.append(("trap", e))
    return out


def masked(snapshot: bytes) -> bytes:
    data = bytearray(snapshot)
    for start, n in [RANDOM, *CLOCK_SLOTS]:
        data[start:start + n] = bytes(n)
    return bytes(data)


@pytest.fixture(scope="module", params=[pytest.param(PREVIEW1, marks=needs_corpus, id="preview1"),
                                        pytest.param(SUBSET, id="own-subset")])
def runs(request: pytest.FixtureRequest) -> dict[str, Any]:
    doc = preview1(str(request.param))
    wat = guest_wat(doc)

    def configure(wasi: Any) -> None:
        wasi.argv = ARGV
        wasi.env = ENV

    with real_host(wat, doc, configure) as g:
        real = (run(g), g.snapshot())
    impl = PyWasi(ARGV, ENV)
    with own_host(wat, doc, impl) as g:
        own = (run(g), g.snapshot())
    return {"real": real, "own": own, "impl": impl}


def test_same_bytes_in_guest_memory(runs: dict[str, Any]) -> None:
    real, own = runs["real"][1], runs["own"][1]
    assert len(real) == len(own) == 65536
    assert masked(real) == masked(own)
    assert real[RANDOM[0]:RANDOM[0] + RANDOM[1]] != bytes(RANDOM[1])  # both filled the buffer
    assert own[RANDOM[0]:RANDOM[0] + RANDOM[1]] != bytes(RANDOM[1])


def test_same_errnos(runs: dict[str, Any]) -> None:
    real, own = runs["real"][0], runs["own"][0]
    for (name, args), r, o in zip(SCRIPT, real, own, strict=True):
        assert r[0] == o[0], (name, args, r, o)
        if r[0] == "ok":
            assert r[1] == o[1], (name, args)
    # short writes, as the real host does (the last one before the trap at "write size")
    assert runs["impl"].out[1] == b"hello, " + b"wasi\n" + b"hello, "


def test_same_trap_messages(runs: dict[str, Any]) -> None:
    real, own = runs["real"][0], runs["own"][0]
    traps = 0
    for (name, args), r, o in zip(SCRIPT, real, own, strict=True):
        if r[0] != "trap":
            continue
        traps += 1
        ours = o[1]
        # wasmtime-py re-raises the host function's own exception
        expected = str(ours)
        if expected.endswith("TryFromIntError(())"):
            # the Debug of Rust's TryFromIntError names the overflow kind in toolchains newer than the seed's
            expected = expected.removesuffix("())")
        assert expected in str(r[1]), (name, args, str(ours), str(r[1]))
        if isinstance(ours, InFunc):
            assert ours.modulename == "wasi_snapshot_preview1" and ours.funcname == name
    assert traps == 13


def _shape(value: object) -> object:
    """A model value without its docs and spans; a typename reference is its name."""
    if isinstance(value, NamedType):
        return ("name", value.name)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, _shape(getattr(value, f.name))) for f in dataclasses.fields(value)
                                            if f.name not in ("docs", "span")))
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    return value


@needs_corpus
def test_the_own_subset_agrees_with_preview1() -> None:
    ours, upstream = preview1(str(SUBSET)), preview1(str(PREVIEW1))
    assert ours.typenames and len(ours.module(MODULE).funcs) == 9  # type: ignore[union-attr]
    for t in ours.typenames:
        theirs = upstream.typename(t.name)
        assert theirs is not None and _shape(theirs.tref) == _shape(t.tref), t.name
    for f in ours.module(MODULE).funcs:  # type: ignore[union-attr]
        theirs_f = upstream.module(MODULE).func(f.name)  # type: ignore[union-attr]
        assert theirs_f is not None and _shape(theirs_f) == _shape(f), f.name

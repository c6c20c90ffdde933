"""Host calls per second of an fd_write-style function (two iovecs) bound with
the wiggle runtime's `add_to_linker`, beside a bare wasmtime-py `define_func`
doing the same memory reads by hand, in one run (JSON on stdout).

Both hosts serve the same WAT guest, which calls `fd_write(1, iovs, 2, nwritten)`
in a loop. Per call, each host finds the caller's "memory" export, reads the
two iovecs and the bytes they point at (7 + 5), writes the total through the
`nwritten` out-pointer and returns errno 0. The runtime side does it through
typed access (a `SlicePtr` of ciovec records, `GuestPtr` reads, `to_bytes`) with
wiggle's checks: bounds, alignment, borrow checking, InFunc errors.
Target: the runtime's rate is at least 50% of the bare rate.

It also reports (key "wasi_host", from benchmarks/wasi_host.py) the host-call
rate of witx_lsp.wasi's Python preview1 host against wasmtime's built-in WASI
on the same programs (an fd_write loop, a file copy) and the cost of --trace,
when the preview1 witx is found (../shared/corpus, or --wasi-witx PATH).

Run: python benchmarks/runtime.py [--calls N] [--runs N] [--wasi-witx PATH | --no-wasi]
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from witx_lsp.model.analysis import analyze_text  # noqa: E402
from witx_lsp.wiggle.runtime import Ok, SlicePtr, add_to_linker  # noqa: E402

TARGET_RATIO = 0.5

WITX = """
(typename $errno (enum (@witx tag u16) $success $badf))
(typename $fd (handle))
(typename $size u32)
(typename $ciovec (record (field $buf (@witx const_pointer u8)) (field $buf_len $size)))
(typename $ciovec_array (list $ciovec))
(module $bench
  (import "memory" (memory))
  (@interface func (export "fd_write")
    (param $fd $fd) (param $iovs $ciovec_array)
    (result $error (expected $size (error $errno)))))
"""

WAT = """
(module
  (import "bench" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; two ciovecs at 0: "hello, " at 64 and "wasi\\n" at 71
  (data (i32.const 0) "\\40\\00\\00\\00\\07\\00\\00\\00\\47\\00\\00\\00\\05\\00\\00\\00")
  (data (i32.const 64) "hello, wasi\\n")
  (func (export "run") (param $n i32) (local $i i32)
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
"""


class Impl:
    """fd_write through typed access: every iovec record, then its bytes."""

    def __init__(self) -> None:
        self.written = 0

    def fd_write(self, fd: int, iovs: SlicePtr[Any]) -> Ok[int]:
        total = 0
        for iov in iovs.iter():
            rec = iov.read()
            total += len(rec.buf.as_array(rec.buf_len).to_bytes())
        self.written += total
        return Ok(total)


_IOVS = struct.Struct("<IIII")
_U32 = struct.Struct("<I")


def make_bare() -> tuple[Any, list[int]]:
    written = [0]

    def fd_write(caller: Any, fd: int, iovs: int, n: int, nwritten: int) -> int:
        mem = caller.get("memory")
        p0, l0, p1, l1 = _IOVS.unpack(mem.read(caller, iovs, iovs + 16))
        total = len(mem.read(caller, p0, p0 + l0)) + len(mem.read(caller, p1, p1 + l1))
        mem.write(caller, _U32.pack(total), nwritten)
        written[0] += total
        return 0
    return fd_write, written


def instance(which: str) -> tuple[Any, Any, Any, Any]:
    from wasmtime import Engine, FuncType, Linker, Module, Store, ValType

    engine = Engine()
    module = Module(engine, WAT)
    store = Store(engine)
    linker = Linker(engine)
    state: Any
    if which == "bare":
        fn, state = make_bare()
        i32 = ValType.i32()
        linker.define_func("bench", "fd_write", FuncType([i32, i32, i32, i32], [i32]), fn, access_caller=True)
    else:
        doc = analyze_text(WITX).document
        state = Impl()
        add_to_linker(linker, doc, "bench", state)
    inst = linker.instantiate(store, module)
    exports = inst.exports(store)
    return store, exports["run"], exports["memory"], state


def rate(run: Any, store: Any, calls: int) -> float:
    start = time.perf_counter()
    run(store, calls)
    return calls / (time.perf_counter() - start)


def wasi_figures(witx: str | None, calls: int, runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import wasi_host
    path = witx or str(wasi_host.DEFAULT_WITX)
    if not Path(path).is_file():
        return {"skipped": f"no witx at {path} (pass --wasi-witx)"}
    return wasi_host.run(path, calls, min(runs, 5))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--wasi-witx", default=None, help="wasi_snapshot_preview1.witx for the WASI host figures")
    ap.add_argument("--no-wasi", action="store_true", help="skip the WASI host figures")
    args = ap.parse_args()
    hosts = {name: instance(name) for name in ("bare", "runtime")}
    for store, run, _, _ in hosts.values():
        rate(run, store, 1000)  # warm up
    rates: dict[str, list[float]] = {"bare": [], "runtime": []}
    for _ in range(args.runs):  # interleaved, so that machine noise hits both
        for name, (store, run, _, _) in hosts.items():
            rates[name].append(rate(run, store, args.calls))
    for name, (store, _, memory, _) in hosts.items():
        assert _U32.unpack(bytes(memory.read(store, 32, 36)))[0] == 12, name
    bare = statistics.median(rates["bare"])
    ours = statistics.median(rates["runtime"])
    out = {
        "calls_per_run": args.calls,
        "runs": args.runs,
        "bare_define_func_calls_per_s": round(bare),
        "add_to_linker_calls_per_s": round(ours),
        "ratio": round(ours / bare, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ours / bare >= TARGET_RATIO,
        "bare_runs": [round(r) for r in rates["bare"]],
        "runtime_runs": [round(r) for r in rates["runtime"]],
    }
    for store, _, _, _ in hosts.values():
        store.close()
    if not args.no_wasi:
        out["wasi_host"] = wasi_figures(args.wasi_witx, args.calls, args.runs)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

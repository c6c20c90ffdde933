"""Host-call rate of witx_lsp.wasi's Python preview1 host against wasmtime's
built-in WASI host (`define_wasi`) on the same WAT programs, and the cost of
tracing (JSON on stdout). Imported by benchmarks/runtime.py (`--wasi`), or run
directly: python benchmarks/wasi_host.py --witx .../wasi_snapshot_preview1.witx

* fd_write loop: `fd_write(1, [12 bytes], nwritten)` N times, stdout on /dev/null.
* file copy: path_open a 4 MiB file and a new one, then fd_read / fd_write 4 KiB at a time.

Reported per host: calls/s (median of interleaved runs). Goal: the Python host
reaches at least half of wasmtime's built-in rate on the fd_write loop. Beside
it, the ceiling of any Python host on wasmtime-py: an `fd_write` defined with
`define_func` that returns 0 at once (wasmtime-py's trampoline alone).
Tracing is a wrapper installed only with --trace, so with it off the host runs
unchanged; `trace_on` shows the rate with tracing into a discarding sink.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from witx_lsp.wasi import MODULE, WasiConfig, WasiHost  # noqa: E402
from witx_lsp.wasi.runner import load_witx  # noqa: E402
from witx_lsp.wasi.trace import traced  # noqa: E402
from witx_lsp.wiggle.runtime import add_to_linker  # noqa: E402

TARGET_RATIO = 0.5
DEFAULT_WITX = (ROOT.parent / "shared/corpus/WebAssembly_WASI/wasi-0.1_fae981ba/preview1/witx"
                / "wasi_snapshot_preview1.witx")
COPY_SIZE = 4 << 20
CHUNK = 4096

WRITE_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\0c\\00\\00\\00")  ;; one ciovec: 12 bytes at 16
  (data (i32.const 16) "hello, wasi\\n")
  (func (export "run") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32))
        (then (return (i32.const -1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
"""

COPY_WAT = """
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 64) "src.bin")
  (data (i32.const 80) "dst.bin")
  ;; iovec at 0: 4096 bytes at 4096; src fd at 16, dst fd at 20, nread at 24, nwritten at 28
  (data (i32.const 0) "\\00\\10\\00\\00\\00\\10\\00\\00")
  (func (export "run") (param $n i32) (result i32) (local $calls i32)
    ;; rights: fd_read (2) for the source; fd_write (64) for the destination; oflags creat|trunc (9)
    (if (call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 7) (i32.const 0)
                         (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16))
      (then (return (i32.const -1))))
    (if (call $path_open (i32.const 3) (i32.const 1) (i32.const 80) (i32.const 7) (i32.const 9)
                         (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 20))
      (then (return (i32.const -2))))
    (loop $l
      (if (call $fd_read (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 24))
        (then (return (i32.const -3))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
      (if (i32.load (i32.const 24))
        (then
          (i32.store (i32.const 4) (i32.load (i32.const 24)))
          (if (call $fd_write (i32.load (i32.const 20)) (i32.const 0) (i32.const 1) (i32.const 28))
            (then (return (i32.const -4))))
          (i32.store (i32.const 4) (i32.const 4096))
          (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
          (br $l))))
    (drop (call $fd_close (i32.load (i32.const 16))))
    (drop (call $fd_close (i32.load (i32.const 20))))
    (i32.add (local.get $calls) (i32.const 4))))
"""


def _empty(caller: Any, fd: int, iovs: int, n: int, nwritten: int) -> int:
    return 0


class Instance:
    """One program on one host, with a sandbox holding src.bin and stdout on /dev/null."""

    def __init__(self, host: str, wat: str, doc: Any, sandbox: str, null_fd: int) -> None:
        from wasmtime import Engine, FuncType, Linker, Module, Store, ValType, WasiConfig as WtConfig  # noqa: I001
        engine = Engine()
        self.store = Store(engine)
        linker = Linker(engine)
        self.host: WasiHost | None = None
        if host == "empty":
            # the ceiling of any Python host on wasmtime-py: a host function that does nothing
            i32 = ValType.i32()
            linker.define_func(MODULE, "fd_write", FuncType([i32] * 4, [i32]), _empty, access_caller=True)
        elif host == "wasmtime":
            cfg = WtConfig()
            cfg.preopen_dir(sandbox, "/sandbox")
            cfg.stdout_file = os.devnull
            self.store.set_wasi(cfg)
            linker.define_wasi()
        else:
            self.host = WasiHost(WasiConfig(preopens=[(sandbox, "/sandbox")], stdout=null_fd), doc)
            impl: object = self.host
            if host == "python+trace":
                impl = traced(doc, MODULE, self.host, lambda line: None)
            add_to_linker(linker, doc, MODULE, impl)
        self.run: Any = linker.instantiate(self.store, Module(engine, wat)).exports(self.store)["run"]

    def rate(self, n: int) -> float:
        start = time.perf_counter()
        calls: int = self.run(self.store, n)
        elapsed = time.perf_counter() - start
        if calls < 0:
            raise RuntimeError(f"the program failed ({calls})")
        return calls / elapsed

    def close(self) -> None:
        if self.host is not None:
            self.host.close()
        self.store.close()


def measure(wat: str, doc: Any, hosts: list[str], n: int, runs: int, sandbox: str, null_fd: int) -> dict[str, Any]:
    inst = {h: Instance(h, wat, doc, sandbox, null_fd) for h in hosts}
    rates: dict[str, list[float]] = {h: [] for h in hosts}
    try:
        for h in hosts:
            inst[h].rate(max(1, n // 10))  # warm up
        for _ in range(runs):  # interleaved, so that machine noise hits every host alike
            for h in hosts:
                rates[h].append(inst[h].rate(n))
    finally:
        for i in inst.values():
            i.close()
    return {h: round(statistics.median(r)) for h, r in rates.items()}


def run(witx: str, calls: int, runs: int) -> dict[str, Any]:
    doc = load_witx([witx])
    null_fd = os.open(os.devnull, os.O_WRONLY)
    try:
        with tempfile.TemporaryDirectory() as sandbox:
            Path(sandbox, "src.bin").write_bytes(os.urandom(COPY_SIZE))
            write = measure(WRITE_WAT, doc, ["wasmtime", "empty", "python", "python+trace"], calls, runs,
                            sandbox, null_fd)
            copy = measure(COPY_WAT, doc, ["wasmtime", "python"], 0, runs, sandbox, null_fd)
            assert Path(sandbox, "dst.bin").read_bytes() == Path(sandbox, "src.bin").read_bytes()
    finally:
        os.close(null_fd)
    ratio = write["python"] / write["wasmtime"]
    return {
        "fd_write_loop": {"calls_per_run": calls, "runs": runs, "wasmtime_calls_per_s": write["wasmtime"],
                          "python_calls_per_s": write["python"], "ratio": round(ratio, 3),
                          "empty_python_host_calls_per_s": write["empty"],
                          "ratio_to_empty_python_host": round(write["python"] / write["empty"], 3),
                          "target_ratio": TARGET_RATIO, "meets_target": ratio >= TARGET_RATIO},
        "file_copy_4MiB": {"chunk": CHUNK, "wasmtime_calls_per_s": copy["wasmtime"],
                           "python_calls_per_s": copy["python"],
                           "ratio": round(copy["python"] / copy["wasmtime"], 3)},
        "trace": {"off_overhead": 0.0, "off_note": "no wrapper is installed without --trace",
                  "on_calls_per_s": write["python+trace"],
                  "on_slowdown": round(write["python"] / write["python+trace"], 2)},
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--witx", default=str(DEFAULT_WITX), help="wasi_snapshot_preview1.witx")
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not Path(args.witx).is_file():
        print(json.dumps({"skipped": f"no witx at {args.witx} (pass --witx)"}))
        return 0
    print(json.dumps(run(args.witx, args.calls, args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

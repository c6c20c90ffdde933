"""This project's full analysis side by side with the reference witx 0.9.1 crate (JSON on stdout).

The reference is the `witx-oracle` command of ../shared/tools/oracle (the real Rust `witx`
0.9.1 crate): `witx-oracle bench N FILE` times N calls of `witx::load(&[FILE])` (read, parse,
validate) in one process after a warm-up. This project's side is `analyze([FILE])` with a
fresh DiskProvider each time (read, parse, lower, validate; no cache), after the same warm-up.
Neither side's time includes freeing its result (../shared/tools/oracle/src/main.rs `bench`
drops the document after reading the clock).

The two sides are interleaved: each round times a batch of the reference, then a batch of
this project, on the same file, so that load from other processes hits both alike. Per side
the figures are the minimum over every load and the median of the rounds' medians.

Measured: WASI preview1 (`wasi_snapshot_preview1.witx` + `typenames.witx`), fastly
compute-at-edge (Viceroy's `compute-at-edge.witx` + the files it uses), and the sum over every
root of the witx 0.9 corpus (the roots of `benchmarks/analyze.py`). Growth: both sides on 1x, 2x,
4x and 8x a generated file (copies of preview1's typenames.witx under renamed names), to show
that this project's time per byte does not grow with the size of the file.

    python benchmarks/versus_reference.py [--oracle PATH] [--rounds N] [--batch N]

Without --oracle: $WITX_ORACLE, else /tmp/witx-oracle/bin/witx-oracle, built there with
../shared/tools/oracle/build.sh when missing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analyze import CORPUS, PREVIEW1, SHARED, corpus_roots  # type: ignore[import-not-found]  # noqa: E402

from witx_lsp.base.vfs import DiskProvider  # noqa: E402
from witx_lsp.model.analysis import analyze  # noqa: E402

COMPUTE_AT_EDGE = (CORPUS / "fastly_Viceroy" / "HEAD_274febd9" / "wasm_abi" / "compute-at-edge-abi"
                   / "compute-at-edge.witx")
TYPENAMES = PREVIEW1.parent / "typenames.witx"
DEFAULT_ORACLE = Path("/tmp/witx-oracle/bin/witx-oracle")
TARGETS = {"compute_at_edge": 0.8, "preview1": 1.5}


def find_oracle(given: str | None) -> Path:
    if given:
        return Path(given)
    env = os.environ.get("WITX_ORACLE")
    if env:
        return Path(env)
    if not DEFAULT_ORACLE.is_file():
        script = SHARED / "tools" / "oracle" / "build.sh"
        print(f"building the reference oracle with {script} ...", file=sys.stderr)
        subprocess.run(["bash", str(script)], check=True, stdout=sys.stderr,
                       env={**os.environ, "OUT": str(DEFAULT_ORACLE.parent.parent)})
    return DEFAULT_ORACLE


def reference_batch(oracle: Path, path: Path, n: int) -> tuple[float, float]:
    """(min, median) ms of n loads by the reference."""
    out = subprocess.run([str(oracle), "bench", str(n), str(path)], check=True, capture_output=True, text=True)
    got = json.loads(out.stdout)
    return got["min_us"] / 1000, got["median_us"] / 1000


def project_batch(path: Path, n: int) -> tuple[float, float]:
    """(min, median) ms of n full analyses, after one warm-up (as the reference's bench)."""
    analyze([str(path)], DiskProvider())
    times = []
    gc.collect()
    for _ in range(n):
        start = time.perf_counter()
        result = analyze([str(path)], DiskProvider())
        times.append((time.perf_counter() - start) * 1000)
        del result  # freed untimed, as the reference's bench drops its document after `elapsed()`
    return min(times), statistics.median(times)


def side_by_side(oracle: Path, paths: list[Path], rounds: int, batch: int) -> dict[str, Any]:
    """Interleaved rounds over `paths`; per side, per path: min and median (ms)."""
    ref: dict[Path, list[tuple[float, float]]] = {p: [] for p in paths}
    own: dict[Path, list[tuple[float, float]]] = {p: [] for p in paths}
    for _ in range(rounds):
        for p in paths:
            ref[p].append(reference_batch(oracle, p, batch))
            own[p].append(project_batch(p, batch))

    def figures(got: dict[Path, list[tuple[float, float]]]) -> tuple[float, float]:
        mins = [min(m for m, _ in got[p]) for p in paths]
        medians = [statistics.median(med for _, med in got[p]) for p in paths]
        return sum(mins), sum(medians)

    (rmin, rmed), (omin, omed) = figures(ref), figures(own)
    return {
        "reference_min_ms": round(rmin, 2), "reference_median_ms": round(rmed, 2),
        "project_min_ms": round(omin, 2), "project_median_ms": round(omed, 2),
        "ratio_min": round(omin / rmin, 3), "ratio_median": round(omed / rmed, 3),
    }


def bytes_read(path: Path) -> int:
    return sum(len(f.text.encode("utf-8")) for f in analyze([str(path)]).files.values())


def generated(copies: int) -> str:
    """`copies` copies of preview1's typenames.witx, each copy's names suffixed with its number."""
    text = TYPENAMES.read_text(encoding="utf-8")
    return "\n".join(re.sub(r"\$([A-Za-z0-9_]+)", rf"$\1_c{k}", text) for k in range(copies))


def growth(oracle: Path, rounds: int, batch: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="witx-versus-") as tmp:
        for copies in (1, 2, 4, 8):
            path = Path(tmp) / f"typenames_x{copies}.witx"
            path.write_text(generated(copies), encoding="utf-8")
            assert not analyze([str(path)]).has_errors(), "the generated file must be valid"
            row = side_by_side(oracle, [path], rounds, batch)
            size = path.stat().st_size
            row["bytes"] = size
            row["project_us_per_kb_median"] = round(row["project_median_ms"] * 1000 / (size / 1024), 1)
            row["reference_us_per_kb_median"] = round(row["reference_median_ms"] * 1000 / (size / 1024), 1)
            out[f"{copies}x"] = row
    base, top = out["1x"], out["8x"]
    out["project_8x_over_1x"] = round(top["project_median_ms"] / base["project_median_ms"], 2)
    out["reference_8x_over_1x"] = round(top["reference_median_ms"] / base["reference_median_ms"], 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--oracle", help="path of a built witx-oracle")
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds per file")
    ap.add_argument("--batch", type=int, default=5, help="loads per side per round")
    ap.add_argument("--no-growth", action="store_true", help="skip the 1x/2x/4x/8x growth series")
    args = ap.parse_args()
    if not PREVIEW1.is_file():
        print(json.dumps({"error": "../shared/corpus is absent: nothing to measure"}))
        return 1
    oracle = find_oracle(args.oracle)
    roots = [Path(r) for r in corpus_roots()]
    roots = [r for r in roots
             if subprocess.run([str(oracle), "check", str(r)], capture_output=True).returncode == 0]
    result: dict[str, Any] = {
        "benchmark": "reference witx::load vs this project's analyze (read, parse, [lower,] validate)",
        "python": sys.version.split()[0],
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "rounds": args.rounds, "batch": args.batch,
        "preview1": {"bytes": bytes_read(PREVIEW1), **side_by_side(oracle, [PREVIEW1], args.rounds, args.batch)},
        "compute_at_edge": {"bytes": bytes_read(COMPUTE_AT_EDGE),
                            **side_by_side(oracle, [COMPUTE_AT_EDGE], args.rounds, args.batch)},
        "corpus_0.9_roots_sum": {"roots": len(roots), "bytes": sum(bytes_read(r) for r in roots),
                                 **side_by_side(oracle, roots, max(3, args.rounds // 3), args.batch)},
    }
    if not args.no_growth:
        result["growth_generated_typenames"] = growth(oracle, max(3, args.rounds // 3), args.batch)
    result["targets_met"] = {
        "compute_at_edge.ratio_median<=0.8": result["compute_at_edge"]["ratio_median"] <= TARGETS["compute_at_edge"],
        "preview1.ratio_median<=1.5": result["preview1"]["ratio_median"] <= TARGETS["preview1"],
        "corpus_sum.ratio_median<1": result["corpus_0.9_roots_sum"]["ratio_median"] < 1,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

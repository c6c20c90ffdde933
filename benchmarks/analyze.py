"""Time of a full in-process analysis (JSON on stdout).

* preview1: `analyze([wasi_snapshot_preview1.witx])`, which also reads its
  typenames.witx: read, parse, lower, validate, with a fresh provider each run
  (no parse cache). Target: median <= 20 ms.
* corpus: one analysis per root of the witx 0.9 corpus (the LOAD_09 roots and
  every root of each DIRS_09 directory of ../shared/tools/conformance.py, a root
  being a file no other file of its directory `use`s), all of them per run.

Also reported: where preview1's time goes (lowering straight from the tokens, which
well-formed files take; validate and read; the tree parse and lowering that files with
errors take, and that the editor's features ask for; and layout diagnostics, which the
editor adds on top). `--profile` prints the top of a
cProfile of the preview1 analysis to stderr.

Run: python benchmarks/analyze.py [--runs N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from witx_lsp.base.vfs import DiskProvider  # noqa: E402
from witx_lsp.layout.diagnostics import layout_diagnostics  # noqa: E402
from witx_lsp.model.analysis import analyze  # noqa: E402
from witx_lsp.model.load import ParseCache  # noqa: E402
from witx_lsp.model.lower import lower  # noqa: E402
from witx_lsp.model.lower_fast import lower_text  # noqa: E402
from witx_lsp.syntax.parser import parse  # noqa: E402

SHARED = ROOT.parent / "shared"
TOOLS = SHARED / "tools"
CORPUS = SHARED / "corpus"
PREVIEW1 = CORPUS / "WebAssembly_WASI" / "wasi-0.1_fae981ba" / "preview1" / "witx" / "wasi_snapshot_preview1.witx"
TARGET_PREVIEW1_MS = 20.0


def corpus_roots() -> list[str]:
    """The LOAD_09 roots and the roots of every DIRS_09 directory."""
    sys.path.insert(0, str(TOOLS))
    try:
        import conformance  # type: ignore[import-not-found]

        load_09: list[str] = list(conformance.LOAD_09)
        dirs_09: list[str] = list(conformance.DIRS_09)
    except ImportError:  # pragma: no cover - the lists as of this writing
        load_09 = [str(p.relative_to(CORPUS)) for p in [PREVIEW1]]
        dirs_09 = []
    finally:
        sys.path.remove(str(TOOLS))
    roots = [str(CORPUS / rel) for rel in load_09]
    for rel in dirs_09:
        files = sorted(str(p) for p in (CORPUS / rel).rglob("*.witx"))
        used = {u for f in files for sf in analyze([f]).files.values() for u in sf.uses}
        roots += [f for f in files if os.path.realpath(f) not in used]
    return roots


def measure(fn: Callable[[], object], runs: int, warmup: int = 3) -> dict[str, Any]:
    """Wall-clock figures, and the median of process CPU time, which other
    processes competing for the cores inflate much less."""
    for _ in range(warmup):
        fn()
    times = []
    cpu = []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000, 2),
        "min_ms": round(times[0] * 1000, 2),
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 2),
    }


def preview1_breakdown(runs: int) -> dict[str, float]:
    """Median milliseconds of each stage of the preview1 analysis. Well-formed files are
    lowered straight from their tokens (`model/lower_fast.py`); the tree (parse, and its
    lowering) is made for files with errors, and on demand for the editor's features."""
    analysis = analyze([str(PREVIEW1)])
    texts = {p: f.text for p, f in analysis.files.items()}
    trees = {p: parse(t, p) for p, t in texts.items()}
    fast = {p: t for p, t in texts.items() if lower_text(t, p) is not None}

    def parse_all() -> None:
        for p, t in texts.items():
            parse(t, p)

    def lower_all() -> None:
        for p, tree in trees.items():
            lower(tree, p)

    def lower_from_tokens() -> None:
        for p, t in fast.items():
            lower_text(t, p)

    total = measure(lambda: analyze([str(PREVIEW1)], DiskProvider()), runs)["median_ms"]
    fast_ms = measure(lower_from_tokens, runs)["median_ms"]
    parse_ms = measure(parse_all, runs)["median_ms"]
    lower_ms = measure(lower_all, runs)["median_ms"]
    layout_ms = measure(lambda: layout_diagnostics(analysis), runs)["median_ms"]
    return {
        "files_lowered_from_tokens": len(fast),
        "lower_from_tokens_ms": fast_ms,
        "validate_read_and_rest_ms": round(total - fast_ms, 2),
        "tree_parse_ms (files with errors; features, on demand)": parse_ms,
        "tree_lower_ms (files with errors)": lower_ms,
        "layout_diagnostics_ms (not part of analyze)": layout_ms,
    }


def preview1_edit(runs: int) -> dict[str, Any]:
    """Re-analysis after an edit of wasi_snapshot_preview1.witx in an editor: its
    text is new each time (parsed again), typenames.witx comes from the ParseCache."""
    base = PREVIEW1.read_text(encoding="utf-8")
    cache = ParseCache()
    counter = iter(range(10**9))

    def edit() -> None:
        text = base + f"\n;; edit {next(counter)}\n"
        analyze([str(PREVIEW1)], DiskProvider({str(PREVIEW1): text}), cache)

    return measure(edit, runs)


def profile_preview1(top: int = 25) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20):
        analyze([str(PREVIEW1)], DiskProvider())
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--runs", type=int, default=50, help="timed runs of preview1 (the corpus gets a fifth)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the preview1 analysis to stderr")
    args = ap.parse_args()
    if not PREVIEW1.is_file():
        print(json.dumps({"error": "../shared/corpus is absent: nothing to measure"}))
        return 1

    p1 = analyze([str(PREVIEW1)])
    preview1: dict[str, Any] = {
        "files": len(p1.files),
        "bytes": sum(len(f.text.encode()) for f in p1.files.values()),
        "typenames": len(p1.document.typenames),
        "functions": sum(len(m.funcs) for m in p1.document.modules),
        "diagnostics": len(p1.diagnostics),
        **measure(lambda: analyze([str(PREVIEW1)], DiskProvider()), args.runs),
    }
    preview1["target_median_ms"] = TARGET_PREVIEW1_MS
    preview1["target_met"] = preview1["median_ms"] <= TARGET_PREVIEW1_MS
    preview1["target_met_by_cpu_time"] = preview1["cpu_median_ms"] <= TARGET_PREVIEW1_MS
    preview1["breakdown"] = preview1_breakdown(max(10, args.runs // 2))
    preview1["edit_with_parse_cache"] = preview1_edit(args.runs)

    roots = corpus_roots()
    analyses = [analyze([r]) for r in roots]

    def whole_corpus() -> None:
        for r in roots:
            analyze([r], DiskProvider())

    corpus: dict[str, Any] = {
        "roots": len(roots),
        "files": sum(len(a.files) for a in analyses),
        "bytes": sum(len(f.text.encode()) for a in analyses for f in a.files.values()),
        "errors": sum(a.has_errors() for a in analyses),
        **measure(whole_corpus, max(5, args.runs // 5), warmup=1),
    }
    print(json.dumps({
        "benchmark": "full in-process analysis (read, parse, lower, validate)",
        "python": sys.version.split()[0],
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "cpus": os.cpu_count(),
        "preview1": preview1,
        "corpus_0.9": corpus,
    }, indent=2))
    if args.profile:
        print(profile_preview1(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time to lay out every type of the whole witx 0.9 corpus (JSON on stdout).

Analysis (parsing, validation) is done once up front; what is timed is a fresh
layout engine laying out every typename of every document, as the docs renderer,
hover and `witx-lsp layout` do. Run: python benchmarks/layout.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from witx_lsp.layout import LayoutEngine, document_layouts  # noqa: E402
from witx_lsp.model.analysis import analyze  # noqa: E402

TOOLS = ROOT.parent / "shared" / "tools"


def corpus_roots() -> list[list[str]]:
    sys.path.insert(0, str(TOOLS))
    import conformance  # type: ignore[import-not-found]

    groups = [[str(conformance.CORPUS / rel)] for rel in conformance.LOAD_09]
    for rel in conformance.DIRS_09:
        files = sorted(str(p) for p in (conformance.CORPUS / rel).rglob("*.witx"))
        used = {u for f in files for sf in analyze([f]).files.values() for u in sf.uses}
        groups += [[f] for f in files if str(Path(f).resolve()) not in used]
    return groups


def main() -> int:
    if not TOOLS.is_dir():
        print(json.dumps({"error": "../shared is absent: no corpus to measure"}))
        return 1
    documents = [analyze(g).document for g in corpus_roots()]
    types = sum(len(d.typenames) for d in documents)
    runs = []
    for _ in range(15):
        start = time.perf_counter()
        for doc in documents:
            document_layouts(doc, LayoutEngine())
        runs.append(time.perf_counter() - start)
    runs.sort()
    print(json.dumps({
        "benchmark": "layout of every typename of the witx 0.9 corpus",
        "documents": len(documents),
        "typenames": types,
        "runs": len(runs),
        "median_ms": round(statistics.median(runs) * 1000, 2),
        "p95_ms": round(runs[int(0.95 * (len(runs) - 1))] * 1000, 2),
        "min_ms": round(runs[0] * 1000, 2),
        "per_type_us": round(statistics.median(runs) / max(1, types) * 1e6, 2),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

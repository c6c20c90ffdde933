"""The resource targets of issue 13, measured on a real server process (JSON on stdout):

* burst_hover_s: a hover's answer time after 1,000 quick incremental didChange edits
  of a 110 KB document, sent without waiting (target < 1 s);
* rss_after_close_mb: resident memory after 300 full-text edits of a 110 KB document
  (every fifth one analysed) and its didClose (target < 250 MB);
* largest_answer_bytes: the largest answer to the hostile documents of
  tests/robustness/test_resources.py (a million `)`, 100,000 nested `(`) (target < 20 MB).

Run: python benchmarks/robustness.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.robustness.test_resources import big_document  # noqa: E402
from tests.robustness.wire import WireClient  # noqa: E402


def main() -> int:
    text = big_document()
    report: dict[str, object] = {"document_chars": len(text)}
    with tempfile.TemporaryDirectory() as tmp, WireClient() as client:
        root = Path(tmp)
        client.initialize(root)
        uri = (root / "burst.witx").as_uri()
        client.open(uri, text)
        client.hover(uri, 1, 12)
        for version in range(2, 1002):
            at = {"line": 1, "character": 0}
            client.change(uri, version, [{"range": {"start": at, "end": at}, "text": " "}])
        start = time.perf_counter()
        client.hover(uri, 1, 1012)
        report["burst_hover_s"] = round(time.perf_counter() - start, 3)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

        uri = (root / "edits.witx").as_uri()
        client.open(uri, text)
        for version in range(2, 302):
            client.change(uri, version, [{"text": text + f";; {version}\n"}])
            if version % 5 == 0:
                client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        report["rss_before_close_mb"] = round(client.rss_mb(), 1)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        client.request("workspace/symbol", {"query": "t1"})
        report["rss_after_close_mb"] = round(client.rss_mb(), 1)

        largest = 0
        for name, hostile in (("parens", ")" * 1_048_576), ("nested", "(" * 100_000)):
            uri = (root / f"{name}.witx").as_uri()
            client.open(uri, hostile)
            for method, params in (("textDocument/diagnostic", {"textDocument": {"uri": uri}}),
                                   ("workspace/executeCommand", {"command": "witx.showSyntaxTree",
                                                                 "arguments": [uri]}),
                                   ("textDocument/foldingRange", {"textDocument": {"uri": uri}}),
                                   ("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})):
                answer = client.request(method, params, timeout=300)
                largest = max(largest, len(json.dumps(answer)))
        report["largest_answer_bytes"] = largest
        report["peak_rss_mb"] = round(client.peak_rss_mb(), 1)
        start = time.perf_counter()
        report["exit_code"] = client.close(timeout=300)
        report["exit_s"] = round(time.perf_counter() - start, 2)
        report["tracebacks"] = len(client.tracebacks())
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

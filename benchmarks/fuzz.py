"""Mutation fuzz of the language server and of `witx-lsp check` (JSON on stdout).

Each mutant is a witx file of the corpus (../shared/corpus, else the project's
examples/) with a few random edits: deleted, duplicated or swapped slices, inserted
tokens, parentheses, quotes, comment openers, line terminators LSP knows and
characters it does not (\\x0c, \\x85, U+2028), astral characters, lone surrogates.

* server: one `witx-lsp serve` process on pipes (tests/robustness/wire.py). Each
  mutant reaches it as a didChange (a full text, or the edits as incremental changes
  computed with LSP's line rules), then one random request at a random position
  and a pull of the document's diagnostics. Counted: deaths (the process exited),
  hangs (no answer within --timeout s; the server is restarted), InternalError
  (-32603) answers, tracebacks on stderr, ranges in answers about the document that
  lie outside it, and the peak resident memory. Every answer must be a result or a
  refusal (InvalidParams, RequestFailed).
* check: `check_roots`, the analysis step of `witx-lsp check`, in-process on the
  mutant written to a file (every 50th through the whole CLI with --format json):
  internal errors and diagnostic spans outside the file.

Targets (issue 13): 0 deaths, 0 hangs, 0 InternalError answers, 0 tracebacks, 0
ranges outside the document.

Run: python benchmarks/fuzz.py [--mutants N] [--check-mutants N] [--seed S] [--timeout S]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.robustness.wire import Hang, WireClient  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TOKENS = ["(", ")", "((", "))", "$x", "$", "u32", "u8", "string", "record", "field", "variant", "case",
          "typename", "module", "@interface", "func", "param", "result", "(@witx", "use", '"', '"a.witx"',
          ";;", ";;;", "(;", ";)", "\\", "\\u{110000}", " ", "\n", "\r", "\r\n", "\x0c", "\x85", "\x1c",
          "\u2028", "😀", "é", "\udcff", "\x00", "\t", "0xFFFFFFFFFFFFFFFFFF", "-1", "handle", "flags",
          "enum", "expected", "error", "list", "tuple", "union", "const", "tag", "repr", "pointer"]
REQUESTS = ["textDocument/hover", "textDocument/definition", "textDocument/declaration",
            "textDocument/typeDefinition", "textDocument/references", "textDocument/documentHighlight",
            "textDocument/completion", "textDocument/prepareRename", "textDocument/rename",
            "textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/selectionRange",
            "textDocument/semanticTokens/full", "textDocument/inlayHint", "textDocument/codeLens",
            "textDocument/codeAction", "textDocument/formatting", "textDocument/rangeFormatting",
            "textDocument/documentLink", "workspace/executeCommand"]
COMMANDS = ["witx.showLayout", "witx.showSyntaxTree", "witx.renderDocs", "witx.previewHostSignatures"]
REFUSALS = {-32602, -32803, -32800, -32600}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.rglob("*.witx")) if CORPUS.is_dir() else []
    return files or sorted((ROOT / "examples").rglob("*.witx"))


# --- mutation ---------------------------------------------------------------------------------

def mutate(text: str, rnd: random.Random) -> list[tuple[int, int, str]]:
    """A few edits (start, end, new text), each in the coordinates of the text as the
    edits before it left it."""
    edits = []
    for _ in range(rnd.randint(1, 4)):
        n = len(text)
        a = rnd.randint(0, n)
        kind = rnd.random()
        if kind < 0.3:
            b, new = min(n, a + rnd.randint(1, 40)), ""
        elif kind < 0.7:
            b, new = a, "".join(rnd.choice(TOKENS) for _ in range(rnd.randint(1, 4)))
        elif kind < 0.85:
            c = rnd.randint(0, n)
            b, new = a, text[c:c + rnd.randint(1, 200)]
        else:
            b = min(n, a + rnd.randint(1, 10))
            new = rnd.choice(TOKENS)
        edits.append((a, b, new))
        text = text[:a] + new + text[b:]
    return edits


def apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, new in edits:
        text = text[:a] + new + text[b:]
    return text


def utf16_position(text: str, offset: int) -> dict[str, int]:
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    prefix = text[starts[line]:offset]
    return {"line": line, "character": len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)}


def lines_utf16(text: str) -> list[int]:
    """The UTF-16 length of each line's content (LSP's line rules)."""
    return [len(p) + sum(1 for ch in p if ord(ch) > 0xFFFF) for p in _NEWLINE.split(text)]


# --- the server ------------------------------------------------------------------------------

class ServerFuzz:
    def __init__(self, timeout: float, workdir: Path, progress: bool = False) -> None:
        self.timeout = timeout
        self.progress = progress
        self.workdir = workdir
        self.stats = {"mutants": 0, "requests": 0, "deaths": 0, "hangs": 0, "internal_errors": 0,
                      "tracebacks": 0, "ranges_outside": 0, "other_errors": 0}
        self.examples: dict[str, list[str]] = {}
        self.peak_rss_mb = 0.0
        self.client: WireClient | None = None
        self.version = 0
        self.uri = (workdir / "fuzz.witx").as_uri()
        self.text = ""

    def start(self) -> WireClient:
        if self.client is not None:
            self.finish_client()
        self.client = WireClient()
        self.client.initialize(self.workdir, capabilities={"textDocument": {"documentSymbol": {
            "hierarchicalDocumentSymbolSupport": True}}})
        self.version = 1
        self.text = ""
        self.client.open(self.uri, "", 1)
        return self.client

    def finish_client(self) -> None:
        client = self.client
        if client is None:
            return
        self.peak_rss_mb = max(self.peak_rss_mb, client.peak_rss_mb())
        with contextlib.suppress(Exception):
            client.close(timeout=10)
        client.drain(0.2)
        self.stats["tracebacks"] += len(client.tracebacks())
        if client.tracebacks():
            self.note("tracebacks", "".join(client.stderr_lines[-30:]))
        client.__exit__()
        self.client = None

    def note(self, kind: str, what: str) -> None:
        if len(self.examples.setdefault(kind, [])) < 5:
            self.examples[kind].append(what[:2000])
            if self.progress:
                print(f"{kind}: {what[:2000]}", file=sys.stderr, flush=True)

    def send_mutant(self, base: str, rnd: random.Random) -> None:
        client = self.client or self.start()
        edits = mutate(base, rnd)
        new = apply(base, edits)
        self.version += 1
        if self.text == base and rnd.random() < 0.5:  # incremental changes from the text the server has
            changes, text = [], base
            for a, b, piece in edits:
                changes.append({"range": {"start": utf16_position(text, a), "end": utf16_position(text, b)},
                                "text": piece})
                text = text[:a] + piece + text[b:]
            client.change(self.uri, self.version, changes)
        else:
            client.change(self.uri, self.version, [{"text": new}])
        self.text = new

    def request(self, method: str, params: Any) -> dict[str, Any] | None:
        assert self.client is not None
        self.stats["requests"] += 1
        try:
            answer = self.client.request(method, params, timeout=self.timeout)
        except Hang as hang:
            if self.client.alive():
                self.stats["hangs"] += 1
                self.note("hangs", f"{method}: {hang}")
            else:
                self.stats["deaths"] += 1
                self.note("deaths", "".join(self.client.stderr_lines[-30:]))
            self.finish_client()
            return None
        error = answer.get("error")
        if error is not None:
            if error.get("code") == -32603:
                self.stats["internal_errors"] += 1
                self.note("internal_errors", f"{method} {json.dumps(params)[:300]}: {error}")
            elif error.get("code") not in REFUSALS:
                self.stats["other_errors"] += 1
                self.note("other_errors", f"{method}: {error}")
        return answer

    def check_ranges(self, method: str, result: Any) -> None:
        lengths = lines_utf16(self.text)

        def outside(pos: Any) -> bool:
            return not (0 <= pos["line"] < len(lengths) and 0 <= pos["character"] <= lengths[pos["line"]])

        def walk(node: Any, uri: str | None) -> None:
            if isinstance(node, dict):
                uri = node.get("uri", node.get("targetUri", uri))
                for key in ("range", "selectionRange", "targetRange", "targetSelectionRange"):
                    rng = node.get(key)
                    mine = isinstance(rng, dict) and "start" in rng and uri in (None, self.uri)
                    if mine and (outside(rng["start"]) or outside(rng["end"])):
                        self.stats["ranges_outside"] += 1
                        self.note("ranges_outside", f"{method}: {json.dumps(rng)} in {lengths[:3]}…")
                pos = node.get("position")
                if isinstance(pos, dict) and "line" in pos and uri in (None, self.uri) and outside(pos):
                    self.stats["ranges_outside"] += 1
                for value in node.values():
                    walk(value, uri)
            elif isinstance(node, list):
                for value in node:
                    walk(value, uri)

        walk(result, None)

    def one(self, base: str, rnd: random.Random) -> None:
        self.send_mutant(base, rnd)
        self.stats["mutants"] += 1
        offset = rnd.randint(0, len(self.text))
        pos = utf16_position(self.text, offset)
        far = {"line": pos["line"] + rnd.choice([0, 0, 0, 1, 1000]), "character": pos["character"]
               + rnd.choice([0, 0, 1, 5000])}
        method = rnd.choice(REQUESTS)
        doc = {"uri": self.uri}
        params: dict[str, Any] = {"textDocument": doc, "position": rnd.choice([pos, pos, far]),
                                  "positions": [pos, far], "range": {"start": pos, "end": far},
                                  "newName": rnd.choice(["renamed", "$bad name", "x"]),
                                  "context": {"includeDeclaration": True, "diagnostics": [], "triggerKind": 1},
                                  "options": {"tabSize": 2, "insertSpaces": True}}
        if method == "workspace/executeCommand":
            params = {"command": rnd.choice(COMMANDS), "arguments": [self.uri, rnd.choice([pos, far, "t"])][
                :rnd.randint(1, 2)]}
        answer = self.request(method, params)
        if answer is not None and method != "workspace/executeCommand":
            self.check_ranges(method, answer.get("result"))
        if self.client is None:
            return
        pulled = self.request("textDocument/diagnostic", {"textDocument": doc})
        if pulled is not None:
            self.check_ranges("diagnostic", pulled.get("result"))


# --- check -----------------------------------------------------------------------------------

def check_fuzz(bases: list[str], count: int, rnd: random.Random, workdir: Path,
               max_seconds: float = float("inf")) -> dict[str, Any]:
    from witx_lsp.cli.cmd_check import check_roots
    from witx_lsp.cli.main import main

    stats: dict[str, Any] = {"mutants": 0, "internal_errors": 0, "ranges_outside": 0, "cli_runs": 0,
                             "cli_failures": 0}
    examples: list[str] = []
    path = workdir / "check.witx"
    start = time.perf_counter()
    for i in range(count):
        if time.perf_counter() - start > max_seconds:
            break
        text = apply(base := rnd.choice(bases), mutate(base, rnd))
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        stats["mutants"] += 1
        result = check_roots((str(path.resolve()),))
        if result.error is not None:
            stats["internal_errors"] += 1
            examples.append(result.error[-1500:])
        for d in result.diagnostics:
            size = len(result.texts.get(d.path, "")) if d.path in result.texts else 0
            if not (0 <= d.span.start <= d.span.end <= max(size, 0)) and (d.path in result.texts or d.span.end):
                stats["ranges_outside"] += 1
                examples.append(f"{d.code} {d.span} outside {size}")
        if i % 50 == 0:
            stats["cli_runs"] += 1
            with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
                code = main(["check", "--format", "json", str(path)])
            if code not in (0, 1) or "internal error" in err.getvalue():
                stats["cli_failures"] += 1
                examples.append(err.getvalue()[-1500:])
            json.loads(out.getvalue())
    took = time.perf_counter() - start
    stats["mutants_per_s"] = round(stats["mutants"] / took, 1) if took else 0.0
    stats["examples"] = examples[:5]
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=2000, help="mutants through the server (default 2000)")
    parser.add_argument("--check-mutants", type=int, default=2000, help="mutants through check (default 2000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds an answer may take (a hang after)")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    parser.add_argument("--max-seconds", type=float, default=float("inf"),
                        help="stop each part after this many seconds (and report what was done)")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    bases = [p.read_text(encoding="utf-8") for p in corpus_files()]
    report: dict[str, Any] = {"files": len(bases), "seed": args.seed, "corpus": CORPUS.is_dir()}
    with tempfile.TemporaryDirectory(prefix="witx-fuzz-") as tmp:
        workdir = Path(tmp)
        fuzz = ServerFuzz(args.timeout, workdir, args.progress)
        start = time.perf_counter()
        for i in range(args.mutants):
            if time.perf_counter() - start > args.max_seconds:
                break
            fuzz.one(rnd.choice(bases), rnd)
            if fuzz.client is not None and i % 500 == 499:
                fuzz.peak_rss_mb = max(fuzz.peak_rss_mb, fuzz.client.peak_rss_mb())
                if args.progress:
                    print(f"server {i + 1}/{args.mutants} {json.dumps(fuzz.stats)}", file=sys.stderr, flush=True)
        fuzz.finish_client()
        took = time.perf_counter() - start
        report["server"] = {**fuzz.stats, "mutants_per_s": round(fuzz.stats["mutants"] / took, 1) if took else 0.0,
                            "peak_rss_mb": round(fuzz.peak_rss_mb, 1), "seconds": round(took, 1),
                            "examples": fuzz.examples}
        report["check"] = check_fuzz(bases, args.check_mutants, rnd, workdir, args.max_seconds)
    print(json.dumps(report, indent=2))
    s, c = report["server"], report["check"]
    bad = (s["deaths"] + s["hangs"] + s["internal_errors"] + s["tracebacks"] + s["ranges_outside"]
           + c["internal_errors"] + c["ranges_outside"] + c["cli_failures"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

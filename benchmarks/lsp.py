"""Language-server latency on WASI preview1, through a real LSP client.

Starts `python -m witx_lsp serve --stdio` (as VS Code does), drives it with
pygls' LanguageClient over stdio, declaring VS Code's client capabilities (as
pytest-lsp records them, plus the completion list defaults vscode-languageclient 9
declares), and prints JSON: cold start to first diagnostics, edit to
publishDiagnostics (the configured debounce subtracted), and the latency of
hover, definition, references, completion, semantic tokens and formatting
(median and p95, milliseconds). A request the server does not advertise or
answers with MethodNotFound is reported as "unsupported".

Cold start is measured as an editor sees it on every start but the very first:
the package is byte-compiled (as pip does on install; this environment may set
PYTHONDONTWRITEBYTECODE) and the server's code cache is warm. The first start,
with an empty code cache, is reported beside it. The cache lives in a temporary
directory, so the user's own cache is neither used nor touched.

The corpus files are copied into a temporary workspace at run time.

    python benchmarks/lsp.py [--corpus DIR] [--samples N] [--edits N] [--debounce-ms N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared/corpus/WebAssembly_WASI/wasi-0.1_fae981ba/preview1/witx"
MAIN = "wasi_snapshot_preview1.witx"
FILES = (MAIN, "typenames.witx")
TARGETS_MS = {"edit_to_diagnostics": 50.0, "hover": 10.0, "definition": 10.0, "completion": 10.0}
COLD_START_TARGET_MS = 1000.0


def summary(samples: list[float]) -> dict[str, float | int]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3),
            "max_ms": round(ordered[-1], 3), "n": len(ordered)}


class Bench:
    def __init__(self, workspace: Path, debounce_ms: int, env: dict[str, str],
                 profile: Path | None = None) -> None:
        self.workspace = workspace
        self.env = env
        self.profile = profile
        self.debounce_ms = debounce_ms
        self.client = LanguageClient("witx-lsp-bench", "1")
        self.published: dict[str, tuple[int | None, float]] = {}  # uri -> (version, arrival)
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = (params.version, time.perf_counter())
            self.event.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            return None

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            return None

        # What VS Code answers to the server's requests at start-up.
        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[Any]:
            return [{"diagnostics": {"debounceMs": debounce_ms}} for _ in params.items]

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

        @self.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_progress_create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.client.feature(types.PROGRESS)
        def on_progress(params: types.ProgressParams) -> None:
            return None

        self.uri = (workspace / MAIN).as_uri()
        self.text = (workspace / MAIN).read_text(encoding="utf-8")
        self.capabilities: types.ServerCapabilities | None = None
        self.initialize_ms = 0.0

    async def wait_published(self, uri: str, version: int, timeout: float = 30) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            got = self.published.get(uri)
            if got is not None and got[0] is not None and got[0] >= version:
                return got[1]
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for version {version}")
            self.event.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.event.wait(), max(0.001, deadline - time.perf_counter()))

    async def start(self) -> float:
        """Spawn, initialize, open the main file: ms to its first diagnostics."""
        t0 = time.perf_counter()
        prof = ["-m", "cProfile", "-o", str(self.profile)] if self.profile is not None else []
        await self.client.start_io(sys.executable, *prof, "-m", "witx_lsp", "serve", "--stdio", env=self.env)
        caps = vscode_capabilities()
        result = await self.client.initialize_async(types.InitializeParams(
            capabilities=caps, root_uri=self.workspace.as_uri(), process_id=os.getpid(),
            workspace_folders=[types.WorkspaceFolder(uri=self.workspace.as_uri(), name="bench")],
            initialization_options={"diagnostics": {"debounceMs": self.debounce_ms}}))
        self.capabilities = result.capabilities
        self.initialize_ms = (time.perf_counter() - t0) * 1000
        self.client.initialized(types.InitializedParams())
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=self.uri, language_id="witx", version=1, text=self.text)))
        arrived = await self.wait_published(self.uri, 1)
        return (arrived - t0) * 1000

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        finally:
            await self.client.stop()

    async def edits(self, n: int) -> list[float]:
        """didChange (whole text, alternating a valid and a broken reference) ->
        publishDiagnostics of that version, minus the debounce."""
        samples = []
        marker = "(typename $bench_probe u32)"
        for i in range(n):
            version = 2 + i
            extra = f"\n(typename $probe{i} {'$fd' if i % 2 else '$nope'})\n"
            text = self.text + extra if i % 3 else self.text.replace("(module", marker + "\n(module", 1) + extra
            t0 = time.perf_counter()
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            arrived = await self.wait_published(self.uri, version)
            samples.append((arrived - t0) * 1000 - self.debounce_ms)
        # Back to the original text, so request positions hold.
        version = 2 + n
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=self.text)]))
        await self.wait_published(self.uri, version)
        return samples

    def positions(self) -> list[types.Position]:
        """Positions inside `$name` references of the module (params' types)."""
        out = []
        lines = self.text.split("\n")
        for ln, line in enumerate(lines):
            m = re.search(r"\(param \$\w+ (\$\w+)\)", line)
            if m:
                out.append(types.Position(line=ln, character=m.start(1) + 2))
        return out

    async def requests(self, name: str, make: Callable[[types.Position], Awaitable[Any]],
                       samples: int) -> dict[str, Any] | str:
        positions = self.positions()
        out = []
        for i in range(samples):
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(make(positions[i % len(positions)]), 30)
            except JsonRpcMethodNotFound:
                return "unsupported"
            out.append((time.perf_counter() - t0) * 1000)
        return summary(out)


def vscode_capabilities() -> types.ClientCapabilities:
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.text_document.completion is not None
    caps.text_document.completion.completion_list = types.CompletionListCapabilities(
        item_defaults=["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"])
    return caps


def import_ms(env: dict[str, str]) -> float:
    """Wall time of a bare interpreter preparing the server as `serve` does (code cache,
    imports, handler registration), without serving."""
    code = "from witx_lsp.server.main import prepare; prepare()"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return (time.perf_counter() - t0) * 1000


def byte_compile() -> None:
    """Write the package's bytecode, as installing the wheel does."""
    import compileall

    import witx_lsp

    compileall.compile_dir(str(Path(witx_lsp.__file__).parent), quiet=1)


async def run(corpus: Path, samples: int, edits: int, debounce_ms: int,
              profile: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="witx-lsp-bench-") as tmp:
        workspace = Path(tmp)
        for name in FILES:
            shutil.copy(corpus / name, workspace / name)
        byte_compile()
        env = {**os.environ, "WITX_LSP_CODE_CACHE": str(workspace / ".cache" / "code.bin")}
        first = Bench(workspace, debounce_ms, env)
        first_start = await first.start()
        await first.stop()
        bench = Bench(workspace, debounce_ms, env, profile)
        cold = await bench.start()
        try:
            caps = bench.capabilities
            assert caps is not None
            c = bench.client
            doc = types.TextDocumentIdentifier(uri=bench.uri)
            result: dict[str, Any] = {
                "corpus": f"{MAIN} + typenames.witx ({len(bench.text)} + "
                          f"{len((workspace / 'typenames.witx').read_text(encoding='utf-8'))} chars)",
                "debounce_ms": debounce_ms,
                "cold_start_to_first_diagnostics_ms": round(cold, 1),
                "first_start_empty_code_cache_ms": round(first_start, 1),
                "cold_start_breakdown_ms": {
                    "python_and_server_imports": round(import_ms(env), 1),
                    "spawn_to_initialize_result": round(bench.initialize_ms, 1),
                    "initialize_result_to_first_diagnostics": round(cold - bench.initialize_ms, 1),
                },
                "edit_to_diagnostics": summary(await bench.edits(edits)),
            }
            probes: list[tuple[str, object, Callable[[types.Position], Awaitable[Any]]]] = [
                ("hover", caps.hover_provider, lambda p: c.text_document_hover_async(
                    types.HoverParams(text_document=doc, position=p))),
                ("definition", caps.definition_provider, lambda p: c.text_document_definition_async(
                    types.DefinitionParams(text_document=doc, position=p))),
                ("references", caps.references_provider, lambda p: c.text_document_references_async(
                    types.ReferenceParams(text_document=doc, position=p,
                                          context=types.ReferenceContext(include_declaration=True)))),
                ("completion", caps.completion_provider, lambda p: c.text_document_completion_async(
                    types.CompletionParams(text_document=doc, position=p))),
                ("semantic_tokens", caps.semantic_tokens_provider,
                 lambda p: c.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc))),
                ("formatting", caps.document_formatting_provider,
                 lambda p: c.text_document_formatting_async(types.DocumentFormattingParams(
                     text_document=doc, options=types.FormattingOptions(tab_size=2, insert_spaces=True)))),
            ]
            for name, advertised, make in probes:
                result[name] = await bench.requests(name, make, samples) if advertised else "unsupported"
            # What one completion answer holds (the items a user sees inside a parameter's type).
            answer = await c.text_document_completion_async(
                types.CompletionParams(text_document=doc, position=bench.positions()[0]))
            items = answer.items if isinstance(answer, types.CompletionList) else answer or []
            result["completion_items_per_answer"] = len(items)
        finally:
            await bench.stop()
    checks = {"cold_start_ms<=1000": result["cold_start_to_first_diagnostics_ms"] <= COLD_START_TARGET_MS}
    for name, limit in TARGETS_MS.items():
        value = result[name]
        checks[f"{name}.p95_ms<={limit:g}"] = value["p95_ms"] <= limit if isinstance(value, dict) else "unsupported"
    result["targets_met"] = checks
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory holding the preview1 witx files")
    ap.add_argument("--samples", type=int, default=100, help="requests per feature")
    ap.add_argument("--edits", type=int, default=40, help="didChange round trips")
    ap.add_argument("--debounce-ms", type=int, default=20, help="diagnostics debounce configured in the server")
    ap.add_argument("--profile", type=Path, help="run the server under cProfile, writing its stats here")
    args = ap.parse_args(argv)
    if not all((args.corpus / name).is_file() for name in FILES):
        print(json.dumps({"error": f"corpus not found under {args.corpus}"}))
        return 2
    result = asyncio.run(run(args.corpus, args.samples, args.edits, args.debounce_ms, args.profile))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

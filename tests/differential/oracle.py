"""The reference witx 0.9.1 crate as an oracle (../shared/tools/oracle, `witx-oracle`), and this
project's answer to the same question, in one comparable shape.

A case is a set of files written to a fresh directory and one root among them. The reference
loads the root with `witx-oracle check --json` (the error's kind, its one-line message and the
line and byte column of its location) and, when it loads, `witx-oracle layout` (every
typename's size, alignment, member offsets and payload offset).
The project analyses the same files on disk (`analyze` plus the layout diagnostics, as
`witx-lsp check` does).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import WITX_ORACLE
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.layout.engine import document_layouts
from witx_lsp.model.analysis import Analysis, analyze


def oracle_path() -> Path | None:
    """The oracle (tests/conftest.py WITX_ORACLE); None when it is not built."""
    return WITX_ORACLE if WITX_ORACLE.is_file() and os.access(WITX_ORACLE, os.X_OK) else None


@dataclass
class Case:
    name: str  # where the case comes from (shown on failure)
    files: dict[str, str]  # relative path -> text
    root: str  # relative path of the file loaded


@dataclass
class Reference:
    ok: bool
    kind: str = ""  # io, parse or validation (when not ok)
    message: str = ""
    line: int = 0
    column: int = 0  # byte column, 1-based
    types: dict[str, Any] = field(default_factory=dict)  # typename -> layout (when ok)


def _run(oracle: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(oracle), *args], capture_output=True, text=True, timeout=60,
                          encoding="utf-8", errors="surrogateescape")


def reference(oracle: Path, root: Path) -> Reference:
    got = json.loads(_run(oracle, ["check", "--json", str(root)]).stdout)
    if got["check"] == "ok":
        lay = _run(oracle, ["layout", str(root)])
        assert lay.returncode == 0, f"witx-oracle layout failed on a document check accepts: {lay.stderr}"
        return Reference(True, types=json.loads(lay.stdout)["types"])
    loc = got.get("location") or {}
    return Reference(False, got["error_kind"], got["check"], loc.get("line", 0), loc.get("column", 0))


def project(root: Path) -> tuple[Analysis, list[Diagnostic]]:
    """The analysis and its errors (model and layout), as `witx-lsp check` reports them."""
    analysis = analyze([str(root)])
    errors = [d for d in analysis.diagnostics + layout_diagnostics(analysis) if d.severity is Severity.ERROR]
    return analysis, errors


def line_and_byte_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and 1-based UTF-8 byte column of a code-point offset (wast's `linecol_in`)."""
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, len(text[start:offset].encode("utf-8", "surrogatepass")) + 1


def project_layouts(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """Every typename's layout in the reference's terms (only the figures it reports)."""
    out: dict[str, dict[str, Any]] = {}
    for name, lay in document_layouts(analysis.document).items():
        row: dict[str, Any] = {"size": lay.size, "align": lay.align}
        if lay.kind in ("record", "tuple"):
            row["members"] = [{"name": m.name, "offset": m.offset} for m in lay.members]
        if lay.payload_offset is not None and lay.kind != "alias":
            row["payload_offset"] = lay.payload_offset
        out[name] = row
    return out


def reference_layouts(types: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The oracle's layout JSON reduced to the same figures."""
    out: dict[str, dict[str, Any]] = {}
    for name, t in types.items():
        if "layout_panic" in t:
            out[name] = {"panic": t["layout_panic"]}
            continue
        row: dict[str, Any] = {"size": t["size"], "align": t["align"]}
        if t.get("kind") in ("record", "tuple") and "members" in t:
            row["members"] = t["members"]
        if "payload_offset" in t:
            row["payload_offset"] = t["payload_offset"]
        out[name] = row
    return out


@dataclass
class Outcome:
    case: Case
    ref: Reference
    errors: list[Diagnostic]
    layouts: dict[str, dict[str, Any]]
    texts: dict[str, str]  # canonical path -> text read by the project


def _encode(text: str) -> bytes:
    """The bytes of a text: lone surrogates from `surrogateescape` decoding become the
    bytes they stand for, others their (invalid UTF-8) three-byte encoding."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def run_case(oracle: Path, case: Case) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="witx-diff-") as tmp:
        base = Path(tmp).resolve()
        for rel, text in case.files.items():
            p = base / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(_encode(text))
        root = base / case.root
        ref = reference(oracle, root)
        analysis, errors = project(root)
        layouts = project_layouts(analysis) if ref.ok and not errors else {}
        texts = {os.path.relpath(p, base): f.text for p, f in analysis.files.items()}
        errors = [_relative(d, base) for d in errors]
    return Outcome(case, ref, errors, layouts, texts)


def _relative(d: Diagnostic, base: Path) -> Diagnostic:
    from dataclasses import replace

    return replace(d, path=os.path.relpath(d.path, base))


def run_cases(oracle: Path, cases: Iterable[Case], workers: int = 3) -> list[Outcome]:
    """Many cases, several reference processes at a time (the project's side runs in
    threads too; it holds the GIL while the reference processes run)."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda c: run_case(oracle, c), cases))

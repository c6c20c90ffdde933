"""The server in a real Neovim 0.11, through Neovim's own LSP client (see conftest.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.nvim.conftest import Nvim, server_command

SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}
FILES = ("preview1/wasi_snapshot_preview1.witx", "preview1/typenames.witx", "edge/compute-at-edge.witx",
         "edge/typenames.witx", "edge/http-cache.witx", "edge/with-cache.witx", "broken/broken.witx")


def check_json(workspace: Path) -> dict[str, list[dict[str, Any]]]:
    """`witx-lsp check --format json` of the whole workspace, per file (relative path)."""
    out = subprocess.run([*server_command(), "check", "--format", "json", str(workspace)], capture_output=True,
                         text=True, timeout=120)
    per_file: dict[str, list[dict[str, Any]]] = {f: [] for f in FILES}
    for d in json.loads(out.stdout)["diagnostics"]:
        rel = Path(d["path"]).resolve().relative_to(workspace.resolve()).as_posix()
        per_file.setdefault(rel, []).append(d)
    return per_file


def as_neovim_holds(d: dict[str, Any]) -> tuple[Any, ...]:
    r = d["range"]
    return (r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"],
            SEVERITY[d["severity"]], d["message"], d["code"])


def lua_list(items: tuple[str, ...]) -> str:
    return "{ " + ", ".join(json.dumps(i) for i in items) + " }"


def test_diagnostics_equal_witx_lsp_check_once_each(nvim: Nvim) -> None:
    found = nvim.run(f"""
      for _, rel in ipairs({lua_list(FILES)}) do
        local bufnr = t.open(WORKSPACE .. "/" .. rel)
        t.findings[rel] = t.settled_diagnostics(bufnr)
      end
    """)
    expected = check_json(nvim.workspace)
    assert any(expected[f] for f in FILES), "the comparison needs some diagnostics"
    assert any(d["severity"] == "error" for d in expected["broken/broken.witx"])
    for rel in FILES:
        held = found[rel]
        assert len({d["namespace"] for d in held}) <= 1, f"{rel}: diagnostics in two namespaces: {held}"
        got = sorted((d["line"], d["col"], d["end_line"], d["end_col"], d["severity"], d["message"], d["code"])
                     for d in held)
        assert got == sorted(as_neovim_holds(d) for d in expected[rel]), rel

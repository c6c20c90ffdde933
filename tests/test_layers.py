"""Imports point one way (docs/ARCHITECTURE.md): a layer imports only layers
below it (the CLI sits on top: it starts the server); pygls and lsprotocol appear only in the server."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "witx_lsp"
RANK = {"base": 0, "syntax": 1, "model": 2, "layout": 3, "abi": 4, "render": 5, "wiggle": 5, "wit": 5, "witxt": 6,
        "features": 7, "server": 8, "cli": 9}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "witx_lsp" and parts[1] in RANK else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_imports_follow_the_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        own = _layer(module)
        for imported in _imports(path):
            if imported.split(".")[0] in ("pygls", "lsprotocol") and own != "server":
                problems.append(f"{module} imports {imported} (only the server may)")
            target = _layer(imported)
            if own is None or target is None or target == own:
                continue
            if RANK[target] >= RANK[own]:
                problems.append(f"{module} ({own}) imports {imported} ({target})")
    assert problems == []

"""Imports point one way (docs/ARCHITECTURE.md): a layer imports only layers
below it (the CLI sits on top: it starts the server); pygls and lsprotocol appear
only in the server. Packages of the same rank do not import each other, and within
`wiggle/` the runtime and the code generator share only `wiggle/names.py`.

Imports made by string (`importlib.import_module("witx_lsp.x")`, or a module path
named in a table such as the CLI's subcommand list or hover's section names) count
as imports too: any string constant that names a `witx_lsp` module is checked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "witx_lsp"
RANK = {"base": 0, "syntax": 1, "model": 2, "layout": 3, "abi": 4, "printers": 5, "wiggle": 5, "wit": 5, "witxt": 6,
        "wasi": 6, "features": 7, "workspace": 8, "server": 9, "cli": 10}
# Sub-packages of one layer with an order of their own: (layer, sub-package) -> rank within the layer.
# Sub-packages of equal rank may not import each other; a plain module of the layer (`wiggle/names.py`)
# sits below all of them.
SUBRANK = {("wiggle", "codegen"): 1, ("wiggle", "runtime"): 1}
_MODULE_STRING = re.compile(r"witx_lsp(?:\.\w+)+(?::\w+)?")


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "witx_lsp" and parts[1] in RANK else None


def _sub(module: str) -> int:
    parts = module.split(".")
    return SUBRANK.get((parts[1], parts[2]), 0) if len(parts) > 2 else 0


def _sub_name(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_STRING.fullmatch(node.value):
            out.append(node.value.partition(":")[0])
    return out


def problems_of(module: str, imports: list[str]) -> list[str]:
    """What is wrong with `module` importing `imports` (absolute dotted names)."""
    problems = []
    own = _layer(module)
    for imported in imports:
        if imported.split(".")[0] in ("pygls", "lsprotocol") and own != "server":
            problems.append(f"{module} imports {imported} (only the server may)")
        target = _layer(imported)
        if own is None or target is None:
            continue
        if target == own:
            mine, theirs = _sub(module), _sub(imported)
            if theirs > mine or (theirs == mine > 0 and _sub_name(imported) != _sub_name(module)):
                problems.append(f"{module} imports {imported} (a sibling or higher sub-package of {own})")
        elif RANK[target] >= RANK[own]:
            problems.append(f"{module} ({own}) imports {imported} ({target})")
    return problems


def test_imports_follow_the_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(p for p in rel.parts if p != "__init__")
        problems += problems_of(module, _imports(path))
    assert problems == []


def test_the_check_sees_what_it_must() -> None:
    # Each of these is a real way the rules were (or could be) broken; the check must catch every one.
    assert problems_of("witx_lsp.wiggle.runtime.x", ["witx_lsp.wiggle.codegen.names"])
    assert problems_of("witx_lsp.wiggle.codegen.x", ["witx_lsp.wiggle.runtime"])
    assert problems_of("witx_lsp.printers.x", ["witx_lsp.wiggle.codegen"])
    assert problems_of("witx_lsp.model.x", ["witx_lsp.features.hover"])
    assert problems_of("witx_lsp.features.x", ["pygls.server"])
    assert problems_of("witx_lsp.features.x", ["witx_lsp.workspace.host"])
    assert problems_of("witx_lsp.workspace.x", ["witx_lsp.server.convert"])
    assert not problems_of("witx_lsp.wiggle.runtime.x", ["witx_lsp.wiggle.names", "witx_lsp.wiggle.runtime.ptr"])
    assert not problems_of("witx_lsp.features.x", ["witx_lsp.wiggle.codegen.names", "witx_lsp.model"])
    assert not problems_of("witx_lsp.server.x", ["witx_lsp.workspace.host", "witx_lsp.features.snapshot"])


def test_string_imports_are_seen(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text('import importlib\nSECTIONS = ("witx_lsp.server.app:thing",)\n'
                   'importlib.import_module("witx_lsp.cli.main")\n', encoding="utf-8")
    assert set(_imports(src)) >= {"witx_lsp.server.app", "witx_lsp.cli.main"}

"""The real wit-parser, through PyPI componentize-py (tooling-notes §10.3): `bindings`
parses and resolves a WIT package and fails with wit-parser's message on invalid WIT.
Its generated Python bindings are then read back with `ast`, an independent reading
of what the WIT declares (records, enums, flags, variants and their members in order)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


def componentize_py() -> str | None:
    exe = shutil.which("componentize-py") or str(Path(sys.executable).with_name("componentize-py"))
    return exe if os.path.exists(exe) else None


needs_componentize = pytest.mark.skipif(componentize_py() is None,
                                        reason="componentize-py is not installed (pip install -e '.[test]')")


@dataclass
class Checked:
    ok: bool
    message: str  # wit-parser's error when not ok
    types: dict[str, tuple[str, list[str]]]  # binding class -> (kind, member names in order), per interface file


def check_wit(text: str, world: str, file_name: str = "package.wit") -> Checked:
    """Run wit-parser on one WIT file; on success read the Python bindings of every interface."""
    exe = componentize_py()
    assert exe is not None
    with tempfile.TemporaryDirectory(prefix="witx-wit-") as tmp:
        wit_dir = Path(tmp) / "wit"
        wit_dir.mkdir()
        (wit_dir / file_name).write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"  # must not exist beforehand
        env = {**os.environ, "RUST_BACKTRACE": "0"}
        r = subprocess.run([exe, "-d", str(wit_dir), "-w", world, "bindings", str(out)],
                           capture_output=True, text=True, env=env, timeout=120)
        if r.returncode != 0:
            return Checked(False, r.stderr[-3000:], {})
        types: dict[str, tuple[str, list[str]]] = {}
        for py in sorted((out / "wit_world" / "imports").glob("*.py")):
            for name, entry in read_bindings(py.read_text(encoding="utf-8")).items():
                types[f"{py.stem}.{name}"] = entry
        return Checked(True, "", types)


def _base_names(node: ast.ClassDef) -> list[str]:
    return [b.id for b in node.bases if isinstance(b, ast.Name)]


def read_bindings(source: str) -> dict[str, tuple[str, list[str]]]:
    """class name -> ("enum" | "flags" | "record" | "variant", member names in order)."""
    tree = ast.parse(source)
    out: dict[str, tuple[str, list[str]]] = {}
    classes: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes.add(node.name)
            bases = _base_names(node)
            if "Enum" in bases or "Flag" in bases:
                names = [t.id for st in node.body if isinstance(st, ast.Assign) for t in st.targets
                         if isinstance(t, ast.Name)]
                out[node.name] = ("enum" if "Enum" in bases else "flags", names)
            elif any(isinstance(d, ast.Name) and d.id == "dataclass" for d in node.decorator_list):
                fields = [st.target.id for st in node.body
                          if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)]
                out[node.name] = ("record", fields)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
              and isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Name)
              and node.value.value.id == "Union"):
            name = node.targets[0].id
            elts = node.value.slice.elts if isinstance(node.value.slice, ast.Tuple) else [node.value.slice]
            cases = [e.id[len(name) + 1:] for e in elts if isinstance(e, ast.Name) and e.id.startswith(name + "_")]
            out[name] = ("variant", cases)
    return out

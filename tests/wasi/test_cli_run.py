"""`witx-lsp run` end to end (a child process, as a user runs it): the
program's output and exit status, the trace (decoded through the witx
types), `--trace=FILE`, `--host` for a user's witx module, usage errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.util import ROOT, run_process
from tests.conftest import PREVIEW1, needs_corpus
from tests.wasi.harness import PROGRAMS, compile_c, needs_clang
from witx_lsp.abi import AbiError, wasm_signature
from witx_lsp.model.analysis import analyze

KV = ROOT / "examples" / "kv_store" / "kv_store.witx"
HOST = "kv_store:tests.wasi.kv_host:KvStore"


def kv_guest() -> str:
    doc = analyze([str(KV)]).document
    mod = doc.module("kv_store")
    assert mod is not None
    imports = []
    for f in mod.funcs:
        sig = wasm_signature(f)
        assert not isinstance(sig, AbiError)
        imports.append(f'  (import "kv_store" "{f.name}" (func ${f.name} {sig.text()}))')
    return "(module\n" + "\n".join(imports) + r'''
  (memory (export "memory") 1)
  (data (i32.const 16) "demo")
  (data (i32.const 32) "colour")
  (data (i32.const 48) "blue-green")
  (data (i32.const 64) "\01\00\00\00\3c\00\00\00")  ;; expiry: ttl(60)
  (func (export "_start") (local $h i32)
    (drop (call $open (i32.const 16) (i32.const 4) (i32.const 0) (i32.const 128)))  ;; no create: no_entry
    (drop (call $open (i32.const 16) (i32.const 4) (i32.const 1) (i32.const 128)))
    (local.set $h (i32.load (i32.const 128)))
    (drop (call $set (local.get $h) (i32.const 32) (i32.const 6) (i32.const 48) (i32.const 10)
                     (i32.const 64) (i32.const 136)))
    (drop (call $get (local.get $h) (i32.const 32) (i32.const 6) (i32.const 1) (i32.const 256) (i32.const 4)
                     (i32.const 144)))  ;; buffer too small
    (drop (call $get (local.get $h) (i32.const 32) (i32.const 6) (i32.const 1) (i32.const 256) (i32.const 64)
                     (i32.const 144)))
    (drop (call $stat (local.get $h) (i32.const 32) (i32.const 6) (i32.const 512)))
    (drop (call $usage (local.get $h) (i32.const 148) (i32.const 152)))
    (drop (call $delete (local.get $h) (i32.const 32) (i32.const 6)))
    (drop (call $delete (local.get $h) (i32.const 32) (i32.const 6)))
    (call $abort (i32.const 3))))
'''


def test_host_module_traced(tmp_path: Path) -> None:
    wat = tmp_path / "kv.wat"
    wat.write_text(kv_guest())
    from wasmtime import wat2wasm
    wasm = tmp_path / "kv.wasm"
    wasm.write_bytes(wat2wasm(wat.read_text()))
    r = run_process(["run", "--witx", str(KV), "--host", HOST, "--trace", str(wasm)], cwd=tmp_path)
    assert r.code == 134 and "trap: the guest aborted with status 3" in r.err
    lines = [line for line in r.err.splitlines() if not line.startswith("witx-lsp run:")]
    assert lines == [
        'open(name="demo", flags=0) -> Err(no_entry)',
        'open(name="demo", flags=create) -> Ok(1)',
        'set(store=1, key="colour", value="blue-green", expiry=ttl(60)) -> Ok(1)',
        'get(store=1, key="colour", consistency=strong, buf=0x100 "\\0\\0\\0\\0", buf_len=4) -> Err(too_small)',
        'get(store=1, key="colour", consistency=strong, buf=0x100 "blue-green\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0'
        '\\0\\0\\0\\0\\0\\0\\0\\0"..., buf_len=64) -> Ok(10)',
        'stat(store=1, key="colour") -> Ok({version: 1, written: 1700000000000000000, len: 10, expiry: ttl(60), '
        'flags: pinned})',
        "usage(store=1) -> Ok((1, 10))",
        'delete(store=1, key="colour") -> Ok(())',
        'delete(store=1, key="colour") -> Err(no_entry)',
        "abort(status=3) -> noreturn",
    ]


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_c(PROGRAMS / "hello.c", tmp_path_factory.mktemp("hello"))


@needs_corpus
@needs_clang
def test_run_traced(hello: Path, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    trace = tmp_path / "trace.txt"
    r = run_process(["run", "--witx", str(PREVIEW1), "--dir", f"{tmp_path / 'data'}::/data", "--env", "NAME=witx",
                     f"--trace={trace}", str(hello), "7"], cwd=tmp_path)
    assert (r.code, r.out, r.err) == (7, "hello\n", "missing.txt: No such file or directory\n")
    assert (tmp_path / "data" / "greeting.txt").read_text() == "hello, witx\n"
    text = trace.read_text()
    lines = text.splitlines()
    assert lines[0] == "fd_prestat_get(fd=3) -> Ok(dir({pr_name_len: 5}))"
    assert re.match(r'fd_prestat_dir_name\(fd=3, path=0x[0-9a-f]+ "/data", path_len=5\) -> Ok\(\(\)\)$', lines[1])
    assert "environ_sizes_get() -> Ok((1, 10))" in lines
    assert re.search(r'^fd_write\(fd=1, iovs=\[\{buf: 0x[0-9a-f]+ "hello", buf_len: 5\}, \{buf: 0x[0-9a-f]+ "\\n", '
                     r'buf_len: 1\}\]\) -> Ok\(5\)$', text, re.M)
    assert re.search(r'^path_open\(fd=3, dirflags=symlink_follow, path="missing.txt", oflags=0, .*\) -> Err\(noent\)$',
                     text, re.M)
    assert re.search(r'^path_open\(fd=3, .*path="greeting.txt", oflags=creat\|trunc, .*\) -> Ok\(4\)$', text, re.M)
    assert re.search(r'^fd_write\(fd=4, iovs=\[\{buf: 0x[0-9a-f]+ "hello, witx\\n", buf_len: 12\}', text, re.M)
    assert lines[-1] == "proc_exit(rval=7) -> noreturn"


@needs_corpus
@needs_clang
def test_trace_on_stderr_and_untraced(hello: Path, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    r = run_process(["run", "--witx", str(PREVIEW1), "--dir", f"{tmp_path / 'data'}::/data", "--trace", str(hello)],
                    cwd=tmp_path)
    assert (r.code, r.out) == (0, "hello\n")
    assert "fd_close(fd=4) -> Ok(())" in r.err.splitlines()  # main returned: no proc_exit
    r = run_process(["run", "--witx", str(PREVIEW1), str(hello), "5"], cwd=tmp_path)  # no --dir: fopen fails
    assert (r.code, r.out) == (5, "hello\n") and "missing.txt:" in r.err


def test_usage_errors(tmp_path: Path) -> None:
    wasm = tmp_path / "m.wasm"
    from wasmtime import wat2wasm
    wasm.write_bytes(wat2wasm('(module (import "foo" "bar" (func)) (func (export "_start")))'))
    r = run_process(["run", str(wasm)], cwd=tmp_path)
    assert r.code == 2 and "--witx" in r.err
    r = run_process(["run", "--witx", str(KV), str(wasm)], cwd=tmp_path)
    assert r.code == 2 and "imports `foo`" in r.err
    r = run_process(["run", "--witx", str(KV), "--host", "kv_store:no.such.module:X", str(wasm)], cwd=tmp_path)
    assert r.code == 2 and "cannot load no.such.module:X" in r.err
    r = run_process(["run", "--witx", str(KV), "--host", "nonsense", str(wasm)], cwd=tmp_path)
    assert r.code == 2 and "MODULE:python.module:Class" in r.err
    r = run_process(["run", "--witx", str(KV), str(tmp_path / "absent.wasm")], cwd=tmp_path)
    assert r.code == 2
    r = run_process(["run", "--witx", str(KV)], cwd=tmp_path)
    assert r.code == 2 and "no MODULE.wasm" in r.err
    (tmp_path / "junk.wasm").write_bytes(b"junk")
    r = run_process(["run", "--witx", str(KV), str(tmp_path / "junk.wasm")], cwd=tmp_path)
    assert r.code == 2 and "not a wasm module" in r.err
    wasm.write_bytes(wat2wasm('(module (import "kv_store" "nope" (func)) (memory (export "memory") 1))'))
    r = run_process(["run", "--witx", str(KV), "--host", HOST, str(wasm)], cwd=ROOT)
    assert r.code == 2 and "unknown import: `kv_store::nope`" in r.err
    r = run_process(["run", "--witx", str(KV), "--host", "kv_store:tests.wasi.harness:Run", str(wasm)], cwd=ROOT)
    assert r.code == 2 and "Run() failed: TypeError" in r.err
    r = run_process(["run", "--witx", str(KV), "--host", "kv_store:pathlib:PurePath", str(wasm)], cwd=ROOT)
    assert r.code == 2 and "PurePosixPath has no method `open`" in r.err
    wasm.write_bytes(wat2wasm('(module (memory (export "memory") 1))'))
    r = run_process(["run", "--witx", str(KV), str(wasm)], cwd=tmp_path)
    assert r.code == 2 and "no `_start`" in r.err


@needs_corpus
def test_invoke_a_reactor_like_wasmtime(tmp_path: Path) -> None:
    """`--invoke`: an itk-wasm pipeline (a reactor) run by the CLI writes what it writes on wasmtime's host."""
    from tests.wasi.harness import run_on
    from tests.wasi.test_third_party import ENTRY, module
    wasm = module("itkwasm_downsample_wasi", "gaussian-kernel-radius.wasi.wasm")
    args = ["/work/radius.json", "--size", "32", "48", "--sigma", "1.5", "4", "--max-kernel-width", "16"]
    real = run_on("wasmtime", wasm, tmp_path / "real", args=["gaussian-kernel-radius.wasi.wasm", *args],
                  guest_dir="/work", invoke=ENTRY)
    (tmp_path / "work").mkdir()
    r = run_process(["run", "--witx", str(PREVIEW1), "--dir", f"{tmp_path / 'work'}::/work", "--invoke", ENTRY,
                     str(wasm), *args], cwd=tmp_path)
    assert (r.code, r.out, r.err) == (real.returned, real.stdout.decode(), real.stderr.decode())
    assert ("file", (tmp_path / "work" / "radius.json").read_bytes()) == real.tree["radius.json"]

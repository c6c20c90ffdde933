"""`witx-lsp preview`: formats, the configuration from a file, from text or from
the macro's own `witx` / `witx_literal` fields, the profile switch, and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from witx_lsp.cli.main import main

API = """(typename $errno (enum (@witx tag u16) $success $badf))
(typename $fd (handle))
(module $demo
  (@interface func (export "close") (param $fd $fd) (result $e (expected (error $errno)))))
"""
CLOSE = "fn close(&mut self, fd: Fd) -> Result<(), Errno>;"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["preview", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_rust_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.witx").write_text(API)
    code, out, err = run([str(tmp_path / "api.witx")], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("pub mod types {\n") and f"        {CLOSE}\n" in out
    code, out, _ = run(["--format", "json", str(tmp_path / "api.witx")], capsys)
    data = json.loads(out)
    assert set(data) == {"modules", "types"}
    assert data["modules"]["demo"]["methods"] == {"close": CLOSE}
    assert data["modules"]["demo"]["trait"] == f"#[wiggle::async_trait]\npub trait Demo {{\n    {CLOSE}\n}}\n"
    assert data["types"]["fd"].startswith("#[repr(transparent)]\n")


def test_paths_are_loaded_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "types.witx").write_text("(typename $errno (enum (@witx tag u16) $success $badf))\n")
    (tmp_path / "api.witx").write_text('(module $demo (@interface func (export "f") '
                                       '(result $e (expected (error $errno)))))\n')
    code, out, _ = run(["--format", "json", str(tmp_path / "types.witx"), str(tmp_path / "api.witx")], capsys)
    assert code == 0 and json.loads(out)["modules"]["demo"]["methods"]["f"] == "fn f(&mut self) -> Result<(), Errno>;"


def test_config_file_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.witx").write_text(API)
    (tmp_path / "cfg.txt").write_text("{\n    witx: [\"api.witx\"],\n    errors: { errno => trappable Error },\n"
                                      "    async: *,\n}\n")
    # Without PATHs the files come from the configuration, relative to its directory.
    code, out, _ = run(["--config", str(tmp_path / "cfg.txt"), "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["modules"]["demo"]["methods"]["close"] == \
        "async fn close(&mut self, fd: Fd) -> Result<(), Error>;"
    code, out, _ = run(["--config-text", "{ mutable: false }", "--format", "json", str(tmp_path / "api.witx")], capsys)
    assert json.loads(out)["modules"]["demo"]["methods"]["close"] == CLOSE.replace("&mut self", "&self")
    literal = json.dumps(API)
    code, out, _ = run(["--config-text", f"{{ witx_literal: {literal} }}", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["modules"]["demo"]["methods"]["close"] == CLOSE


def test_config_errors_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.witx").write_text(API)
    (tmp_path / "cfg.txt").write_text('{\n  witx: ["api.witx"],\n  asink: *,\n}\n')
    code, out, err = run(["--config", str(tmp_path / "cfg.txt")], capsys)
    assert (code, out) == (2, "")
    assert err == (f"{tmp_path / 'cfg.txt'}:3:3: error: expected one of: `witx`, `witx_literal`, `errors`, `async`, "
                   "`block_on`, `wasmtime`, `tracing`, `mutable`\n")
    code, _, err = run(["--config-text", "{ async: * }"], capsys)  # no PATHs and no `witx`
    assert code == 2 and err == "<config>:1:13: error: `witx` field required\n"
    code, _, err = run(["--wiggle", "3", str(tmp_path / "api.witx")], capsys)
    assert code == 2 and "--wiggle 3" in err
    os.mkfifo(tmp_path / "pipe")  # a config read as witx files are: never a FIFO
    code, _, err = run(["--config", str(tmp_path / "pipe")], capsys)
    assert code == 2 and "not a regular file" in err


def test_generator_panics_and_witx_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pair.witx").write_text("(typename $pair (tuple u32 u32))\n")
    code, out, err = run([str(tmp_path / "pair.witx")], capsys)
    assert code == 1
    assert "    // wiggle-generate panics defining `$pair`: Ident cannot be a number; use Literal instead\n" in out
    assert err == "warning: wiggle-generate panics defining `$pair`: Ident cannot be a number; use Literal instead\n"
    (tmp_path / "api.witx").write_text(API)
    code, _, err = run(["--config-text", "{ errors: { nope => Rich } }", str(tmp_path / "api.witx")], capsys)
    assert code == 1 and 'validating codegen settings: No witx typename "nope" found' in err
    (tmp_path / "bad.witx").write_text("(typename $a $missing)\n")
    code, _, err = run([str(tmp_path / "bad.witx")], capsys)
    assert code == 1 and "E0301" in err


def test_profile_22(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.witx").write_text(API)
    code, out, _ = run(["--wiggle", "22", "--format", "json", str(tmp_path / "api.witx")], capsys)
    assert code == 0
    assert json.loads(out)["modules"]["demo"]["methods"]["close"] == \
        "fn close(&mut self, mem: &mut wiggle::GuestMemory<'_>, fd: Fd) -> Result<(), Errno>;"


@needs_corpus
def test_acceptance_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--format", "json", "--config-text",
                        '{ witx: ["x"], errors: { errno => trappable Error }, async: * }', str(PREVIEW1)], capsys)
    assert code == 0
    assert json.loads(out)["modules"]["wasi_snapshot_preview1"]["methods"]["fd_read"] == \
        "async fn fd_read<'a>(&mut self, fd: Fd, iovs: &IovecArray<'a>) -> Result<Size, Error>;"

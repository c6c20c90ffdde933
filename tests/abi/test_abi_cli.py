"""`witx-lsp abi`: text and JSON output, streams, errors and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from witx_lsp.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["abi", *args])
    out, err = capsys.readouterr()
    return code, out, err


@needs_corpus
def test_preview1_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(PREVIEW1))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 46
    assert "(func $fd_seek (param i32 i64 i32 i32) (result i32))" in lines
    assert "(func $proc_exit (param i32))" in lines and "(func $sched_yield (result i32))" in lines
    code, out, _ = _run(capsys, "--format", "json", str(PREVIEW1))
    data = json.loads(out)
    assert data["wasi_snapshot_preview1::clock_time_get"] == {"params": ["i32", "i64", "i32"], "results": ["i32"]}
    assert len(data) == 46


def test_streams_and_unreachable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "m.witx"
    f.write_text('(typename $e (enum $ok $bad))\n(module $m (@interface func (export "f") (param $b bool) '
                 '(result $r (expected (error $e))))\n(@interface func (export "g") (param $x u8)))\n')
    code, out, _ = _run(capsys, "--format", "json", "--streams", str(f))
    assert code == 0
    data = json.loads(out)
    assert data["m::f"]["params"] == ["i32"] and data["m::f"]["results"] == ["i32"]
    assert "inline `bool`" in data["m::f"]["call_wasm"]["error"]
    assert data["m::f"]["call_wasm"]["partial"] == ["get-arg0"]
    assert data["m::g"]["call_wasm"] == {"instructions": ["get-arg0", "i32.from_u8", "call.wasm", "return"]}
    code, out, _ = _run(capsys, "--streams", str(f))
    assert "(func $g (param i32))" in out and ";; call_interface: get-arg0 u8.from_i32 call.interface return" in out


def test_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.witx"
    f.write_text('(module $m (@interface func (export "f") (param $x u8))\n'
                 '(@interface func (export "g") (param $x $missing)))\n')
    code, out, err = _run(capsys, str(f))
    assert code == 1 and "E03" in err
    assert "(func $f (param i32))" in out

"""`witx-lsp wit`: options, outputs, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from witx_lsp.cli.main import main

API = """(typename $fd (handle))
(typename $errno (enum (@witx tag u16) $success $2big))
(module $api_mod
  (@interface func (export "close") (param $fd $fd) (result $error (expected (error $errno)))))
"""


@pytest.fixture
def api(tmp_path: Path) -> Path:
    path = tmp_path / "my_api.witx"
    path.write_text(API)
    return path


def test_stdout_and_notes(api: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wit", str(api)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("package my:api@0.1.0;\n") and "world api {" in out and "interface api-mod {" in out
    assert "information[W0701]: case `2big` is named `x2big`" in err and "W0708" in err and "W0704" in err


def test_out_dir_package_handles(api: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "wit" / "sub"
    assert main(["wit", "--out", str(out_dir), "--package", "acme:files@1.2.3", "--handles", "u32",
                 "--diagnostics", "none", str(api)]) == 0
    assert capsys.readouterr() == ("", "")
    text = (out_dir / "files.wit").read_text()
    assert text.startswith("package acme:files@1.2.3;") and "type fd = u32;" in text and "world files {" in text


def test_json(api: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wit", "--format", "json", "--diagnostics", "json", str(api)]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["package"] == "my:api@0.1.0" and data["world"] == "api" and data["file"] == "api.wit"
    assert data["interfaces"] == ["types", "api-mod"] and data["wit"].startswith("package my:api@0.1.0;")
    assert data["names"]["typename errno"] == "errno" and data["names"]["func api_mod.close"] == "close"
    assert sorted(d["code"] for d in data["diagnostics"]) == ["W0701", "W0704", "W0708"]
    assert json.loads(err)["diagnostics"] == data["diagnostics"]


def test_errors_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.witx"
    bad.write_text("(typename $a $nope)\n(typename $b u8)\n")
    assert main(["wit", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "type b = u8;" in out and "E0301" in err
    assert main(["wit", "--package", "NotAPackage", str(bad)]) == 2
    assert "no WIT package name" in capsys.readouterr().err
    assert main(["wit", "--out", str(bad), str(bad)]) == 1  # a file where the directory should be
    assert "cannot write" in capsys.readouterr().err


def test_help_explains_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wit", "--help"]) == 0
    out = capsys.readouterr().out
    for word in ("--out DIR", "--package NS:NAME@VERSION", "--format {wit,json}", "--handles {resource,u32}",
                 "wasi:snapshot-preview1@0.1.0", "Exit status"):
        assert word in out

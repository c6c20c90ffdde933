"""`witx-lsp layout`: text, JSON and SVG output, errors and the exit status."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from witx_lsp.cli.main import main

BAD = "(typename $t (tuple))\n(typename $p (record (field $a u8) (field $b u32)))\n(typename $al $p)\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["layout", *args])
    out, err = capsys.readouterr()
    return code, out, err


@needs_corpus
def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--format", "json", str(PREVIEW1))
    assert code == 0
    types = json.loads(out)["types"]
    assert len(types) == 46
    keys = {"kind", "size", "align", "members", "flags", "tag_size", "payload_offset", "cases", "padding"}
    assert all(keys <= set(t) for t in types.values())
    assert types["fdstat"]["members"][2] == {"name": "fs_rights_base", "offset": 8, "size": 8, "align": 8}
    assert types["fdstat"]["padding"] == [{"offset": 1, "size": 1}, {"offset": 4, "size": 4}]
    assert (types["subscription_u"]["tag_size"], types["subscription_u"]["payload_offset"]) == (1, 8)
    assert types["subscription_u"]["cases"] == ["clock", "fd_read", "fd_write"]
    # subscription_clock (32 bytes, align 8) and subscription_fd_readwrite (4 bytes) as the payloads.
    assert types["subscription_u"]["payloads"] == [{"size": 32, "align": 8}, {"size": 4, "align": 4},
                                                   {"size": 4, "align": 4}]
    assert types["oflags"]["flags"] == ["creat", "directory", "excl", "trunc"]
    assert types["errno"]["kind"] == "enum" and types["fd"]["kind"] == "handle"
    assert types["size"]["kind"] == "builtin" and types["iovec_array"]["kind"] == "list"
    assert types["iovec"]["kind"] == "record" and types["rights"]["kind"] == "flags"
    assert types["exitcode"]["kind"] == "builtin"


def test_errors_still_print_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.witx"
    f.write_text(BAD)
    code, out, err = _run(capsys, "--format", "json", str(f))
    assert code == 1 and "E0314" in err
    types = json.loads(out)["types"]
    assert "error" in types["t"] and types["t"]["size"] == 0
    assert types["p"]["size"] == 8
    assert types["al"]["kind"] == "alias" and types["al"]["target"] == "p" and types["al"]["size"] == 8
    code, out, _ = _run(capsys, str(f))
    assert code == 1 and "$t: tuple, no layout" in out and "(padding)" in out and "$al: alias of $p" in out


def test_type_filter_and_unknown_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "ok.witx"
    f.write_text("(typename $p (record (field $a u8) (field $b u32)))\n(typename $q u8)\n")
    code, out, _ = _run(capsys, "--type", "p", str(f))
    assert code == 0 and out.startswith("$p: record, size 8, align 4") and "$q" not in out
    code, _, err = _run(capsys, "--type", "nope", str(f))
    assert code == 1 and "no typename `nope`" in err


def test_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "v.witx"
    f.write_text("(typename $p (record (field $a u8) (field $b u32)))\n"
                 "(typename $v (variant (@witx tag u8) (case $x u64) (case $y $p)))\n(typename $n u8)\n")
    code, out, _ = _run(capsys, "--format", "svg", str(f))
    assert code == 0
    root = ET.fromstring(out)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "p: record" in text and "v: variant" in text and "n: builtin" not in text
    assert "a @0" in text and "b @4" in text and "tag" in text and "pad" in text

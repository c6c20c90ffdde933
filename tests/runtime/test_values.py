"""Encode / decode through the runtime (features/values.py) and the
`witx-lsp encode` / `decode` commands."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PREVIEW1, needs_corpus
from witx_lsp.cli.main import main
from witx_lsp.features.values import (
    ValueProblem,
    decode_value,
    encode_value,
    legend_text,
    parse_hex,
)
from witx_lsp.layout import document_layouts
from witx_lsp.model.analysis import analyze, analyze_text

SAMPLE = """
(typename $errno (enum (@witx tag u16) $ok $bad $worse))
(typename $opts (flags (@witx repr u8) $a $b $c))
(typename $fd (handle))
(typename $pt (record (field $x f32) (field $y f64)))
(typename $pair (tuple u8 u64))
(typename $res (expected $pt (error $errno)))
(typename $names (list string))
(typename $s string)
(typename $b bool)
(typename $c char)
(typename $mixed (record
  (field $tag u8) (field $flags $opts) (field $fd $fd) (field $p (@witx pointer u16))
  (field $list $names) (field $res $res) (field $pair $pair) (field $b $b) (field $c $c)))
"""


@pytest.fixture(scope="module")
def doc() -> Any:
    a = analyze_text(SAMPLE)
    assert not a.diagnostics, a.diagnostics
    return a.document


MIXED = {
    "tag": 7, "flags": ["a", "c"], "fd": 3, "p": 4096, "list": {"offset": 64, "length": 2},
    "res": {"ok": {"x": 1.5, "y": -2.25}}, "pair": [255, 2**64 - 1], "b": True, "c": "é",
}


def test_encode_covers_every_byte(doc: Any) -> None:
    enc = encode_value(doc, "mixed", MIXED)
    lay = document_layouts(doc)["mixed"]
    assert len(enc.data) == lay.size and enc.align == lay.align
    at = 0
    for e in enc.legend:
        assert e.offset == at and e.size > 0 and bytes.fromhex(e.hex) == enc.data[at:at + e.size]
        at += e.size
    assert at == lay.size
    fields = {e.path: e for e in enc.legend}
    assert fields["tag"].value == 7 and fields["flags"].value == ["a", "c"] and fields["flags"].hex == "05"
    assert fields["p"].type == "(@witx pointer u16)" and fields["p"].hex == "00100000"
    assert fields["list.offset"].value == 64 and fields["list.length"].value == 2
    assert fields["res (tag)"].value == "ok" and fields["res.ok.y"].value == -2.25
    assert fields["pair.1"].hex == "ff" * 8 and fields["b"].value is True and fields["c"].hex == "e9000000"
    assert all(e.value is None for e in enc.legend if e.type == "padding")
    assert enc.value == MIXED


def test_round_trip(doc: Any) -> None:
    enc = encode_value(doc, "mixed", MIXED)
    dec = decode_value(doc, "$mixed", enc.data)
    assert dec.value == MIXED and dec.extra == 0 and dec.legend == enc.legend
    assert decode_value(doc, "mixed", enc.data + b"\0\0").extra == 2


def test_builtins_and_special_floats(doc: Any) -> None:
    assert encode_value(doc, "u32", 0x01020304).data == b"\x04\x03\x02\x01"
    assert encode_value(doc, "s8", -1).data == b"\xff"
    assert encode_value(doc, "f64", "-inf").value == "-inf"
    assert decode_value(doc, "f32", bytes.fromhex("0000c07f")).value == "nan"
    assert encode_value(doc, "u64", "0x10").data == struct.pack("<Q", 16)


@pytest.mark.parametrize(("ty", "value", "message"), [
    ("u8", 256, "does not fit in u8"),
    ("s16", True, "expected an integer"),
    ("errno", "nope", "expected one of ok, bad, worse"),
    ("opts", ["a", "z"], "unknown flag 'z'"),
    ("pt", {"x": 1}, "missing field `y`"),
    ("pt", {"x": 1, "y": 2, "z": 3}, "has no field `z`"),
    ("res", {"maybe": 1}, "is not a case"),
    ("res", "ok", "needs a payload"),
    ("res", {"err": "bad", "ok": 1}, "expected {\"case\": payload}"),
    ("pair", [1], "expected a list of 2 values"),
    ("c", "ab", "one-character string"),
    ("names", 5, "expected {\"offset\""),
    ("nope", 1, "no typename `nope`"),
    ("f32", 1e300, "out of the f32 range"),
])
def test_values_that_do_not_fit(doc: Any, ty: str, value: Any, message: str) -> None:
    with pytest.raises(ValueProblem, match=message.replace("(", r"\(").replace("{", r"\{")):
        encode_value(doc, ty, value)


@pytest.mark.parametrize(("ty", "hexdata", "message"), [
    ("errno", "0300", "Invalid enum value Errno"),
    ("opts", "08", "Invalid flag value Opts"),
    ("res", "02000000", "Invalid enum value Res"),
    ("res", "0000", "Pointer out of bounds: Region { start: 0, len: 4 }"),
    ("b", "02000000", "Invalid enum value B"),
    ("pt", "0000", "Pointer out of bounds: Region { start: 0, len: 4 }"),
    ("res", "00000000", "Pointer out of bounds: Region { start: 8, len: 4 }"),
    ("c", "00d80000", "Int conversion error"),
])
def test_decode_reports_the_runtimes_errors(doc: Any, ty: str, hexdata: str, message: str) -> None:
    with pytest.raises(ValueProblem) as e:
        decode_value(doc, ty, bytes.fromhex(hexdata))
    assert str(e.value) == message or str(e.value).startswith(message)


def test_parse_hex() -> None:
    assert parse_hex("0x01 02:03,04_05") == bytes(range(1, 6))
    with pytest.raises(ValueProblem):
        parse_hex("0g")


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 255), st.sets(st.sampled_from("abc")), st.integers(0, 2**32 - 1),
       st.floats(width=32, allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False),
       st.sampled_from(["ok", "bad", "worse"]), st.booleans(), st.characters(blacklist_categories=("Cs",)))
def test_round_trip_property(doc: Any, tag: int, flags: set[str], fd: int, x: float, y: float, err: str,
                             b: bool, c: str) -> None:
    value = dict(MIXED, tag=tag, flags=sorted(flags), fd=fd, b=b, c=c,
                 res={"ok": {"x": x, "y": y}} if err == "ok" else {"err": err})
    enc = encode_value(doc, "mixed", value)
    assert decode_value(doc, "mixed", enc.data).value == enc.value
    assert enc.value["res"] == value["res"] and enc.value["flags"] == sorted(flags)


@needs_corpus
def test_preview1_values_agree_with_layouts() -> None:
    doc = analyze([str(PREVIEW1)]).document
    enc = encode_value(doc, "event", {"userdata": 1, "error": "badf", "type": "fd_read",
                                      "fd_readwrite": {"nbytes": 5, "flags": ["fd_readwrite_hangup"]}})
    assert enc.data.hex() == "0100000000000000" "0800" "01" "0000000000" "0500000000000000" "0100" "000000000000"
    assert "fd_readwrite.flags" in legend_text(enc.legend)


# --- the CLI ------------------------------------------------------------------------------------------------


@pytest.fixture
def witx(tmp_path: Path) -> str:
    p = tmp_path / "sample.witx"
    p.write_text(SAMPLE)
    return str(p)


def test_cli_encode(witx: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["encode", "pt", '{"x": 1, "y": 2}', witx]) == 0
    out = capsys.readouterr().out
    first, _, rest = out.partition("\n\n")
    assert first == "0000803f00000000" + "0000000000000040"
    assert rest.startswith("$pt: 16 bytes, align 8\noffset  size  bytes")
    assert "(padding)" in rest and "y" in rest
    assert main(["encode", "--format", "json", "errno", '"worse"', witx]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["hex"] == "0200" and j["legend"][0]["value"] == "worse" and j["size"] == 2


def test_cli_encode_from_file_and_errors(witx: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "v.json").write_text('["a"]')
    assert main(["encode", "opts", "@" + str(tmp_path / "v.json"), witx]) == 0
    assert capsys.readouterr().out.startswith("01\n")
    assert main(["encode", "opts", "[", witx]) == 1
    assert "not JSON" in capsys.readouterr().err
    assert main(["encode", "opts", '["q"]', witx]) == 1
    assert "unknown flag" in capsys.readouterr().err
    # `@FILE` is read as witx files are: a missing file or a FIFO is an error, not a hang.
    assert main(["encode", "opts", "@" + str(tmp_path / "none.json"), witx]) == 1
    assert capsys.readouterr().err.startswith("witx-lsp: IO error with file")
    os.mkfifo(tmp_path / "pipe")
    assert main(["decode", "opts", "@" + str(tmp_path / "pipe"), witx]) == 1
    assert "not a regular file" in capsys.readouterr().err


def test_cli_decode(witx: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "res", "01 00 00 00 00 00 00 00 02 00" + " 00" * 14, witx]) == 0
    assert json.loads(capsys.readouterr().out) == {"err": "worse"}
    assert main(["decode", "--legend", "errno", "0100ff", witx]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith('"bad"\n\n$errno: 2 bytes\n') and "1 byte(s) after" in cap.err
    assert main(["decode", "--format", "json", "b", "01000000", witx]) == 0
    assert json.loads(capsys.readouterr().out)["value"] is True
    assert main(["decode", "errno", "0900", witx]) == 1
    assert capsys.readouterr().err == "witx-lsp: Invalid enum value Errno\n"
    assert main(["decode", "errno", "zz", witx]) == 1


def test_cli_reports_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "broken.witx"
    p.write_text("(typename $a u8)\n(typename $b $nope)\n")
    assert main(["encode", "a", "1", str(p)]) == 1
    cap = capsys.readouterr()
    assert cap.out.startswith("01\n") and "nope" in cap.err

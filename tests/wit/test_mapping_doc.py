"""The mapping table of docs/wit.md is true: for each row the converter writes the WIT
column for the witx column (up to whitespace), reports the code a note starts with, and
wit-parser (componentize-py) accepts the package. Rows with `…` are abbreviated (the
flags split is tested in test_convert.py)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.wit.witparser import check_wit, needs_componentize
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.wit import WitOptions, analyze_migrated, convert

DOC = ROOT / "docs" / "wit.md"
ROW = re.compile(r"^\| `(?P<witx>[^`]+)` \| `(?P<wit>[^`]+)` \| (?P<notes>.*) \|$")


def rows() -> list[tuple[str, str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## The mapping", 1)[1].split("\n## ", 1)[0]
    return [(m["witx"], m["wit"], m["notes"]) for line in text.splitlines() if (m := ROW.match(line))]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_table_has_its_rows() -> None:
    assert len(rows()) == 31


@needs_componentize
@pytest.mark.parametrize(("witx", "wit", "notes"), [r for r in rows() if "…" not in r[0]], ids=lambda s: s[:40])
def test_row(witx: str, wit: str, notes: str) -> None:
    source = witx.replace("⏎", "\n")
    migrated = analyze_migrated(["/row.witx"], MemoryProvider({"/row.witx": source}))
    assert migrated.errors == (), migrated.errors
    handles = "u32" if "--handles u32" in notes else "resource"
    pkg = convert(migrated.document, WitOptions("doc:row@0.1.0", handles))
    assert _flat(wit) in _flat(pkg.text), pkg.text
    code = re.match(r"(W07\d\d)", notes)
    if code is not None:
        assert code.group(1) in {d.code for d in pkg.diagnostics}, [d.code for d in pkg.diagnostics]
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message

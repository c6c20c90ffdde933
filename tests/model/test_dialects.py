"""Legacy (witx ≤0.8) and unreleased dialects: one error each naming the
replacement, with edits that migrate the file."""

from __future__ import annotations

import pytest

from witx_lsp.base.diagnostic import Severity
from witx_lsp.model.analysis import analyze_text
from witx_lsp.model.migrate import apply_edits, migration_edits

PATH = "/input.witx"


def codes(text: str) -> list[str]:
    return [d.code for d in analyze_text(text, PATH).diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize(("text", "code", "words"), [
    ("(typename $s (struct (field $a u8)))", "E0201", "since witx 0.9 it is `record`"),
    ("(typename $l (array u8))", "E0202", "`list`"),
    ("(typename $i (int u64 (const $a 0)))", "E0203", "(@witx const"),
    ("(typename $e (enum u16 $a $b))", "E0204", "(enum (@witx tag u16) …)"),
    ("(typename $f (flags u32 $a $b))", "E0205", "(flags (@witx repr u32) …)"),
    ("(typename $f (flags (@witx bitflags u64) $a))", "E0205", "(@witx repr …)"),
    ("(typename $f (flags (flag $a)))", "E0205", "flag is written `$x`"),
    ("(typename $t (enum (@witx tag u8) $a $b))\n(typename $u (union $t (field $a u8) (empty $b)))", "E0206",
     "(variant (@witx tag $tag)"),
    ("(typename $c char8)", "E0207", "(@witx char8)"),
    ("(typename $h (handle $super))", "E0208", "`(handle)`"),
    ("(typename $u (union (field $a u8) (field $b u32)))", "E0210", "(variant (case"),
])
def test_legacy_form_names_its_replacement(text: str, code: str, words: str) -> None:
    diags = [d for d in analyze_text(text, PATH).diagnostics if d.code == code]
    assert len(diags) == 1, analyze_text(text, PATH).diagnostics
    assert "0.8" in diags[0].message or "0.9" in diags[0].message
    assert words in diags[0].message
    assert diags[0].data is not None


@pytest.mark.parametrize("text", [
    "(typename $s (struct (field $a u8) (field $b (array u16))))",
    "(typename $e (enum u16 $a $b))\n(typename $f (flags u32 $x $y))",
    "(typename $t (enum u8 $a $b))\n(typename $u (union $t (field $a u8) (empty $b)))",
    "(typename $c char8)\n(typename $h (handle $super $other))",
    "(typename $u (union (field $a u8) (field $b u32)))",
])
def test_migration_edits_give_valid_09(text: str) -> None:
    analysis = analyze_text(text, PATH)
    migrated = apply_edits(text, migration_edits(analysis.diagnostics, PATH))
    after = analyze_text(migrated, PATH)
    assert [d for d in after.diagnostics if d.severity is Severity.ERROR] == [], migrated


def test_unreleased_use_from_is_one_error() -> None:
    text = "(use $a $b from $other)\n(use * from $more)\n(resource $r)\n(typename $x $a)"
    assert codes(text) == ["E0211", "E0212"]


def test_witx_010_module_is_one_error() -> None:
    text = '(module $m\n (use $a from $b)\n (typename $x u8)\n (export "f" (func (param $p $x))))'
    assert codes(text) == ["E0213"]


def test_several_results_is_the_reference_abi_error() -> None:
    text = ('(typename $errno (enum (@witx tag u16) $success $inval))\n(typename $size u32)\n'
            '(module $m (@interface func (export "f") (result $error $errno) (result $n $size)))')
    diags = analyze_text(text, PATH).diagnostics
    assert [d.message for d in diags] == ["ABI error: more than one result"]

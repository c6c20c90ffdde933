"""The witxt runner (witx-language.md §9): each directive passing and failing,
the counting, the reference suite, and the `witxt` command."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from tests.conftest import WITXT_DIR, needs_corpus
from tests.support.fakes import run_files
from witx_lsp.cli import cmd_witxt
from witx_lsp.witxt.runner import Failure, WitxtReport, run_file, run_text

ABI_HEAD = '(assert_abi (witx (module $x (@interface func (export "f") (param $p u8))))'
W = "(wasm (param i32))"
CW = "(call_wasm get-arg0 i32.from_u8 call.wasm return)"
CI = "(call_interface get-arg0 u8.from_i32 call.interface return)"

# Each line is one directive; the comment says what it yields.
MIXED = f"""\
(witx $a (typename $t u32))                              ;; line 1: 3 passed
(witx $b (typename $t u64))                              ;; line 2: 3 passed
(assert_representable superset $a "t" $b "t")            ;; line 3: passed
(assert_representable eq $a "t" $b "t")                  ;; line 4: FAIL
(assert_representable eq $zz "t" $b "t")                 ;; line 5: FAIL
(assert_representable eq $a "missing" $b "t")            ;; line 6: FAIL
(assert_invalid (witx (typename $x $y)) "Unknown name `y`")   ;; line 7: passed
(assert_invalid (witx (typename $x u8)) "anything")      ;; line 8: FAIL
(assert_invalid (witx (typename $x $y)) "Redefinition")  ;; line 9: FAIL
(witx (typename $e (tuple)))                             ;; line 10: 2 passed, docs FAIL
(witx (typename $x $nope))                               ;; line 11: 3 FAIL
{ABI_HEAD} {W} {CW} {CI})                                    ;; line 12: passed
{ABI_HEAD} (wasm (param i64)) {CW} {CI})                     ;; line 13: FAIL
{ABI_HEAD} {W} (call_wasm get-arg0 call.wasm return) {CI})   ;; line 14: FAIL
{ABI_HEAD} {W} {CW} (call_interface get-arg0 u8.from_i32 call.interface))   ;; line 15: FAIL
{ABI_HEAD} {W} (call_wasm get-arg0 i32.from_u8 call.wasm return extra) {CI})   ;; line 16: FAIL
(assert_abi (witx (typename $a u8)) (wasm) (call_wasm) (call_interface))  ;; line 17: FAIL no funcs
(witx $a (typename $t u8))                               ;; line 18: 3 passed, replaces $a
(assert_representable superset $a "t" $b "t")            ;; line 19: passed (u8 by u64)
"""


def _reasons(report: WitxtReport) -> dict[int, str]:
    out: dict[int, str] = {}
    for f in report.failures:
        out[f.line] = out.get(f.line, "") + f.reason
    return out


def test_mixed_directives() -> None:
    report = run_text("/virtual/mixed.witxt", MIXED)
    reasons = _reasons(report)
    assert sorted(reasons) == [4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16, 17]
    assert reasons[4] == "expected eq, found superset for $a 't' and $b 't'"
    assert reasons[5] == "no document named $zz"
    assert reasons[6] == "no type named 'missing' in $a"
    assert reasons[8] == "witx was valid when it shouldn't be"
    assert reasons[9] == "expected error 'Redefinition', found 'Unknown name `y`'"
    assert reasons[10].startswith("docs: ")
    assert reasons[11] == "invalid witx: Unknown name `nope`"
    assert reasons[13] == "expected params ['i64'], found ['i32']"
    assert reasons[14] == "call_wasm: instruction 2: expected `call.wasm` but adapter produced `i32.from_u8`"
    assert reasons[15] == "call_interface: extra instruction `return` found when none was expected"
    assert reasons[16] == "call_wasm: expected `extra` but the adapter stopped"
    assert reasons[17] == "no funcs"
    # passed: 3+3+1+1+2+1+3+1 ; failed: 1+1+1+1+1+1+3+1+1+1+1+1
    assert (report.passed, report.failed) == (15, 14)
    assert report.summary() == "15 passed, 14 failed"
    assert not report.ok


def test_failure_text() -> None:
    assert str(Failure("a.witxt", 3, "why")) == "FAIL a.witxt:3: why"
    assert str(Failure("a.witxt", 0, "why")) == "FAIL a.witxt: why"


def test_empty_witx_and_results() -> None:
    report = run_text("/v/e.witxt", "(witx)\n;; nothing else\n")
    assert (report.passed, report.failed, report.failures) == (3, 0, [])
    assert run_text("/v/none.witxt", "").summary() == "0 passed, 0 failed"


def test_assert_invalid_matches_the_reference_error_chain() -> None:
    # witxt.rs matches against `{:?}` of the anyhow error, which starts with the error kind.
    text = '(assert_invalid (witx (typename $x $y)) "Validation error")'
    assert run_text("/v/chain.witxt", text).summary() == "1 passed, 0 failed"


def test_checks_the_reference_does_not_make_do_not_invalidate() -> None:
    # Duplicate case names without a tag: our model reports E0311, witx 0.9.1 accepts.
    text = "(witx (typename $v (variant (case $a) (case $a u8))))"
    model_report = run_text("/v/dup.witxt", text)
    assert model_report.summary() == "3 passed, 0 failed"
    text = '(assert_invalid (witx (typename $v (variant (case $a) (case $a u8)))) "")'
    assert _reasons(run_text("/v/dup2.witxt", text)) == {1: "witx was valid when it shouldn't be"}


def test_inline_parse_errors_make_the_directive_fail() -> None:
    # For the reference an unparsable inline document is a parse error of the .witxt file.
    text = '(assert_invalid (witx (typename $x (struct (field $a u8)))) "struct")'
    reasons = _reasons(run_text("/v/parse.witxt", text))
    assert list(reasons) == [1] and reasons[1].startswith("inline witx does not parse: ")


def test_load_form_resolves_paths_next_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.witx").write_text("(typename $a u8)\n")
    (tmp_path / "sub" / "b.witx").write_text('(use "a.witx")\n(typename $b (list $a))\n')
    witxt = tmp_path / "t.witxt"
    witxt.write_text('(witx $d (load "sub/b.witx"))\n'
                     '(witx $e (typename $b (list u8)))\n'
                     '(assert_representable eq $d "b" $e "b")\n'
                     '(assert_invalid (witx (load "sub/missing.witx")) "missing.witx")\n')
    report = run_file(str(witxt))
    assert (report.passed, report.failed, report.failures) == (8, 0, [])


def test_unreadable_files(tmp_path: Path) -> None:
    report = run_file(str(tmp_path / "nope.witxt"))
    assert report.failed == 1 and report.failures[0].reason.startswith("cannot read the file")
    os.mkfifo(tmp_path / "pipe.witxt")  # nobody writes it: reading would block forever
    report = run_file(str(tmp_path / "pipe.witxt"))
    assert report.failed == 1 and "not a regular file" in report.failures[0].reason
    bad = tmp_path / "bad.witxt"
    bad.write_text("(witx (typename $a u8)\n")
    report = run_file(str(bad))
    assert (report.passed, report.failed) == (0, 1)
    assert report.failures[0].line == 0


SUITE_COUNTS = {
    "abi.witxt": 50, "anonymous.witxt": 16, "multimodule.witxt": 10, "representation.witxt": 35,
    "shorthand.witxt": 70, "simple.witxt": 7, "union.witxt": 32, "wasi.witxt": 12,
}


@needs_corpus
@pytest.mark.parametrize(("name", "count"), sorted(SUITE_COUNTS.items()))
def test_reference_suite_file(name: str, count: int) -> None:
    report = run_file(str(WITXT_DIR / name))
    assert report.failures == []
    assert (report.passed, report.failed) == (count, 0)


@needs_corpus
def test_reference_suite_total() -> None:
    files = sorted(str(p) for p in WITXT_DIR.glob("*.witxt"))
    assert [Path(f).name for f in files] == sorted(SUITE_COUNTS)
    assert run_files(files).summary() == "232 passed, 0 failed"


# -- the `witxt` command -------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cmd_witxt.register(parser.add_subparsers())
    args = parser.parse_args(["witxt", *argv])
    code: int = args.func(args)
    return code


def test_cli_reports_failures_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.witxt", tmp_path / "bad.witxt"
    good.write_text("(witx (typename $a u8))\n")
    bad.write_text('(witx (typename $a u8))\n(assert_invalid (witx (typename $a u8)) "x")\n')
    assert _run([str(good)]) == 0
    assert capsys.readouterr().out == "3 passed, 0 failed\n"
    assert _run([str(good), str(bad)]) == 1
    assert capsys.readouterr().out == (f"FAIL {bad}:2: witx was valid when it shouldn't be\n"
                                       "6 passed, 1 failed\n")


def test_cli_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "one.witxt").write_text("(witx)\n")
    (tmp_path / "d" / "e" / "two.witxt").write_text("(witx)\n")
    (tmp_path / "d" / "other.witx").write_text("(typename $x u8)\n")
    assert cmd_witxt.expand([str(tmp_path / "d")]) == [str(tmp_path / "d" / "e" / "two.witxt"),
                                                      str(tmp_path / "d" / "one.witxt")]
    assert _run([str(tmp_path / "d")]) == 0
    assert capsys.readouterr().out == "6 passed, 0 failed\n"


@needs_corpus
def test_cli_reference_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sorted(str(p) for p in WITXT_DIR.glob("*.witxt"))) == 0
    assert capsys.readouterr().out == "232 passed, 0 failed\n"

"""`witx-lsp format`: rewrites files in place, `--check` lists what would change
and exits 1, `--diff` prints a unified diff that `patch` applies, each file keeps
its own indentation unless `--indent` says otherwise, files with syntax errors
and unreadable paths are reported and left alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.cli.util import run_process, write
from tests.conftest import CORPUS, WASI, needs_corpus

TWO = "(typename $e\n  (enum\n    $a\n  )\n)\n"
FOUR = "(typename $e\n    (enum\n        $a\n    )\n)\n"
WRONG = "(typename $r\n  (record\n     (field $x   u8)\n    (field $y u8)))"  # 5 spaces, 3 spaces, no final newline
FIXED = "(typename $r\n  (record\n    (field $x u8)\n    (field $y u8)))\n"


def test_check_lists_the_files_that_would_change_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"d/two.witx": TWO, "d/four.witx": FOUR, "d/wrong.witx": WRONG, "d/notes.txt": "( x"})
    r = cli("format", "--check", "d")
    assert r.code == 1
    assert r.out == f"would reformat {os.path.join('d', 'wrong.witx')}\n"
    assert "1 file would be reformatted, 2 files already formatted" in r.err
    assert (tmp_path / "d" / "wrong.witx").read_text() == WRONG
    assert cli("format", "--check", "d/two.witx", "d/four.witx").code == 0


def test_format_writes_in_place_keeping_each_files_indentation(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"d/two.witx": TWO, "d/four.witx": FOUR, "d/wrong.witx": WRONG})
    r = cli("format", "d")
    assert r.code == 0 and "1 file reformatted, 2 files already formatted" in r.err
    assert (tmp_path / "d" / "wrong.witx").read_text() == FIXED
    assert (tmp_path / "d" / "four.witx").read_text() == FOUR
    assert cli("format", "--check", "d").code == 0


def test_indent_option(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"two.witx": TWO})
    assert cli("format", "--indent", "4", "two.witx").code == 0
    assert (tmp_path / "two.witx").read_text() == FOUR
    assert cli("format", "--indent", "tab", "two.witx").code == 0
    assert (tmp_path / "two.witx").read_text() == "(typename $e\n\t(enum\n\t\t$a\n\t)\n)\n"
    for bad in ("0", "x", "17"):
        r = cli("format", "--indent", bad, "two.witx")
        assert r.code == 2 and "--indent" in r.err


def test_crlf_and_byte_order_mark_survive(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "w.witx").write_bytes(b"\xef\xbb\xbf" + WRONG.replace("\n", "\r\n").encode())
    assert cli("format", "w.witx").code == 0
    assert (tmp_path / "w.witx").read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


@pytest.mark.skipif(shutil.which("patch") is None, reason="no `patch` program")
def test_diff_is_a_patch_that_applies(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"w.witx": WRONG, "ok.witx": TWO})
    r = cli("format", "--diff", "w.witx", "ok.witx")
    assert r.code == 1
    assert r.out.startswith("--- a/w.witx\n+++ b/w.witx\n") and "\\ No newline at end of file\n" in r.out
    assert (tmp_path / "w.witx").read_text() == WRONG  # --diff writes nothing
    subprocess.run(["patch", "-p1", "-s"], input=r.out, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "w.witx").read_text() == FIXED


def test_syntax_errors_and_unreadable_files_are_reported_and_left_alone(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"bad.witx": "(typename $a\n   u8\n", "ok.witx": WRONG})
    r = cli("format", "bad.witx", "missing.witx", "ok.witx")
    assert r.code == 1
    assert "bad.witx: not formatted: syntax error at 1:1: unclosed `(`" in r.err
    assert "missing.witx: no such file" in r.err
    assert (tmp_path / "bad.witx").read_text() == "(typename $a\n   u8\n"
    assert (tmp_path / "ok.witx").read_text() == FIXED  # the others are still formatted


def test_syntax_error_columns_count_characters_as_check_does(cli: Cli, tmp_path: Path) -> None:
    # Two characters outside the BMP (two UTF-16 units each) before the unterminated string.
    write(tmp_path, {"bad.witx": ';; x\n(typename $a u8) (; \U0001d54f\U0001d54e ;) "open\n'})
    fmt = cli("format", "bad.witx")
    check = cli("check", "bad.witx")
    [where] = re.findall(r"syntax error at (\d+:\d+)", fmt.err)
    assert f"bad.witx:{where}:" in check.out + check.err
    assert where == "2:27"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"d/ok.witx": TWO})
    os.mkfifo(tmp_path / "d" / "pipe.witx")
    r = run_process(["format", "--check", "d"], cwd=tmp_path, timeout=30)
    assert r.code == 1 and "not a regular file" in r.err


@needs_corpus
def test_check_on_the_upstream_files_changes_nothing(tmp_path: Path) -> None:
    fastly = CORPUS / "fastly_compute-at-edge-abi" / "HEAD_b99b763e"
    paths = [str(WASI / "preview1" / "witx"), str(fastly)]
    r = run_process(["format", "--check", *paths], cwd=tmp_path, timeout=60)
    assert (r.code, r.out) == (0, ""), r.err
    assert "0 files would be reformatted, 4 files already formatted" in r.err

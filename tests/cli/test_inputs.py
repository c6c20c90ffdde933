"""`witx-lsp check` never crashes or hangs on what it is given: missing paths,
FIFOs, directories with odd names, huge files, invalid UTF-8, binary data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.cli.util import run_process, write
from witx_lsp.base.vfs import MAX_FILE_BYTES

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def test_nonexistent_path(cli: Cli) -> None:
    r = cli("check", "--format", "json", "missing/nothing.witx")
    assert r.code == 1
    [d] = r.diagnostics()
    assert (d["path"], d["code"]) == (os.path.normpath("missing/nothing.witx"), "E0401")
    assert d["message"].startswith("IO error with file ") and d["message"].endswith(": no such file")
    text = cli("check", "missing/nothing.witx")
    assert text.out.splitlines() == [f"{os.path.normpath('missing/nothing.witx')}:1:1: error[E0401]: "
                                     f"{d['message']}", "1 error, 0 warnings in 1 file"]


@needs_fifo
def test_fifo_given_as_a_path_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.witx")
    r = run_process(["check", "--format", "json", "pipe.witx"], cwd=tmp_path, timeout=30)
    assert r.code == 1
    assert r.codes() == ["E0403"]


@needs_fifo
def test_fifo_inside_a_directory_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"d/ok.witx": "(typename $a u8)\n"})
    os.mkfifo(tmp_path / "d" / "pipe.witx")
    r = run_process(["check", "--format", "json", "d"], cwd=tmp_path, timeout=30)
    assert r.code == 1
    assert [(d["path"], d["code"]) for d in r.diagnostics()] == [(os.path.join("d", "pipe.witx"), "E0403")]


def test_directory_named_like_a_witx_file(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"x.witx/inner.witx": "(typename $a $nope)\n", "d/y.witx/ok.witx": "(typename $b u8)\n"})
    # Given on the command line, it is a directory to search.
    r = cli("check", "--format", "json", "x.witx")
    assert [(d["path"], d["code"]) for d in r.diagnostics()] == [(os.path.join("x.witx", "inner.witx"), "E0301")]
    # Met while searching, it is not taken for a file.
    r = cli("check", "--format", "json", "d")
    assert (r.code, r.diagnostics()) == (0, [])


def test_empty_directory(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty.witx").mkdir()
    r = cli("check", "empty.witx")
    assert r.code == 0
    assert "no .witx files in empty.witx" in r.err
    assert r.out == "0 errors, 0 warnings in 0 files\n"


def test_file_over_8_mib(cli: Cli, tmp_path: Path) -> None:
    with open(tmp_path / "huge.witx", "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    r = cli("check", "--format", "json", "huge.witx")
    assert r.code == 1 and r.codes() == ["E0404"]


def test_invalid_utf8(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "latin1.witx").write_bytes(b"(typename $a u8)\n;; caf\xe9\n")
    r = cli("check", "--format", "json", "latin1.witx")
    assert r.code == 1 and r.codes() == ["E0405"]
    assert cli("check", "latin1.witx").code == 1


def test_binary_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "blob.witx").write_bytes(bytes(range(128)) * 4)
    for fmt in ("text", "json", "sarif", "github"):
        r = cli("check", "--format", fmt, "blob.witx")
        assert r.code == 1
        assert "\x1b" not in r.out and "\x07" not in r.out
    assert "E0001" in cli("check", "--format", "json", "blob.witx").codes()


def test_broken_symlink_and_symlink_loop(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"d/ok.witx": "(typename $a u8)\n"})
    os.symlink("nowhere.witx", tmp_path / "d" / "dangling.witx")
    os.symlink(".", tmp_path / "d" / "loop")
    r = cli("check", "--format", "json", "d")
    assert r.code == 1
    assert [(d["path"], d["code"]) for d in r.diagnostics()] == [(os.path.join("d", "dangling.witx"), "E0401")]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_undecodable_file_name(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with open(os.path.join(os.fsencode(tmp_path / "d"), b"caf\xe9.witx"), "wb") as f:
        f.write(b"(typename $a $nope)\n")
    for fmt in ("text", "json", "sarif", "github"):
        r = run_process(["check", "--format", fmt, "d"], cwd=tmp_path)
        assert r.code == 1, r.err
        assert ("caf%E9.witx" if fmt == "sarif" else "caf\ufffd.witx") in r.out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every directory")
def test_unreadable_directory(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"d/ok.witx": "(typename $a u8)\n", "d/locked/x.witx": "(typename $b u8)\n"})
    (tmp_path / "d" / "locked").chmod(0)
    try:
        r = cli("check", "--format", "json", "d")
    finally:
        (tmp_path / "d" / "locked").chmod(0o755)
    assert r.code == 1 and r.codes() == ["E0408"]

"""Workspace semantics of `witx-lsp check`: which files are roots, --together,
deduplication, parallel workers and internal errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.cli.util import write
from witx_lsp.cli import cmd_check
from witx_lsp.cli.cmd_check import pick_roots

# b.witx relies on `$base`, which only its includer a.witx defines: alone it has an error.
INCLUDER = {"a.witx": '(typename $base u32)\n(use "b.witx")\n(typename $top $derived)\n',
            "b.witx": "(typename $derived $base)\n"}


def test_an_included_file_is_checked_in_its_includers_context(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, INCLUDER)
    r = cli("check", "--format", "json", ".")
    assert (r.code, r.diagnostics()) == (0, [])
    r = cli("check", "--format", "json", "a.witx", "b.witx")
    assert (r.code, r.diagnostics()) == (0, [])
    # Given alone, b.witx is its own root.
    r = cli("check", "--format", "json", "b.witx")
    assert r.code == 1 and r.codes() == ["E0301"]


def test_text_summary_counts_every_file_read(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, INCLUDER)
    assert cli("check", ".").out.splitlines()[-1] == "0 errors, 0 warnings in 2 files"


def test_a_file_included_by_two_roots_is_reported_once(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"one.witx": '(use "common.witx")\n(typename $one u8)\n',
                     "two.witx": '(use "common.witx")\n(typename $two u8)\n',
                     "common.witx": "(typename $c $nowhere)\n"})
    r = cli("check", "--format", "json", ".")
    assert r.code == 1
    [d] = r.diagnostics()
    assert (d["path"], d["code"]) == ("common.witx", "E0301")


def test_a_use_cycle_is_checked_once_from_its_first_file(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"x.witx": '(use "y.witx")\n(typename $x u8)\n', "y.witx": '(use "x.witx")\n(typename $y u8)\n'})
    r = cli("check", "--format", "json", ".")
    # Only x.witx is a root: the cycle is reported once, at y.witx's use of x.witx.
    [d] = r.diagnostics()
    assert (d["path"], d["code"]) == ("y.witx", "E0406")


def test_a_cycle_reached_from_outside_is_checked_from_its_includer(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"main.witx": '(use "x.witx")\n', "x.witx": '(use "y.witx")\n(typename $x u8)\n',
                     "y.witx": '(use "x.witx")\n(typename $y u8)\n'})
    [d] = cli("check", "--format", "json", ".").diagnostics()
    assert (d["path"], d["code"]) == ("y.witx", "E0406")


def test_pick_roots() -> None:
    uses = {"/a": ("/b",), "/b": ("/c",), "/c": (), "/x": ("/y",), "/y": ("/x",), "/self": ("/self",),
            "/p": ("/q",), "/q": ("/r",), "/r": ("/q",)}
    assert pick_roots(["/a", "/b", "/c"], uses) == ["/a"]
    assert pick_roots(["/b", "/c"], uses) == ["/b"]
    assert pick_roots(["/y", "/x"], uses) == ["/x"]
    assert pick_roots(["/self"], uses) == ["/self"]
    assert pick_roots(["/p", "/q", "/r"], uses) == ["/p"]
    assert pick_roots(["/q", "/r"], uses) == ["/q"]
    assert pick_roots(["/missing", "/c"], uses) == ["/missing", "/c"]


def test_together_loads_every_file_into_one_document(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"1_types.witx": "(typename $t u32)\n", "2_uses.witx": "(typename $u $t)\n"})
    # Separately, 2_uses.witx does not know `$t`.
    r = cli("check", "--format", "json", ".")
    assert r.code == 1 and [(d["path"], d["code"]) for d in r.diagnostics()] == [("2_uses.witx", "E0301")]
    # Together, in the order given (a directory: sorted), it does.
    r = cli("check", "--together", "--format", "json", ".")
    assert (r.code, r.diagnostics()) == (0, [])
    r = cli("check", "--together", "--format", "json", "2_uses.witx", "1_types.witx")
    assert r.code == 1 and r.codes() == ["E0301"]


def test_together_reports_names_defined_twice_across_files(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"a.witx": "(typename $t u32)\n", "b.witx": "(typename $t u64)\n"})
    assert cli("check", ".").code == 0
    r = cli("check", "--together", "--format", "json", ".")
    assert r.code == 1
    [d] = r.diagnostics()
    assert (d["path"], d["code"], d["related"][0]["path"]) == ("b.witx", "E0302", "a.witx")


def _many(tmp_path: Path) -> None:
    files = {f"m{i}.witx": f"(typename $t{i} u8)\n(typename $e{i} $nope{i})\n(typename $t{i} u8)\n" for i in range(7)}
    files["sub/inc.witx"] = "(typename $i $missing)\n"
    files["m0.witx"] = '(use "sub/inc.witx")\n' + files["m0.witx"]
    write(tmp_path, files)


def test_parallel_and_serial_output_are_identical(cli: Cli, tmp_path: Path) -> None:
    _many(tmp_path)
    serial = cli("check", "--format", "json", "--jobs", "1", ".")
    parallel = cli("check", "--format", "json", "--jobs", "3", ".")
    assert serial.code == parallel.code == 1
    assert serial.out == parallel.out
    paths = [d["path"] for d in serial.diagnostics()]
    assert paths == sorted(paths) and len(paths) == 7 * 2 + 1
    assert cli("check", "--jobs", "2", ".").out == cli("check", "--jobs", "1", ".").out


def test_internal_error_in_one_root_spares_the_others(cli: Cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"boom.witx": "(typename $a u8)\n", "fine.witx": "(typename $b $nope)\n"})
    real = cmd_check.analyze

    def flaky(roots: list[str], provider: object = None) -> object:
        if any(r.endswith("boom.witx") for r in roots):
            raise RuntimeError("simulated bug")
        return real(roots)

    monkeypatch.setattr(cmd_check, "analyze", flaky)
    r = cli("check", "--format", "json", "--jobs", "1", ".")
    assert r.code == 1
    assert "internal error while checking boom.witx" in r.err and "RuntimeError: simulated bug" in r.err
    assert [(d["path"], d["code"]) for d in r.diagnostics()] == [("fine.witx", "E0301")]
    sarif = cli("check", "--format", "sarif", "--jobs", "1", ".")
    assert '"executionSuccessful": false' in sarif.out
    text = cli("check", "--jobs", "1", ".")
    assert text.out.splitlines()[-1].endswith("; 1 internal error")


def test_directories_are_searched_recursively_sorted_without_hidden_entries(tmp_path: Path) -> None:
    write(tmp_path, {"d/b.witx": "", "d/a.witx": "", "d/sub/c.witx": "", "d/.hidden/h.witx": "",
                     "d/.dot.witx": "", "d/notes.txt": "", "d/z.witx.bak": ""})
    (tmp_path / "d" / "dir.witx").mkdir()
    inputs = cmd_check.expand([str(tmp_path / "d")], cmd_check.DiskProvider())
    assert [Path(p).relative_to(tmp_path / "d").as_posix() for p in inputs.files] == [
        "a.witx", "b.witx", "sub/c.witx"]
    assert not inputs.problems and not inputs.empty


def test_the_same_file_given_twice_is_checked_once(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": "(typename $a $nope)\n"})
    r = cli("check", "--format", "json", "r.witx", "./r.witx", ".")
    assert len(r.diagnostics()) == 1 and r.diagnostics()[0]["path"] == "r.witx"

"""The `witx-lsp` entry point: subcommand registry, alias, exit codes, `python -m`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.cli.util import ROOT, run_process, write
from witx_lsp.cli.main import COMMANDS, build_parser, modules_for

CLEAN = "(typename $a u32)\n"
BROKEN = "(typename $a $nowhere)\n"
WARNS = "(typename $a u32)\n(@foo bar)\n(typename $b u32)\n"


def test_every_command_module_registers_a_parser_with_a_handler() -> None:
    assert COMMANDS[0] == "witx_lsp.cli.cmd_check"
    for name in COMMANDS:
        assert callable(importlib.import_module(name).register)
    args = build_parser().parse_args(["check", "x.witx"])
    assert callable(args.func)


def test_a_named_subcommand_imports_only_its_module() -> None:
    assert modules_for(["serve", "--stdio"]) == ("witx_lsp.cli.cmd_serve",)
    assert modules_for(["decode", "x"]) == ("witx_lsp.cli.cmd_encode",)
    for argv in ([], ["--help"], ["--version"], ["frobnicate"], ["cmd_check"]):
        assert modules_for(argv) == COMMANDS
    # Every subcommand resolves to the module that registers it.
    for name in build_parser()._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
        (module,) = modules_for([name])
        assert name in build_parser((module,))._subparsers._group_actions[0].choices  # type: ignore[union-attr]


def test_serve_does_not_import_the_other_commands() -> None:
    code = ("import sys; from witx_lsp.cli.main import build_parser, modules_for; "
            "build_parser(modules_for(['serve'])); "
            "print(sorted(m for m in sys.modules if m.startswith('witx_lsp.cli.cmd_')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.stdout.strip() == "['witx_lsp.cli.cmd_serve']", r.stderr


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("frobnicate").code == 2
    assert cli("check").code == 2  # PATH is required
    assert cli("check", "--format", "xml", "a.witx").code == 2
    assert cli("check", "--jobs", "0", "a.witx").code == 2
    assert cli("check", "--color", "sometimes", "a.witx").code == 2


def test_help_and_version_exit_0(cli: Cli) -> None:
    r = cli("--version")
    assert r.code == 0 and r.out.startswith("witx-lsp ")
    r = cli("check", "--help")
    assert r.code == 0 and "--together" in r.out


def test_check_alias(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"bad.witx": BROKEN})
    a = cli("--check", "--format", "json", "bad.witx")
    b = cli("check", "--format", "json", "bad.witx")
    assert a.code == b.code == 1
    assert a.out == b.out and a.codes() == ["E0301"]


def test_exit_codes(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"ok.witx": CLEAN, "bad.witx": BROKEN, "warn.witx": WARNS})
    assert cli("check", "ok.witx").code == 0
    assert cli("check", "bad.witx").code == 1
    assert cli("check", "ok.witx", "bad.witx").code == 1
    r = cli("check", "warn.witx")
    assert r.code == 0 and "warning[W0101]" in r.out
    assert cli("check", "--werror", "warn.witx").code == 1
    assert cli("check", "--werror", "ok.witx").code == 0


def test_missing_path_is_a_diagnostic_not_a_usage_error(cli: Cli) -> None:
    r = cli("check", "--format", "json", "nope.witx")
    assert r.code == 1
    [d] = r.diagnostics()
    assert d["code"] == "E0401" and d["path"] == "nope.witx" and d["severity"] == "error"
    assert "IO error with file" in d["message"] and d["message"].endswith("no such file")


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    r = run_process(["check", str(ROOT / "examples" / "kv_store")], cwd=tmp_path)
    assert (r.code, r.err) == (0, "")
    assert r.out.strip().endswith("0 errors, 0 warnings in 2 files")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_shipped_example_checks_clean(cli: Cli, fmt: str) -> None:
    r = cli("check", "--format", fmt, str(ROOT / "examples"))
    assert r.code == 0, r.out
    if fmt == "json":
        assert r.json() == {"diagnostics": []}

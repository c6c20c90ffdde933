"""The README's Quick start: exactly two one-line commands, one that runs the checker
on the shipped example and one that runs the tests; what they name exists."""

from __future__ import annotations

import re

from tests.cli.util import ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_two_commands() -> None:
    run, test = _quick_start()
    assert run.startswith("python3 -m venv .venv && ") and test.startswith("python3 -m venv .venv && ")
    assert run.endswith(".venv/bin/witx-lsp check examples/kv_store")
    assert "pip install -e '.[dev]'" in test and test.endswith(".venv/bin/pytest")
    assert (ROOT / "examples" / "kv_store" / "kv_store.witx").is_file()


def test_ci_runs_what_the_readme_promises() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci
    for needle in ("-e '.[dev]'", "pytest", "ruff\" check", "mypy\" --strict", "-m build --wheel",
                   "check examples/kv_store", "conformance.py load legacy"):
        assert needle in ci, needle

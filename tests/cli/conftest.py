from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.util import Result
from witx_lsp.cli.main import main

Cli = Callable[..., Result]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds and installs the wheel (tens of seconds, needs PyPI)")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """Run `witx-lsp ARGS` in this process, in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run

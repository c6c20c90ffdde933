"""Helpers of the CLI tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def diagnostics(self) -> list[dict[str, Any]]:
        return list(self.json()["diagnostics"])

    def codes(self) -> list[str]:
        return [d["code"] for d in self.diagnostics()]


def run_process(args: list[str], cwd: Path, timeout: float = 60) -> Result:
    """Run `python -m witx_lsp ARGS` in a child process, stdin closed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("NO_COLOR", None)
    p = subprocess.run([sys.executable, "-m", "witx_lsp", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL, env=env)
    return Result(p.returncode, p.stdout, p.stderr)


def write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

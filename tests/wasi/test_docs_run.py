"""docs/run.md shows `witx-lsp run --trace` on tests/wasi/programs/hello.c as
generated: this test runs it again and compares (pointer values aside, which
depend on the wasi-libc build). Regenerate the block with
`python -m tests.wasi.test_docs_run`."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import PREVIEW1, ROOT, needs_corpus
from tests.wasi.harness import PROGRAMS, compile_c, needs_clang

DOC = ROOT / "docs" / "run.md"
BEGIN, END = "<!-- trace:begin -->\n```text\n", "```\n<!-- trace:end -->"


def generate() -> str:
    """The trace of hello.c (arguments `7`, NAME=witx, /data preopened), as `witx-lsp run` prints it."""
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        wasm = compile_c(PROGRAMS / "hello.c", work)
        (work / "data").mkdir()
        cmd = [sys.executable, "-m", "witx_lsp", "run", "--witx", str(PREVIEW1), "--dir", "data::/data",
               "--env", "NAME=witx", "--trace=trace.txt", "hello.wasm", "7"]
        subprocess.run(cmd, cwd=work, capture_output=True, timeout=120, env={"PYTHONPATH": str(ROOT)})
        del wasm
        return (work / "trace.txt").read_text(encoding="utf-8")


def shown() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def _addresses(text: str) -> str:
    return re.sub(r"0x[0-9a-f]+", "0x…", text)


@needs_corpus
@needs_clang
def test_docs_show_the_trace_as_generated() -> None:
    assert _addresses(shown()) == _addresses(generate())


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    DOC.write_text(head + BEGIN + generate() + END + rest.split(END, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    main()

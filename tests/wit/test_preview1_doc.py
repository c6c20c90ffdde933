"""docs/wit-preview1.md is the conversion of WASI preview1 exactly as `witx-lsp wit`
prints it today (WIT on stdout, notes on stderr). Regenerate it with
`python -m tests.wit.test_preview1_doc` after changing the converter."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PREVIEW1, ROOT, needs_corpus

DOC = ROOT / "docs" / "wit-preview1.md"
COMMAND = ["witx-lsp", "wit", "--diagnostics", "text", PREVIEW1.name]


def generate() -> str:
    r = subprocess.run([sys.executable, "-m", "witx_lsp", *COMMAND[1:]], cwd=PREVIEW1.parent, capture_output=True,
                       text=True, encoding="utf-8", env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}, timeout=120)
    assert r.returncode == 0, r.stderr
    counts = r.stderr.rstrip("\n").splitlines()[-1]
    return f"""# WASI preview1 as WIT

The conversion of WASI preview1 (`preview1/witx/wasi_snapshot_preview1.witx` of
WebAssembly/WASI, branch wasi-0.1 at fae981ba, which `use`s `typenames.witx`), exactly as
`witx-lsp wit` prints it: generated, not edited (`tests/wit/test_preview1_doc.py` checks that
this page equals the current output; the mapping is explained in [wit.md](wit.md)).
componentize-py's wit-parser accepts it (`tests/wit/test_wit_corpus.py`).

```sh
cd preview1/witx && {' '.join(COMMAND)}
```

## The diagnostics ({counts})

```text
{r.stderr.rstrip()}
```

## The WIT

```wit
{r.stdout.rstrip()}
```
"""


@needs_corpus
def test_the_doc_is_the_current_output() -> None:
    assert DOC.read_text(encoding="utf-8") == generate(), "regenerate: python -m tests.wit.test_preview1_doc"


if __name__ == "__main__":
    DOC.write_text(generate(), encoding="utf-8")

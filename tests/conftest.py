from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
WASI = CORPUS / "WebAssembly_WASI" / "wasi-0.1_fae981ba"
PREVIEW1 = WASI / "preview1" / "witx" / "wasi_snapshot_preview1.witx"
WITXT_DIR = WASI / "tools" / "witx" / "tests" / "witxt"

# The project's own witx fixtures (hand-written, not corpus files): the runtime, layout and ABI tests run on them
# without ../shared; the corpus-backed tests stay as cross-checks.
FIXTURES = ROOT / "tests" / "fixtures"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present")

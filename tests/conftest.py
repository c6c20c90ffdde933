from __future__ import annotations

import os
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

# The reference witx 0.9.1 crate as a command (../shared/tools/oracle/build.sh writes it to /tmp/witx-oracle by
# default; .ci/run builds it and sets WITX_ORACLE). Tests that need it skip when it is not built.
WITX_ORACLE = Path(os.environ.get("WITX_ORACLE") or "/tmp/witx-oracle/bin/witx-oracle")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present")


@pytest.fixture(autouse=True, scope="session")
def _views_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The views the server writes for its code lenses (server/views.py) go to a temporary
    directory, never to the user's cache (servers started by tests inherit the environment)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WITX_LSP_VIEWS_DIR", str(tmp_path_factory.mktemp("views")))
        yield

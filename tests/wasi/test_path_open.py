"""`path_open` under every combination of oflags, read/write rights, fdflags,
lookup flags and kind of target, on wasmtime's own WASI host and on
witx_lsp.wasi: the same errno, the same fdstat of what was opened, the same
fd numbers, and the same tree afterwards (creations, truncations)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from tests.runtime.wasi_guest import Guest, guest_wat, own_host, preview1, real_host
from tests.wasi.harness import snapshot
from witx_lsp.wasi import WasiConfig, WasiHost

pytestmark = needs_corpus

OFLAGS = ["creat", "directory", "excl", "trunc"]
RIGHTS = [(), ("fd_read",), ("fd_write",), ("fd_read", "fd_write")]
FDFLAGS = [(), ("append",), ("nonblock",), ("sync",), ("dsync",)]
TARGETS = ["file", "dir", "missing", "link", "dirlink"]
CASES = list(itertools.product(range(16), range(len(RIGHTS)), range(len(FDFLAGS)), TARGETS, (0, 1)))


def tree(root: Path) -> None:
    for i in range(len(CASES)):
        (root / f"file{i}").write_bytes(b"0123456789")
        (root / f"dir{i}").mkdir()
        os.symlink(f"file{i}", root / f"link{i}")
        os.symlink(f"dir{i}", root / f"dirlink{i}")


def run(host: str, base: Path) -> tuple[list[Any], dict[str, Any]]:
    doc = preview1(str(PREVIEW1))
    root = base / "sandbox"
    root.mkdir(parents=True)
    tree(root)
    wat = guest_wat(doc)
    ctx: Any
    if host == "wasmtime":
        ctx = real_host(wat, doc, lambda w: w.preopen_dir(str(root), "/sandbox"))
    else:
        ctx = own_host(wat, doc, WasiHost(WasiConfig(preopens=[(str(root), "/sandbox")]), doc))
    results = []
    with ctx as g:
        oflags_t, rights_t, fdflags_t = (g.types.named(n) for n in ("oflags", "rights", "fdflags"))
        for i, (of, r, ff, target, follow) in enumerate(CASES):
            path = f"{target}{i}".encode()
            g.put(1024, path)
            oflags = oflags_t.to_bits({n for b, n in enumerate(OFLAGS) if of >> b & 1})  # type: ignore[attr-defined]
            rights = rights_t.to_bits(set(RIGHTS[r]))  # type: ignore[attr-defined]
            fdflags = fdflags_t.to_bits(set(FDFLAGS[ff]))  # type: ignore[attr-defined]
            errno = g.call("path_open", 3, follow, 1024, len(path), oflags, rights, 0, fdflags, 64)
            results.append((i, errno, _opened(g) if errno == 0 else None))
    return results, snapshot(root)


def _opened(g: Guest) -> Any:
    fd = g.u32(64)
    assert g.call("fd_fdstat_get", fd, 128) == 0
    st = g.ptr("fdstat", 128).read()
    assert g.call("fd_close", fd) == 0
    return fd, st.fs_filetype, st.fs_flags, st.fs_rights_base


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    base = tmp_path_factory.mktemp("path_open")
    return run("wasmtime", base / "wasmtime"), run("python", base / "python")


def test_same_errno_and_fdstat_for_every_combination(both: tuple[Any, Any]) -> None:
    (real, _), (ours, _) = both
    errnos = {e for _, e, _ in real}
    assert len(errnos) >= 5 and 0 in errnos  # the matrix reaches successes and several errors
    diff = [(CASES[i], r, o) for (i, *r), (_, *o) in zip(real, ours, strict=True) if r != o]
    assert diff == []


def test_same_tree_afterwards(both: tuple[Any, Any]) -> None:
    (_, real_tree), (_, our_tree) = both
    assert our_tree == real_tree

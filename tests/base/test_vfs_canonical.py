"""DiskProvider.canonical is `os.path.realpath` (symbolic links and `..` resolved), also where
it asks the kernel instead (base/vfs.py `_opened_path`, Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from witx_lsp.base import vfs
from witx_lsp.base.vfs import DiskProvider


def tree(tmp: Path) -> list[str]:
    """A directory with links of every kind, and the paths to ask about (as written)."""
    (tmp / "real" / "sub").mkdir(parents=True)
    (tmp / "real" / "sub" / "a.witx").write_text("")
    (tmp / "real" / "b.witx").write_text("")
    (tmp / "dirlink").symlink_to(tmp / "real")
    (tmp / "rellink").symlink_to("real/sub")
    (tmp / "real" / "sub" / "filelink.witx").symlink_to("../b.witx")
    (tmp / "chain").symlink_to("dirlink")
    (tmp / "dangling.witx").symlink_to("nowhere.witx")
    (tmp / "loop").symlink_to("loop")
    os.mkfifo(tmp / "fifo.witx")
    t = str(tmp)
    return [
        f"{t}/real/sub/a.witx", f"{t}/dirlink/sub/a.witx", f"{t}/rellink/a.witx", f"{t}/chain/sub/filelink.witx",
        f"{t}/dirlink/sub/../b.witx", f"{t}/rellink/../b.witx", f"{t}//real/./sub//a.witx", f"{t}/real/sub/",
        f"{t}/real", f"{t}/dirlink", f"{t}/missing.witx", f"{t}/missing/../real/b.witx", f"{t}/dangling.witx",
        f"{t}/loop", f"{t}/loop/x.witx", f"{t}/fifo.witx", f"{t}/real/b.witx/", f"{t}/real/b.witx/x", "/",
    ]


def test_same_as_realpath(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = tree(tmp_path)
    provider = DiskProvider()
    for p in paths:
        assert provider.canonical(p) == os.path.realpath(p), p
    monkeypatch.chdir(tmp_path / "dirlink")
    for rel in ["sub/a.witx", "../rellink/a.witx", "sub/filelink.witx", ".", "nothing/../b.witx"]:
        assert provider.canonical(rel) == os.path.realpath(rel), rel


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.isdir("/proc/self/fd"),
                    reason="asks the kernel on Linux only")
def test_existing_files_are_named_by_the_kernel(tmp_path: Path) -> None:
    paths = tree(tmp_path)
    assert vfs._opened_path(paths[1]) == os.path.realpath(paths[1])
    assert vfs._opened_path(paths[3]) == os.path.realpath(paths[3])
    assert vfs._opened_path(f"{tmp_path}/missing.witx") is None
    assert vfs._opened_path(f"{tmp_path}/dangling.witx") is None

"""DiskProvider.read returns a file's whole text, whatever its size relative to the reads it
is made in (base/vfs.py `_read_all` stops after one read when that read returned the size
`stat` gave)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from witx_lsp.base import vfs
from witx_lsp.base.vfs import DiskProvider


@pytest.mark.parametrize("size", [0, 1, 4095, 65535, 65536, 65537, 200_001])
def test_whole_file_read(size: int, tmp_path: Path) -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(size))
    path = tmp_path / "f.witx"
    path.write_text(text, encoding="utf-8")
    assert DiskProvider().read(str(path)) == text


def test_a_size_that_is_no_longer_true_reads_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "f.witx"
    path.write_bytes(b"x" * 100)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert vfs._read_all(fd, 1 << 20, 10) == b"x" * 100  # the file is bigger than `stat` said
    finally:
        os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert vfs._read_all(fd, 1 << 20, 0) == b"x" * 100  # a size of 0, as /proc's files report
    finally:
        os.close(fd)

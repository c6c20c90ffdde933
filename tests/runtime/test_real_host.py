"""Cross-check against wasmtime's real WASI host (wasmtime-wasi's preview1,
whose ABI layer wiggle generates): a WAT guest calls the real functions, and
what the host writes into guest memory is decoded by this runtime with the
layouts of the corpus preview1 witx, then checked against what Python knows.
Inputs (iovecs, subscriptions, paths) are encoded by this runtime.

The args, environ, clock and fd_write tests also run with the project's own
hand-written preview1 subset (tests/fixtures/preview1_subset.witx), so they
need no corpus; the others need the corpus preview1's file types."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, PREVIEW1, needs_corpus
from tests.runtime.wasi_guest import Guest, guest_wat, preview1, real_host
from witx_lsp.wiggle.runtime import U8, U32, BytearrayMemory, GuestPtr, PtrNotAligned, SlicePtr, StrPtr

ARGV = ["prog", "alpha", "béta"]
ENV = [("K", "V"), ("LANG_Z", "é=x")]
SANDBOX = "/sandbox"


ON_PREVIEW1 = pytest.param(PREVIEW1, marks=needs_corpus, id="preview1")
# the tests that use file, directory and poll types only the full preview1 declares
FULL_PREVIEW1 = pytest.mark.parametrize("doc", [ON_PREVIEW1], indirect=True)


@pytest.fixture(scope="module", params=[ON_PREVIEW1, pytest.param(FIXTURES / "preview1_subset.witx", id="own-subset")])
def doc(request: pytest.FixtureRequest) -> Any:
    return preview1(str(request.param))


@pytest.fixture(scope="module")
def wat(doc: Any) -> str:
    return guest_wat(doc)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "hello.txt").write_bytes(b"hello, world\n")
    (root / "sub").mkdir()
    (root / "données.bin").write_bytes(bytes(range(200)))
    return root


@pytest.fixture
def guest(wat: str, doc: Any, tree: Path, tmp_path: Path) -> Iterator[Guest]:
    def configure(wasi: Any) -> None:
        wasi.argv = ARGV
        wasi.env = ENV
        wasi.preopen_dir(str(tree), SANDBOX)
        wasi.stdout_file = str(tmp_path / "stdout.txt")

    with real_host(wat, doc, configure) as g:
        yield g


def errno(g: Guest, name: str) -> int:
    return g.types.named("errno").to_tag(name)  # type: ignore[attr-defined, no-any-return]


@FULL_PREVIEW1
def test_fd_prestat_get_and_dir_name(guest: Guest) -> None:
    assert guest.call("fd_prestat_get", 3, 8) == 0
    case, payload = guest.ptr("prestat", 8).read()
    assert case == "dir" and payload.pr_name_len == len(SANDBOX)
    assert guest.get(9, 3) == b"\0\0\0"  # the padding after the u8 tag is left untouched
    assert guest.call("fd_prestat_dir_name", 3, 64, len(SANDBOX)) == 0
    s = StrPtr(guest.mem, 64, len(SANDBOX)).as_str()
    assert s is not None and str(s) == SANDBOX
    s.release()
    assert guest.call("fd_prestat_dir_name", 3, 64, len(SANDBOX) - 1) == errno(guest, "nametoolong")
    assert guest.call("fd_prestat_get", 4, 8) == errno(guest, "badf")


@FULL_PREVIEW1
def test_fd_fdstat_get(guest: Guest) -> None:
    assert guest.call("fd_fdstat_get", 3, 16) == 0
    st = guest.ptr("fdstat", 16).read()
    assert st.fs_filetype == "directory" and st.fs_flags == frozenset()
    assert {"path_open", "fd_readdir", "path_filestat_get"} <= st.fs_rights_base
    assert guest.call("fd_fdstat_get", 1, 16) == 0
    assert guest.ptr("fdstat", 16).read().fs_filetype in ("regular_file", "character_device", "unknown")


def _open(guest: Guest, name: str, fd_out: int = 200) -> int:
    data = name.encode()
    guest.put(100, data)
    rights = guest.types.named("rights")
    base = rights.to_bits({"fd_read", "fd_filestat_get", "fd_seek"})  # type: ignore[attr-defined]
    assert guest.call("path_open", 3, 0, 100, len(data), 0, base, 0, 0, fd_out) == 0
    return guest.u32(fd_out)


@FULL_PREVIEW1
def test_fd_filestat_get(guest: Guest, tree: Path) -> None:
    assert guest.call("fd_filestat_get", 3, 1024) == 0
    st = guest.ptr("filestat", 1024).read()
    host = os.stat(tree)
    assert st.filetype == "directory" and st.size == host.st_size and st.mtim == host.st_mtime_ns
    for name in ("hello.txt", "données.bin"):
        fd = _open(guest, name)
        assert guest.call("fd_filestat_get", fd, 1024) == 0
        st = guest.ptr("filestat", 1024).read()
        host = os.stat(tree / name)
        assert (st.filetype, st.size, st.nlink) == ("regular_file", host.st_size, host.st_nlink)
        assert st.mtim == host.st_mtime_ns and abs(st.ctim - host.st_ctime_ns) < 10**9
        assert guest.get(1024 + 17, 7) == bytes(7)  # padding after the u8 filetype untouched


@FULL_PREVIEW1
def test_fd_readdir(guest: Guest, tree: Path) -> None:
    buf, size = 4096, 2048
    assert guest.call("fd_readdir", 3, buf, size, 0, 64) == 0
    used = guest.u32(64)
    assert 0 < used < size
    dirent = guest.types.named("dirent")
    scratch = BytearrayMemory(64)
    names = {}
    at = buf
    while at + dirent.size <= buf + used:
        # dirents are packed back to back, so most are not 8-aligned: decode each from an aligned copy
        scratch.data[0:dirent.size] = guest.get(at, dirent.size)
        with pytest.raises(PtrNotAligned) if at % 8 else nullcontext():
            guest.ptr("dirent", at).read()
        d = GuestPtr(scratch, 0, dirent).read()
        name = SlicePtr(guest.mem, at + dirent.size, d.d_namlen, U8).to_bytes().decode()
        names[name] = d
        at += dirent.size + d.d_namlen
    assert set(names) == {".", "..", *os.listdir(tree)}
    assert names["sub"].d_type == "directory" and names["hello.txt"].d_type == "regular_file"
    cookies = [d.d_next for d in names.values()]
    assert sorted(cookies) == list(range(1, len(names) + 1))


def _strings(guest: Guest, ptrs_at: int, count: int) -> list[bytes]:
    ptrs = GuestPtr(guest.mem, ptrs_at, guest.types.named("size")).cast(U32).as_array(count)
    out = []
    for p in ptrs.iter():
        start = p.read()
        end = guest.get(start, 256).index(b"\0")
        out.append(guest.get(start, end))
    return out


def test_args(guest: Guest) -> None:
    assert guest.call("args_sizes_get", 0, 4) == 0
    argc, size = guest.u32(0), guest.u32(4)
    assert argc == len(ARGV) and size == sum(len(a.encode()) + 1 for a in ARGV)
    assert guest.call("args_get", 16, 1024) == 0
    assert _strings(guest, 16, argc) == [a.encode() for a in ARGV]
    assert guest.get(1024, size) == b"".join(a.encode() + b"\0" for a in ARGV)


def test_environ(guest: Guest) -> None:
    assert guest.call("environ_sizes_get", 0, 4) == 0
    count = guest.u32(0)
    assert count == len(ENV)
    assert guest.call("environ_get", 16, 1024) == 0
    assert _strings(guest, 16, count) == [f"{k}={v}".encode() for k, v in ENV]


def test_clock_time_get(guest: Guest) -> None:
    clockid = guest.types.named("clockid")
    before = time.time_ns()
    assert guest.call("clock_time_get", clockid.to_tag("realtime"), 1, 8) == 0  # type: ignore[attr-defined]
    after = time.time_ns()
    now = guest.ptr("timestamp", 8).read()
    assert before - 10**9 <= now <= after + 10**9
    assert guest.call("clock_time_get", clockid.to_tag("monotonic"), 1, 16) == 0  # type: ignore[attr-defined]
    assert guest.call("clock_time_get", clockid.to_tag("monotonic"), 1, 24) == 0  # type: ignore[attr-defined]
    assert guest.ptr("timestamp", 24).read() >= guest.ptr("timestamp", 16).read()


@FULL_PREVIEW1
def test_poll_oneoff_with_clock_subscriptions(guest: Guest) -> None:
    subs = [
        {"userdata": 11, "u": ("clock", {"id": "monotonic", "timeout": 1_000_000, "precision": 0,
                                         "flags": frozenset()})},
        {"userdata": 0xFFFF_FFFF_FFFF_FFF0, "u": ("clock", {"id": "realtime", "timeout": 0, "precision": 0,
                                                            "flags": frozenset()})},
    ]
    sub = guest.types.named("subscription")
    base = GuestPtr(guest.mem, 256, sub)
    for i, s in enumerate(subs):
        base.add(i).write(s)
    assert guest.call("poll_oneoff", 256, 1024, len(subs), 64) == 0
    n = guest.u32(64)
    assert 1 <= n <= 2
    events = [e.read() for e in GuestPtr(guest.mem, 1024, guest.types.named("event")).as_array(n).iter()]
    assert {e.userdata for e in events} <= {11, 0xFFFF_FFFF_FFFF_FFF0}
    for e in events:
        assert (e.error, e.type) == ("success", "clock")


def test_fd_write_consumes_iovecs_encoded_here(guest: Guest, tmp_path: Path) -> None:
    text = b"hello, wasi\n"
    guest.put(512, text)
    ciovec = guest.types.named("ciovec")
    iovs = GuestPtr(guest.mem, 0, ciovec)
    iovs.write({"buf": GuestPtr(guest.mem, 512, U8), "buf_len": 7})
    iovs.add(1).write({"buf": GuestPtr(guest.mem, 519, U8), "buf_len": 5})
    assert guest.get(0, 16).hex() == "00020000070000000702000005000000"
    assert guest.call("fd_write", 1, 0, 2, 16) == 0
    assert guest.u32(16) == 7  # a short write: the first iovec only
    assert guest.call("fd_write", 1, 8, 1, 16) == 0 and guest.u32(16) == 5
    assert guest.call("fd_write", 99, 0, 2, 16) == errno(guest, "badf")
    guest.store.close()
    assert (tmp_path / "stdout.txt").read_bytes() == text


@FULL_PREVIEW1
def test_fd_read_fills_iovecs_encoded_here(guest: Guest) -> None:
    fd = _open(guest, "hello.txt")
    iovec = guest.types.named("iovec")
    arr = GuestPtr(guest.mem, 0, iovec).as_array(2)
    arr.as_ptr().write({"buf": GuestPtr(guest.mem, 300, U8), "buf_len": 5})
    arr.as_ptr().add(1).write({"buf": GuestPtr(guest.mem, 400, U8), "buf_len": 50})
    total = b""
    for _ in range(4):
        assert guest.call("fd_read", fd, 0, 2, 16) == 0
        n = guest.u32(16)
        first = min(n, 5)
        total += guest.get(300, first) + guest.get(400, n - first)
        if n == 0:
            break
    assert total == b"hello, world\n"


@FULL_PREVIEW1
def test_traps_carry_wiggles_messages(guest: Guest) -> None:
    from wasmtime import WasmtimeError

    cases = [
        (("args_sizes_get", 65535, 0),
         "In func wasi_snapshot_preview1::args_sizes_get at write size: Pointer out of bounds: "
         "Region { start: 65535, len: 4 }"),
        (("clock_time_get", 7, 0, 8),
         "In func wasi_snapshot_preview1::clock_time_get at convert Clockid: Invalid enum value Clockid"),
        (("fd_filestat_get", 3, 4),
         "In func wasi_snapshot_preview1::fd_filestat_get at write filestat: Pointer not aligned to 8: "
         "Region { start: 4, len: 8 }"),
        (("fd_prestat_get", 3, 1),
         "In func wasi_snapshot_preview1::fd_prestat_get at write prestat: Pointer not aligned to 4: "
         "Region { start: 5, len: 4 }"),
    ]
    for (name, *args), message in cases:
        with pytest.raises(WasmtimeError) as e:
            guest.call(str(name), *(int(a) for a in args))
        assert message in str(e.value)

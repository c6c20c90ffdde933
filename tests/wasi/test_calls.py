"""Scripts of raw preview1 calls (the WAT guest forwarding to every import)
run on wasmtime's own WASI host and on witx_lsp.wasi, each in a fresh copy of
the same tree: after every call the same errno, the same bytes in the output
area of guest memory, and the same tree at the end. Covers what the C programs
reach only indirectly: readdir cookies and small buffers, fdstat flags, times,
renumbering, stdin, poll with several subscriptions, the unimplemented calls."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from tests.runtime.wasi_guest import Guest, guest_wat, own_host, preview1, real_host
from tests.wasi.harness import snapshot
from witx_lsp.wasi import WasiConfig, WasiHost

pytestmark = needs_corpus

OUT = 4096  # output area compared after every call
OUT_LEN = 1024
STR = 8192


class S(bytes):
    """A string argument: placed at STR.., passed as (pointer, length)."""


def tree(root: Path) -> None:
    (root / "a.txt").write_bytes(b"alpha\n" * 10)
    (root / "dir").mkdir()
    for i in range(6):
        (root / "dir" / f"entry-{i}.txt").write_bytes(b"x" * i)
    os.symlink("a.txt", root / "link")


def iov(at: int, ptr: int, n: int) -> tuple[int, bytes]:
    return at, ptr.to_bytes(4, "little") + n.to_bytes(4, "little")


def sub_clock(userdata: int, clock: int, timeout: int, flags: int) -> bytes:
    # subscription: userdata u64, tag u8 @8, subscription_clock @16: id u32, timeout u64 @8, precision u64, flags u16
    return (userdata.to_bytes(8, "little") + bytes([0]) + bytes(7) + clock.to_bytes(4, "little") + bytes(4)
            + timeout.to_bytes(8, "little") + bytes(8) + flags.to_bytes(2, "little") + bytes(6))


def sub_fd(userdata: int, tag: int, fd: int) -> bytes:
    return userdata.to_bytes(8, "little") + bytes([tag]) + bytes(7) + fd.to_bytes(4, "little") + bytes(28)


# memory set up before the script; the script: (function, args)
SETUP = [iov(512, 600, 16), iov(520, 700, 0), iov(528, 610, 4), (800, b"NEW DATA"), iov(540, 800, 8),
         (1024, sub_fd(8, 1, 4) + sub_fd(9, 2, 1) + sub_fd(10, 1, 5)),
         (1200, sub_clock(1, 1, 0, 1) + sub_fd(2, 2, 1) + sub_clock(3, 0, 5_000_000, 0)),
         (1400, sub_fd(3, 1, 3))]
SCRIPTS: dict[str, list[tuple[str, tuple[Any, ...]]]] = {
    "readdir": [
        ("path_open", (3, 0, S(b"dir"), 2, 1 << 14 | 2, 0, 0, OUT)),  # directory, fd_readdir|fd_read
        ("fd_readdir", (4, OUT + 8, 1000, 0, OUT + 4)),
        ("fd_readdir", (4, OUT + 8, 50, 0, OUT + 4)),  # cut in the middle of a name
        ("fd_readdir", (4, OUT + 8, 10, 0, OUT + 4)),  # cut in the middle of a dirent
        ("fd_readdir", (4, OUT + 8, 1000, 3, OUT + 4)),  # from a cookie
        ("fd_readdir", (4, OUT + 8, 1000, 99, OUT + 4)),  # past the end
        ("fd_readdir", (3, OUT + 8, 0, 0, OUT + 4)),
        ("fd_readdir", (0, OUT + 8, 100, 0, OUT + 4)),
        ("fd_readdir", (9, OUT + 8, 100, 0, OUT + 4)),
    ],
    "fdstat and flags": [
        ("fd_fdstat_get", (0, OUT)), ("fd_fdstat_get", (1, OUT + 32)), ("fd_fdstat_get", (3, OUT + 64)),
        ("path_open", (3, 1, S(b"a.txt"), 0, 1 << 6 | 2, 0, 1, OUT + 100)),  # fd_read|fd_write, append
        ("fd_fdstat_get", (4, OUT + 128)),
        ("fd_fdstat_set_flags", (4, 4)),  # nonblock
        ("fd_fdstat_get", (4, OUT + 160)),
        ("fd_fdstat_set_flags", (4, 8)),  # rsync: inval
        ("fd_fdstat_set_flags", (3, 0)), ("fd_fdstat_set_flags", (1, 0)),
        ("fd_fdstat_set_rights", (4, 0, 0)), ("fd_fdstat_set_rights", (1, 0, 0)), ("fd_fdstat_set_rights", (9, 0, 0)),
        ("fd_write", (4, 540, 1, OUT + 200)),
        ("fd_tell", (4, OUT + 208)),
        ("fd_seek", (4, -3, 2, OUT + 216)), ("fd_seek", (4, 2, 1, OUT + 224)), ("fd_seek", (4, -99, 1, OUT + 232)),
        ("fd_seek", (1, 0, 0, OUT + 240)), ("fd_seek", (3, 0, 0, OUT + 240)),
        ("fd_read", (4, 512, 1, OUT + 248)),
        ("fd_pread", (4, 512, 1, 3, OUT + 256)), ("fd_pread", (0, 512, 1, 0, OUT + 256)),
        ("fd_pwrite", (4, 540, 1, 2, OUT + 264)), ("fd_pwrite", (1, 540, 1, 0, OUT + 264)),
        ("fd_read", (4, 520, 1, OUT + 272)),  # a single empty iovec
        ("fd_advise", (4, 0, 10, 1)), ("fd_advise", (3, 0, 10, 1)),
        ("fd_allocate", (4, 0, 10)), ("fd_allocate", (1, 0, 10)),
        ("fd_datasync", (4,)), ("fd_sync", (4,)), ("fd_sync", (3,)),
        ("fd_filestat_set_size", (4, 3)), ("fd_filestat_set_size", (3, 3)),
        ("fd_filestat_get", (4, OUT + 304)), ("fd_filestat_get", (1, OUT + 400)),
        ("fd_renumber", (4, 7)), ("fd_fdstat_get", (7, OUT + 504)), ("fd_close", (4,)), ("fd_renumber", (9, 3)),
        ("path_open", (3, 1, S(b"a.txt"), 0, 2, 0, 0, OUT + 540)),  # takes the freed number
        ("fd_close", (7,)), ("fd_close", (7,)),
    ],
    "times": [
        ("path_filestat_set_times", (3, 0, S(b"a.txt"), 1_000_000_123, 2_000_000_456, 0b0101)),
        ("path_filestat_get", (3, 0, S(b"a.txt"), OUT)),
        ("path_filestat_set_times", (3, 0, S(b"a.txt"), 5, 5, 0b0011)),  # atim and atim_now: inval
        ("path_open", (3, 1, S(b"a.txt"), 0, 2, 0, 0, OUT + 100)),
        ("fd_filestat_set_times", (4, 3_000_000_000, 4_000_000_000, 0b0101)),
        ("fd_filestat_get", (4, OUT + 200)),
        ("fd_filestat_set_times", (1, 0, 0, 0)),
        ("path_filestat_set_times", (3, 1, S(b"link"), 7_000_000_000, 8_000_000_000, 0b0101)),
        ("path_filestat_get", (3, 1, S(b"link"), OUT + 304)),
    ],
    "stdin and poll": [
        ("fd_read", (0, 512, 1, OUT)), ("fd_read", (0, 528, 1, OUT + 8)), ("fd_read", (0, 512, 1, OUT + 16)),
        ("path_open", (3, 1, S(b"a.txt"), 0, 2, 0, 0, OUT + 24)),
        ("path_open", (3, 1, S(b"empty"), 1, 2, 0, 0, OUT + 28)),
        # (which of several fds wasmtime reports at once depends on its background reads: one at a time)
        ("poll_oneoff", (1024, OUT + 104, 1, OUT + 96)),  # fd_read(file)
        ("poll_oneoff", (1024 + 96, OUT + 136, 1, OUT + 100)),  # fd_read(empty file): hangup
        ("poll_oneoff", (1024 + 48, OUT + 168, 1, OUT + 128)),  # fd_write(stdout)
        ("poll_oneoff", (1200, OUT + 304, 3, OUT + 296)),  # an expired clock beside a ready stdout: not reported
        ("poll_oneoff", (1200, OUT + 304, 1, OUT + 296)),  # the expired clock alone
        ("poll_oneoff", (1200 + 96, OUT + 504, 1, OUT + 496)),  # one relative clock: sleeps
        ("poll_oneoff", (1400, OUT + 600, 1, OUT + 596)),  # fd_read on a directory: badf
        ("poll_oneoff", (1024, OUT + 600, 0, OUT + 596)),  # nothing: inval
        ("sched_yield", ()), ("proc_raise", (2,)),
        ("sock_accept", (3, 0, OUT + 700)), ("sock_accept", (9, 0, OUT + 700)),
        ("sock_shutdown", (1, 1)), ("sock_send", (1, 540, 1, 0, OUT + 700)),
        ("fd_close", (0,)), ("fd_read", (0, 512, 1, OUT + 710)), ("fd_prestat_get", (0, OUT + 720)),
        ("fd_prestat_dir_name", (0, OUT + 730, 10)), ("fd_prestat_dir_name", (9, OUT + 730, 10)),
    ],
}


def encode(g: Guest, args: tuple[Any, ...]) -> list[int]:
    out: list[int] = []
    at = STR
    for a in args:
        if isinstance(a, S):
            g.put(at, bytes(a))
            out += [at, len(a)]
            at += len(a) + 8
        else:
            out.append(a)
    return out


def run(host: str, script: str, base: Path) -> tuple[list[Any], dict[str, Any]]:
    doc = preview1(str(PREVIEW1))
    root = base / "sandbox"
    root.mkdir(parents=True)
    tree(root)
    stdin = base / "stdin"
    stdin.write_bytes(b"from stdin: 0123456789abcdef")
    wat = guest_wat(doc)
    ctx: Any
    if host == "wasmtime":
        def configure(w: Any) -> None:
            w.preopen_dir(str(root), "/sandbox")
            w.stdin_file = str(stdin)
            w.stdout_file = str(base / "stdout")
        ctx = real_host(wat, doc, configure)
        fds: list[int] = []
    else:
        fds = [os.open(stdin, os.O_RDONLY), os.open(base / "stdout", os.O_WRONLY | os.O_CREAT)]
        ctx = own_host(wat, doc, WasiHost(WasiConfig(preopens=[(str(root), "/sandbox")], stdin=fds[0],
                                                     stdout=fds[1]), doc))
    steps = []
    masked: list[tuple[int, int]] = []
    try:
        with ctx as g:
            for at, data in SETUP:
                g.put(at, data)
            for func, args in SCRIPTS[script]:
                errno = g.call(func, *encode(g, args))
                if errno == 0:
                    masked += masks(func, args, g, script)
                out = bytearray(g.get(OUT, OUT_LEN))
                for at, n in masked:
                    out[at - OUT:at - OUT + n] = bytes(n)
                steps.append((func, args, errno, bytes(out)))
    finally:
        for fd in fds:
            os.close(fd)
    return steps, snapshot(root)


def masks(func: str, args: tuple[Any, ...], g: Guest, script: str) -> list[tuple[int, int]]:
    """Regions that differ by design: inode numbers (wasmtime reports a hash of the
    host's dev and ino) and times the hosts' clocks set (status change always; access
    and modification unless the script set them)."""
    if func in ("fd_filestat_get", "path_filestat_get"):
        p = args[-1]
        return [(p + 8, 8), (p + 56, 8)] + ([] if script == "times" else [(p + 40, 16)])
    if func == "fd_readdir":
        out, at, end = [], args[1], args[1] + g.u32(args[-1])
        while at + 24 <= end:
            out.append((at + 8, 8))
            at += 24 + int.from_bytes(g.get(at + 16, 4), "little")
        return out
    return []


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_script_same_as_wasmtime(script: str, tmp_path: Path) -> None:
    real, real_tree = run("wasmtime", script, tmp_path / "wasmtime")
    ours, our_tree = run("python", script, tmp_path / "python")
    assert {e for _, _, e, _ in real} != {0}, "the script should reach some errors"
    for r, o in zip(real, ours, strict=True):
        assert o == r
    assert our_tree == real_tree


@pytest.mark.parametrize("status", [0, 3, 125, 126, 200])
def test_proc_exit_same_as_wasmtime(status: int, tmp_path: Path) -> None:
    """Exit statuses below 126 end the guest with that status; 126 and above trap."""
    from wasmtime import ExitTrap

    from witx_lsp.wasi import ProcExit
    outcomes = []
    for host in ("wasmtime", "python"):
        doc = preview1(str(PREVIEW1))
        wat = guest_wat(doc)
        ctx = (real_host(wat, doc, lambda w: None) if host == "wasmtime"
               else own_host(wat, doc, WasiHost(WasiConfig(), doc)))
        with ctx as g:
            try:
                g.call("proc_exit", status)
                outcomes.append(("returned",))
            except (ExitTrap, ProcExit) as e:
                outcomes.append(("exit", e.code))
            except Exception as e:
                outcomes.append(("trap", "exit with invalid exit status outside of [0..126)" in str(e)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0] == (("exit", status) if status < 126 else ("trap", True))

"""Escape attempts against a preopened directory, each made with raw preview1
calls (a WAT guest forwarding to every import) once on wasmtime's own WASI
host and once on witx_lsp.wasi, in fresh copies of the same tree: the same
errno (and the same fd, link text or stat), the same tree left behind, and the
directory beside the sandbox untouched on both."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from tests.runtime.wasi_guest import Guest, guest_wat, own_host, preview1, real_host
from tests.wasi.harness import snapshot
from witx_lsp.wasi import WasiConfig, WasiHost

pytestmark = needs_corpus

OUT = 64  # out-pointer slot (fd, size, ...)
BUF = 256  # readlink / filestat buffer
STRINGS = 1024  # where path strings are placed


class S(str):
    """A path argument: placed in guest memory, passed as (pointer, length)."""


def tree(root: Path, outside: Path) -> None:
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(b"secret\n")
    (root / "file.txt").write_bytes(b"inside\n")
    (root / "sub" / "deeper").mkdir(parents=True)
    links = {
        "link_out": "../outside/secret.txt", "link_abs": str(outside / "secret.txt"), "link_dir_out": "../outside",
        "chain1": "chain2", "chain2": "sub/../chain3", "chain3": "../outside/secret.txt",
        "loop1": "loop2", "loop2": "loop1", "self": "self", "link_in": "sub", "sub/up": "..", "sub/upup": "../..",
        "sub/deeper/ok": "../../file.txt", "link_root": ".", "dangling": "nowhere",
    }
    for name, target in links.items():
        os.symlink(target, root / name)


def bits(doc: Any, type_name: str, *names: str) -> int:
    from witx_lsp.wiggle.runtime import TypeSpace
    return TypeSpace(doc).named(type_name).to_bits(set(names))  # type: ignore[attr-defined, no-any-return]


DOC = preview1(str(PREVIEW1)) if PREVIEW1.is_file() else None
F = 1  # lookupflags symlink_follow
if DOC is not None:
    CREAT, DIRECTORY, EXCL, TRUNC = (bits(DOC, "oflags", n) for n in ("creat", "directory", "excl", "trunc"))
    R, RW = bits(DOC, "rights", "fd_read"), bits(DOC, "rights", "fd_read", "fd_write")
else:
    CREAT = DIRECTORY = EXCL = TRUNC = R = RW = 0


def open_(path: str, follow: int = F, oflags: int = 0, rights: int = R) -> tuple[str, tuple[Any, ...]]:
    return "path_open", (3, follow, S(path), oflags, rights, 0, 0, OUT)


ATTEMPTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "dotdot": open_(".."),
    "dotdot file": open_("../outside/secret.txt"),
    "absolute": open_("/etc/passwd"),
    "absolute sandbox name": open_("/sandbox/file.txt"),
    "down and out": open_("sub/../../outside/secret.txt"),
    "deep dotdot": open_("sub/deeper/../../../outside/secret.txt"),
    "symlink out": open_("link_out"),
    "symlink out nofollow": open_("link_out", follow=0),
    "symlink absolute": open_("link_abs"),
    "symlink dir out": open_("link_dir_out/secret.txt"),
    "symlink dir out nofollow": open_("link_dir_out/secret.txt", follow=0),
    "symlink chain": open_("chain1"),
    "symlink to dotdot-dotdot": open_("sub/upup/outside/secret.txt"),
    "symlink loop": open_("loop1"),
    "symlink self": open_("self"),
    "symlink loop as dir": open_("loop1/x"),
    "symlink dangling": open_("dangling"),
    "create through dotdot": open_("../outside/new.txt", oflags=CREAT, rights=RW),
    "create through link": open_("link_dir_out/new.txt", oflags=CREAT, rights=RW),
    "truncate through link": open_("link_out", oflags=TRUNC, rights=RW),
    "create over dangling link": open_("dangling", oflags=CREAT, rights=RW),
    "inside via link": open_("link_in/../file.txt"),
    "inside via up": open_("sub/up/file.txt"),
    "inside via chained relative": open_("sub/deeper/ok"),
    "root itself": open_("."),
    "root via link": open_("link_root/file.txt"),
    "empty path": open_(""),
    "trailing slash dir": open_("sub/"),
    "trailing slash file": open_("file.txt/"),
    "file then dotdot": open_("file.txt/.."),
    "directory flag on file": open_("file.txt", oflags=DIRECTORY),
    "directory with creat": open_("sub", oflags=DIRECTORY | CREAT),
    "excl existing": open_("file.txt", oflags=CREAT | EXCL, rights=RW),
    "dir for writing": open_("sub", rights=RW),
    "mkdir dotdot": ("path_create_directory", (3, S("../outside/newdir"))),
    "mkdir through link": ("path_create_directory", (3, S("link_dir_out/newdir"))),
    "mkdir absolute": ("path_create_directory", (3, S("/tmp/x"))),
    "rmdir through link": ("path_remove_directory", (3, S("link_dir_out/dir"))),
    "rmdir dotdot": ("path_remove_directory", (3, S("../outside/dir"))),
    "unlink through link": ("path_unlink_file", (3, S("link_dir_out/secret.txt"))),
    "unlink dotdot": ("path_unlink_file", (3, S("../outside/secret.txt"))),
    "unlink the link itself": ("path_unlink_file", (3, S("link_out"))),
    "rename out": ("path_rename", (3, S("file.txt"), 3, S("../outside/stolen.txt"))),
    "rename in": ("path_rename", (3, S("link_dir_out/secret.txt"), 3, S("got.txt"))),
    "rename into link dir": ("path_rename", (3, S("file.txt"), 3, S("link_dir_out/x"))),
    "symlink absolute target": ("path_symlink", (S("/etc/passwd"), 3, S("new_abs"))),
    "symlink escaping target": ("path_symlink", (S("../outside"), 3, S("new_rel"))),
    "symlink created outside": ("path_symlink", (S("file.txt"), 3, S("../outside/planted"))),
    "hard link following a link out": ("path_link", (3, F, S("link_out"), 3, S("hard"))),
    "hard link of the link": ("path_link", (3, 0, S("link_out"), 3, S("hard2"))),
    "hard link out": ("path_link", (3, 0, S("file.txt"), 3, S("../outside/hard"))),
    "stat out": ("path_filestat_get", (3, F, S("link_out"), BUF)),
    "stat link itself": ("path_filestat_get", (3, 0, S("link_out"), BUF)),
    "stat dotdot": ("path_filestat_get", (3, 0, S(".."), BUF)),
    "stat loop": ("path_filestat_get", (3, F, S("loop1"), BUF)),
    "set times out": ("path_filestat_set_times", (3, F, S("link_out"), 0, 0, 0b1010)),
    "readlink out": ("path_readlink", (3, S("link_out"), BUF, 64, OUT)),
    "readlink through link dir": ("path_readlink", (3, S("link_dir_out/x"), BUF, 64, OUT)),
    "readlink short": ("path_readlink", (3, S("link_abs"), BUF, 5, OUT)),
    "readlink non-link": ("path_readlink", (3, S("file.txt"), BUF, 64, OUT)),
    "bad dir fd": ("path_open", (9, F, S("file.txt"), 0, R, 0, 0, OUT)),
    "stdio as dir fd": ("path_open", (1, F, S("file.txt"), 0, R, 0, 0, OUT)),
    "nul in path": open_("file.txt\0x"),
}


def encode(g: Guest, args: tuple[Any, ...]) -> list[int]:
    out: list[int] = []
    at = STRINGS
    for a in args:
        if isinstance(a, S):
            data = a.encode()
            g.put(at, data)
            out += [at, len(data)]
            at += len(data) + 16
        else:
            out.append(a)
    return out


def attempt(host: str, name: str, base: Path) -> tuple[Any, ...]:
    root, outside = base / "sandbox", base / "outside"
    root.mkdir(parents=True)
    tree(root, outside)
    before = snapshot(outside)
    func, args = ATTEMPTS[name]
    assert DOC is not None
    wat = guest_wat(DOC)
    if host == "wasmtime":
        def configure(wasi: Any) -> None:
            wasi.preopen_dir(str(root), "/sandbox")
        ctx: Any = real_host(wat, DOC, configure)
    else:
        ctx = own_host(wat, DOC, WasiHost(WasiConfig(preopens=[(str(root), "/sandbox")]), DOC))
    with ctx as g:
        errno = g.call(func, *encode(g, args))
        if errno != 0:
            detail: Any = None
        elif func == "path_readlink":
            detail = g.get(BUF, g.u32(OUT))
        elif func == "path_filestat_get":
            st = g.ptr("filestat", BUF).read()
            detail = (st.filetype, st.size)
        else:
            detail = g.u32(OUT)
    assert snapshot(outside) == before, f"{host}: {name} touched the directory beside the sandbox"
    left = {k: (v[0], v[1].replace(str(base), "BASE")) if v[0] == "symlink" else v for k, v in snapshot(root).items()}
    return errno, detail, left


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_escape_attempt_same_as_wasmtime(name: str, tmp_path: Path) -> None:
    real = attempt("wasmtime", name, tmp_path / "wasmtime")
    ours = attempt("python", name, tmp_path / "python")
    assert ours == real


def test_escapes_are_refused(tmp_path: Path) -> None:
    """The attempts that aim outside are all refused on both hosts (not merely equal)."""
    assert DOC is not None
    allowed = {"symlink escaping target", "symlink dangling", "readlink out", "unlink the link itself",
               "hard link of the link", "stat link itself", "symlink out nofollow"}
    refused = [n for n in ATTEMPTS if n not in allowed and ("out" in n.split() or "dotdot" in n.split()
                                                             or "absolute" in n.split() or n.startswith("symlink "))]
    assert len(refused) > 25
    for name in refused:
        errno, _, _ = attempt("python", name, tmp_path / name.replace(" ", "_"))
        assert errno != 0, name


def _race(root: Path, outside: Path, stop: threading.Event) -> None:
    """Swap `root/race` between a directory holding secret.txt and a symlink to the outside."""
    inner = root / "race_dir"
    while not stop.is_set():
        try:
            os.rename(inner, root / "race")
            time.sleep(0.0002)
            os.rename(root / "race", inner)
            os.symlink("../outside", root / "race_tmp")
            os.rename(root / "race_tmp", root / "race")
            time.sleep(0.0002)
            os.unlink(root / "race")
        except OSError:
            pass


@pytest.mark.parametrize("host", ["wasmtime", "python"])
def test_race_symlink_swap(host: str, tmp_path: Path) -> None:
    """While another thread swaps a directory with a symlink pointing out, the
    guest opens race/secret.txt again and again: it only ever reads the inside copy."""
    assert DOC is not None
    root, outside = tmp_path / "sandbox", tmp_path / "outside"
    root.mkdir()
    tree(root, outside)
    (root / "race_dir").mkdir()
    (root / "race_dir" / "secret.txt").write_bytes(b"inside!\n")
    before = snapshot(outside)
    wat = guest_wat(DOC)
    ctx: Callable[[], Any]
    if host == "wasmtime":
        ctx = lambda: real_host(wat, DOC, lambda w: w.preopen_dir(str(root), "/sandbox"))  # noqa: E731
    else:
        ctx = lambda: own_host(wat, DOC, WasiHost(WasiConfig(preopens=[(str(root), "/sandbox")]), DOC))  # noqa: E731
    stop = threading.Event()
    racer = threading.Thread(target=_race, args=(root, outside, stop))
    racer.start()
    opened = 0
    try:
        with ctx() as g:
            args = encode(g, (3, F, S("race/secret.txt"), 0, R, 0, 0, OUT))
            g.put(512, (600).to_bytes(4, "little") + (64).to_bytes(4, "little"))  # one iovec: 64 bytes at 600
            for _ in range(400):
                if g.call("path_open", *args) != 0:
                    continue
                fd = g.u32(OUT)
                assert g.call("fd_read", fd, 512, 1, OUT) == 0
                assert g.get(600, g.u32(OUT)) == b"inside!\n"
                assert g.call("fd_close", fd) == 0
                opened += 1
    finally:
        stop.set()
        racer.join()
    print(f"{host}: opened {opened} of 400")
    assert snapshot(outside) == before
    assert opened > 0  # the race was run: some opens found the directory


COMPONENTS = ["..", ".", "", "sub", "deeper", "up", "upup", "file.txt", "link_out", "link_dir_out", "link_in",
              "link_root", "chain1", "loop1", "self", "dangling", "secret.txt", "outside", "link_abs"]


def random_paths(n: int, seed: int = 15) -> list[tuple[str, int]]:
    import random
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        path = "/".join(rng.choice(COMPONENTS) for _ in range(rng.randint(1, 6)))
        out.append((path, rng.randint(0, 1)))
    return out


def walk_all(host: str, base: Path, paths: list[tuple[str, int]]) -> list[tuple[int, ...]]:
    root, outside = base / "sandbox", base / "outside"
    root.mkdir(parents=True)
    tree(root, outside)
    before = snapshot(outside)
    assert DOC is not None
    wat = guest_wat(DOC)
    ctx: Any
    if host == "wasmtime":
        ctx = real_host(wat, DOC, lambda w: w.preopen_dir(str(root), "/sandbox"))
    else:
        ctx = own_host(wat, DOC, WasiHost(WasiConfig(preopens=[(str(root), "/sandbox")]), DOC))
    results = []
    with ctx as g:
        for path, follow in paths:
            args = encode(g, (3, follow, S(path), 0, R, 0, 0, OUT))
            opened = g.call("path_open", *args)
            if opened == 0:
                assert g.call("fd_close", g.u32(OUT)) == 0
            stat = g.call("path_filestat_get", *encode(g, (3, follow, S(path), BUF)))
            kind = g.get(BUF + 16, 1)[0] if stat == 0 else None
            results.append((opened, stat, kind))
    assert snapshot(outside) == before
    return results


def test_random_paths_same_as_wasmtime(tmp_path: Path) -> None:
    """400 random paths built from `..`, `.`, empty components, and links in, out, round and absolute:
    path_open and path_filestat_get answer as wasmtime's host does, and nothing outside is reached."""
    paths = random_paths(400)
    real = walk_all("wasmtime", tmp_path / "wasmtime", paths)
    ours = walk_all("python", tmp_path / "python", paths)
    assert len({r[0] for r in real}) >= 4  # successes and several errnos
    assert [(p, o) for p, o, r in zip(paths, ours, real, strict=True) if o != r] == []

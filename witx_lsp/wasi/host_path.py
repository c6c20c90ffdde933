"""The path_* functions and fd_readdir of the preview1 host. Every path goes
through `sandbox.resolve_path` (openat-style, no-follow walk under the
directory fd); the option handling of `path_open` follows wasmtime's
(crates/wasi/src/preview1.rs `path_open`, crates/wasi/src/p2/host/filesystem.rs
`open_at`: cap-std `OpenOptions` with `maybe_dir`)."""

from __future__ import annotations

import os
import stat
from contextlib import AbstractContextManager

from witx_lsp.wasi.fdtable import Directory, File
from witx_lsp.wasi.host_base import HostBase, R, WasiError, guarded, guest_str
from witx_lsp.wasi.host_fd import filestat, filetype, new_times
from witx_lsp.wasi.sandbox import Resolved, resolved
from witx_lsp.wiggle.runtime import Err, GuestPtr, Ok, StrPtr


def _open_flags(oflags: frozenset[str], read: bool, write: bool, follow: bool) -> tuple[int, bool, bool]:
    """The host open flags, and whether the host fd is readable and writable
    (what fd_fdstat_get reports: wasmtime reads the access mode back from the OS)."""
    flags = os.O_CLOEXEC
    if not write:
        read = True  # "if not opened write, open read: this way the OS lets us open the file"
    if "creat" in oflags:
        flags |= os.O_CREAT | (os.O_EXCL if "excl" in oflags else 0)
        write = True
    if "trunc" in oflags:
        flags |= os.O_TRUNC
        write = True
    flags |= os.O_RDWR if read and write else os.O_WRONLY if write else os.O_RDONLY
    if "directory" in oflags:
        flags |= os.O_DIRECTORY
    if not follow:
        flags |= os.O_NOFOLLOW
    return flags, read, write


def _dirent(d_next: int, d_ino: int, name: bytes, d_type: str, types: dict[str, int]) -> bytes:
    return (d_next.to_bytes(8, "little") + d_ino.to_bytes(8, "little") + len(name).to_bytes(4, "little")
            + bytes([types[d_type]]) + b"\0\0\0")


class PathHost(HostBase):
    filetype_tags: dict[str, int]

    def _under_dir(self, fd: int, path: StrPtr, follow: bool) -> AbstractContextManager[Resolved]:
        """The guest's `path` under the directory `fd` (`sandbox.resolved`)."""
        return resolved(self.dir_fd(fd).host_fd, guest_str(path), follow)

    @guarded
    def path_open(self, fd: int, dirflags: frozenset[str], path: StrPtr, oflags: frozenset[str],
                  fs_rights_base: frozenset[str], fs_rights_inheriting: frozenset[str],
                  fdflags: frozenset[str]) -> R:
        name = guest_str(path)
        desc = self.descriptor(fd)
        if type(desc) is File:
            return Err("notdir")
        if type(desc) is not Directory:
            return Err("badf")
        if fdflags & {"sync", "dsync", "rsync"}:
            return Err("notsup")  # "these flags are not yet supported in cap-std"
        if "directory" in oflags and oflags & {"creat", "excl", "trunc"}:
            return Err("inval")
        read, write = "fd_read" in fs_rights_base, "fd_write" in fs_rights_base
        follow = "symlink_follow" in dirflags
        flags, read, write = _open_flags(oflags, read, write, follow)
        with resolved(desc.host_fd, name, follow) as r:
            if r.must_be_dir:
                flags |= os.O_DIRECTORY
            try:
                host = os.open(r.name, flags, 0o666, dir_fd=r.dir_fd)
            except NotADirectoryError:
                if not follow and stat.S_ISLNK(os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False).st_mode):
                    return Err("loop")  # O_NOFOLLOW on a symlink is `loop` in cap-std, even with O_DIRECTORY
                raise
        try:
            is_dir = stat.S_ISDIR(os.fstat(host).st_mode)
        except OSError:
            os.close(host)
            raise
        new = (Directory(host, None, read, write) if is_dir else
               File(host, read, write, append="append" in fdflags, nonblock="nonblock" in fdflags))
        return Ok(self.table.push(new))

    @guarded
    def path_filestat_get(self, fd: int, flags: frozenset[str], path: StrPtr) -> R:
        with self._under_dir(fd, path, "symlink_follow" in flags) as r:
            st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
        if r.must_be_dir and not stat.S_ISDIR(st.st_mode):
            return Err("notdir")
        return Ok(filestat(st))

    @guarded
    def path_filestat_set_times(self, fd: int, flags: frozenset[str], path: StrPtr, atim: int, mtim: int,
                                fst_flags: frozenset[str]) -> R:
        new_times(atim, mtim, fst_flags, None)
        with self._under_dir(fd, path, "symlink_follow" in flags) as r:
            st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
            os.utime(r.name, ns=new_times(atim, mtim, fst_flags, st), dir_fd=r.dir_fd, follow_symlinks=False)
        return Ok(None)

    @guarded
    def path_create_directory(self, fd: int, path: StrPtr) -> R:
        with self._under_dir(fd, path, False) as r:
            os.mkdir(r.name, dir_fd=r.dir_fd)
        return Ok(None)

    @guarded
    def path_remove_directory(self, fd: int, path: StrPtr) -> R:
        with self._under_dir(fd, path, False) as r:
            os.rmdir(r.name, dir_fd=r.dir_fd)
        return Ok(None)

    @guarded
    def path_unlink_file(self, fd: int, path: StrPtr) -> R:
        with self._under_dir(fd, path, False) as r:
            if r.must_be_dir:
                st = os.stat(r.name, dir_fd=r.dir_fd, follow_symlinks=False)
                raise WasiError("isdir" if stat.S_ISDIR(st.st_mode) else "notdir")
            os.unlink(r.name, dir_fd=r.dir_fd)
        return Ok(None)

    @guarded
    def path_rename(self, fd: int, old_path: StrPtr, new_fd: int, new_path: StrPtr) -> R:
        src, dst = self.dir_fd(fd), self.dir_fd(new_fd)
        old, new = guest_str(old_path), guest_str(new_path)
        with resolved(src.host_fd, old, False) as a, resolved(dst.host_fd, new, False) as b:
            os.rename(a.name, b.name, src_dir_fd=a.dir_fd, dst_dir_fd=b.dir_fd)
        return Ok(None)

    @guarded
    def path_link(self, old_fd: int, old_flags: frozenset[str], old_path: StrPtr, new_fd: int,
                  new_path: StrPtr) -> R:
        src, dst = self.dir_fd(old_fd), self.dir_fd(new_fd)
        old, new = guest_str(old_path), guest_str(new_path)
        if "symlink_follow" in old_flags:
            return Err("inval")  # wasi:filesystem link-at cannot follow a symlink (cap-std has no such call)
        with resolved(src.host_fd, old, False) as a, resolved(dst.host_fd, new, False) as b:
            os.link(a.name, b.name, src_dir_fd=a.dir_fd, dst_dir_fd=b.dir_fd, follow_symlinks=False)
        return Ok(None)

    @guarded
    def path_symlink(self, old_path: StrPtr, fd: int, new_path: StrPtr) -> R:
        d = self.dir_fd(fd)
        target, new = guest_str(old_path), guest_str(new_path)
        if target.startswith("/"):
            return Err("perm")  # cap-std refuses absolute symlink targets (they would escape)
        with resolved(d.host_fd, new, False) as r:
            os.symlink(target, r.name, dir_fd=r.dir_fd)
        return Ok(None)

    @guarded
    def path_readlink(self, fd: int, path: StrPtr, buf: GuestPtr[int], buf_len: int) -> R:
        with self._under_dir(fd, path, False) as r:
            text = os.readlink(r.name, dir_fd=r.dir_fd)
        if text.startswith("/"):
            return Err("perm")  # cap-std's read_link refuses an absolute target (it would lead outside)
        target = os.fsencode(text)[:buf_len]
        if target:
            buf.as_array(len(target)).copy_from_slice(target)
        return Ok(len(target))

    @guarded
    def fd_readdir(self, fd: int, buf: GuestPtr[int], buf_len: int, cookie: int) -> R:
        d = self.dir_fd(fd)
        here = os.fstat(d.host_fd)
        tags = self.filetype_tags
        entries = [_dirent(1, here.st_ino, b".", "directory", tags) + b".",
                   _dirent(2, here.st_ino, b"..", "directory", tags) + b".."]
        with os.scandir(d.host_fd) as it:
            for n, e in enumerate(it, start=3):
                name = os.fsencode(e.name)
                st = e.stat(follow_symlinks=False)
                entries.append(_dirent(n, st.st_ino, name, filetype(st.st_mode), tags) + name)
        # entries from the cookie on, the last one cut at the buffer's end (wasmtime writes a truncated dirent)
        out = b"".join(entries[cookie:])[:buf_len] if cookie < len(entries) else b""
        if out:
            buf.as_array(len(out)).copy_from_slice(out)
        return Ok(len(out))



"""Host OS errors as WASI errno case names, the way wasmtime's preview1 host
reports them: the OS error becomes a wasi:filesystem `error-code`
(wasmtime crates/wasi/src/p2/filesystem.rs, `From<std::io::Error>`), which
preview1 maps case for case onto `errno` (crates/wasi/src/preview1.rs,
`From<filesystem::ErrorCode> for types::Errno`). Errors that have no
error-code become `io`."""

from __future__ import annotations

import errno as _e

# The OS errors wasi:filesystem distinguishes, and the errno case each ends at.
_MAP: dict[int, str] = {
    _e.EPERM: "perm", _e.EACCES: "acces", _e.EAGAIN: "again", _e.EALREADY: "already",
    _e.EBADF: "badf", _e.EBUSY: "busy", _e.EDEADLK: "deadlk", _e.EDQUOT: "dquot", _e.EEXIST: "exist",
    _e.EFBIG: "fbig", _e.EILSEQ: "ilseq", _e.EINPROGRESS: "inprogress", _e.EINTR: "intr",
    _e.EINVAL: "inval", _e.EIO: "io", _e.EISDIR: "isdir", _e.ELOOP: "loop", _e.EMLINK: "mlink",
    _e.EMSGSIZE: "msgsize", _e.ENAMETOOLONG: "nametoolong", _e.ENODEV: "nodev", _e.ENOENT: "noent",
    _e.ENOLCK: "nolck", _e.ENOMEM: "nomem", _e.ENOSPC: "nospc", _e.ENOTSUP: "notsup",
    _e.ENOTDIR: "notdir", _e.ENOTEMPTY: "notempty", _e.ENOTRECOVERABLE: "notrecoverable",
    _e.ENOTTY: "notty", _e.ENXIO: "nxio", _e.EOVERFLOW: "overflow", _e.EPIPE: "pipe",
    _e.EROFS: "rofs", _e.ESPIPE: "spipe", _e.ETXTBSY: "txtbsy", _e.EXDEV: "xdev",
}


def errno_name(err: OSError) -> str:
    """The errno case (witx name, without `$`) for a host OS error."""
    return _MAP.get(err.errno or 0, "io")

"""A persistent cache of the code that attrs, cattrs and dataclasses generate at run time
(and of the forward references typing compiles).

lsprotocol defines ~570 attrs classes, and attrs writes and compiles their methods
on every import: on a 2-core VM that is ~0.3 s of a ~1 s cold start. cattrs does the
same for each (un)structure hook on its first use, and dataclasses (the model's
~120 classes) for each generated method; typing compiles each string annotation it
meets (~300 of lsprotocol's, ~3 ms). The generated sources are the
same from one start to the next, so their code objects are kept on disk, keyed by a
hash of everything `compile` receives; a miss compiles as before, so a stale or
foreign entry can never be used. Set WITX_LSP_CODE_CACHE to a file path to move the
cache, or to `off` to disable it.
"""

from __future__ import annotations
import __future__ as future_flags

import hashlib
import importlib.util
import logging
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

log = logging.getLogger(__name__)

ENV = "WITX_LSP_CODE_CACHE"
# The modules whose `compile` calls, and those whose `exec(source_text, ...)` calls, are
# served from the cache.
COMPILING_MODULES = ("attr._make", "cattrs.gen", "cattrs.gen.typeddicts", "typing")
EXECUTING_MODULES = ("dataclasses",)
MAX_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 20_000
# attrs writes a per-process random hash constant into the __hash__ of frozen classes, so a
# few misses happen on every start: they alone are not worth rewriting the file.
MIN_NEW_ENTRIES = 8
_HEADER = b"witx-lsp code cache 1\n" + importlib.util.MAGIC_NUMBER


def default_path() -> Path | None:
    """Where the cache lives: $WITX_LSP_CODE_CACHE, else the platform's user cache directory.
    None when disabled, or when there is no home directory to put it in."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "false", "no") else Path(configured)
    root = user_cache_dir()
    return root / f"code-{sys.implementation.cache_tag}.bin" if root is not None else None


def user_cache_dir() -> Path | None:
    """witx-lsp's directory in the platform's user cache directory (not created here);
    None when there is no home directory to put it in."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
            root = Path(base) if base else Path.home() / "AppData" / "Local"
        elif sys.platform == "darwin":
            root = Path.home() / "Library" / "Caches"
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            root = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no HOME and no password entry
        return None
    return root / "witx-lsp"


class CodeCache:
    """Code objects by the hash of their compile arguments, loaded from and saved to `path`."""

    def __init__(self, path: Path, min_new_entries: int = MIN_NEW_ENTRIES) -> None:
        self.path = path
        self.min_new_entries = min_new_entries
        self.entries: dict[bytes, CodeType] = {}
        self.used: set[bytes] = set()
        self.hits = 0
        self.misses = 0
        self._saved_misses = 0

    def load(self) -> None:
        """Read the file if it is a regular file of sane size holding this interpreter's
        bytecode; anything else leaves the cache empty."""
        try:
            st = os.stat(self.path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                return
            problem = untrusted(self.path, st) or untrusted(self.path.parent, os.stat(self.path.parent))
            if problem is not None:  # its code would run in this process: refuse it
                log.warning("code cache %s not loaded: %s", self.path, problem)
                return
            with open(self.path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
            if not data.startswith(_HEADER):
                return
            entries = marshal.loads(data[len(_HEADER):])
        except (OSError, ValueError, EOFError, TypeError) as e:
            log.debug("code cache %s not loaded: %s", self.path, e)
            return
        if isinstance(entries, dict):
            self.entries = {k: v for k, v in entries.items() if isinstance(k, bytes) and isinstance(v, CodeType)}

    def compile(self, source: Any, filename: Any, mode: str, flags: int = 0, optimize: int = -1) -> Any:
        """`compile` with the caller's future flags already in `flags` (see `install`): nothing
        is inherited from this frame."""
        if not (isinstance(source, str) and isinstance(filename, str)):
            return compile(source, filename, mode, flags, True, optimize)
        key = hashlib.blake2b(f"{mode}\0{flags}\0{optimize}\0{filename}\0{source}".encode("utf-8", "surrogatepass"),
                              digest_size=20).digest()
        code = self.entries.get(key)
        if code is None:
            code = compile(source, filename, mode, flags, True, optimize)
            self.entries[key] = code
            self.misses += 1
        else:
            self.hits += 1
        self.used.add(key)
        return code

    def save(self) -> bool:
        """Write the cache when this process compiled enough new code. Returns whether it wrote."""
        log.info("code cache %s: %d hits, %d misses", self.path, self.hits, self.misses)
        if self.misses - self._saved_misses < self.min_new_entries:
            return False
        entries = self.entries
        if len(entries) > MAX_ENTRIES:  # versions came and went: keep what this process used
            entries = {k: v for k, v in entries.items() if k in self.used}
        data = _HEADER + marshal.dumps(entries)
        if len(data) > MAX_BYTES:
            return False
        import tempfile  # (here: the start needs it nowhere else, ~3 ms)

        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # mkstemp files are 0600
            fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as e:
            log.debug("code cache %s not saved: %s", self.path, e)
            return False
        self._saved_misses = self.misses
        return True


def untrusted(path: Path, st: os.stat_result) -> str | None:
    """Why a cache file (or its directory) must not be loaded: another user owns it or
    can write it (POSIX; marshal data is code)."""
    if not hasattr(os, "getuid"):
        return None
    if st.st_uid != os.getuid():
        return f"{path} belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not (stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX):
        return f"{path} can be written by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def future_flags_of(module: ModuleType) -> int:
    """The compiler flags of the `from __future__` imports in `module`, which its own
    `compile` calls inherit."""
    flags = 0
    namespace = vars(module)
    for name in future_flags.all_feature_names:
        feature = getattr(future_flags, name)
        if name in namespace and namespace[name] is feature:
            flags |= int(feature.compiler_flag)
    return flags


def install(path: Path | None = None) -> CodeCache | None:
    """Serve the `compile` calls of COMPILING_MODULES and the `exec` calls of
    EXECUTING_MODULES from the cache at `path` (default: `default_path()`). Call before
    lsprotocol and the model are imported. None when disabled."""
    path = path if path is not None else default_path()
    if path is None:
        return None
    cache = CodeCache(path)
    cache.load()
    for name in (*COMPILING_MODULES, *EXECUTING_MODULES):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        # A module global shadows the builtin for that module's code only.
        if name in COMPILING_MODULES:
            module.compile = _compile_for(cache, future_flags_of(module))  # type: ignore[attr-defined]
        else:
            module.exec = _exec_for(cache, future_flags_of(module))  # type: ignore[attr-defined]
    return cache


def _compile_for(cache: CodeCache, module_flags: int) -> Any:
    def compile_in_module(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                          optimize: int = -1) -> Any:
        return cache.compile(source, filename, mode, flags | (0 if dont_inherit else module_flags),
                             optimize=optimize)

    compile_in_module.code_cache = cache  # type: ignore[attr-defined]
    return compile_in_module


def _exec_for(cache: CodeCache, module_flags: int) -> Any:
    def exec_in_module(source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if globals is None:  # the caller's namespaces, as the builtin would use
            frame = sys._getframe(1)
            globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
        if isinstance(source, str):
            source = cache.compile(source, "<string>", "exec", module_flags)
        exec(source, globals, locals)

    exec_in_module.code_cache = cache  # type: ignore[attr-defined]
    return exec_in_module

"""The workspace index of a server: which `.witx` files the host knows besides the open
documents. The files under the workspace folders are added once, after `initialized`
(with work-done progress when the client takes it); the files beside an opened document
are added when it opens. Until the first index is done, diagnostics and workspace-wide
answers wait (`wait`): before it a file's includers are unknown, and a file judged on its
own reports every name its includer defines as unknown. `contains` is the trust rule for
files read from disk: only those under a workspace folder, after symlinks."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

from lsprotocol import types

from witx_lsp.server import convert

if TYPE_CHECKING:
    from witx_lsp.server.app import WitxServer

log = logging.getLogger("witx_lsp.server")

MAX_INDEXED_FILES = 5000
MAX_NEIGHBOURS = 200  # .witx files read beside an opened file (`add_neighbours`)
SKIP_DIRS = {"node_modules", "target", "__pycache__", ".git"}


class WorkspaceIndex:
    def __init__(self, server: WitxServer) -> None:
        self._server = server
        self._done: asyncio.Event | None = None  # set once the workspace folders are indexed
        self._scanned_dirs: set[str] = set()

    def roots(self) -> list[str]:
        """The workspace folders (else the root path) that exist."""
        workspace = self._server.workspace
        roots = []
        for folder in (workspace.folders or {}).values():
            p = convert.uri_to_path(folder.uri)
            if os.path.isdir(p):
                roots.append(p)
        if not roots and workspace.root_path and os.path.isdir(workspace.root_path):
            roots.append(workspace.root_path)
        return roots

    def contains(self, path: str, roots: list[str] | None = None) -> bool:
        """Whether a canonical path is under a workspace folder (after symlinks)."""
        for root in roots if roots is not None else self.roots():
            top = self._server.host.canonical(root)
            if path == top or path.startswith(top.rstrip(os.sep) + os.sep):
                return True
        return False

    def files(self) -> list[str]:
        """The `.witx` files under the workspace folders (hidden and build directories skipped;
        no symlink out of the workspace), at most MAX_INDEXED_FILES."""
        roots = self.roots()
        found: list[str] = []
        for root in roots:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
                for name in sorted(filenames):
                    if name.endswith(".witx") and self.contains(
                            self._server.host.canonical(os.path.join(dirpath, name)), roots):
                        found.append(os.path.join(dirpath, name))
                        if len(found) >= MAX_INDEXED_FILES:
                            return found
        return found

    def add_neighbours(self, path: str) -> None:
        """Add the `.witx` files beside an opened file (once per directory): its includers
        are usually there, also when the client names no workspace folder (a file opened
        outside any project), so it is never judged on its own when one of them uses it."""
        directory = os.path.dirname(path)
        if directory in self._scanned_dirs:
            return
        self._scanned_dirs.add(directory)
        try:
            names = sorted(n for n in os.listdir(directory) if n.endswith(".witx"))[:MAX_NEIGHBOURS]
        except OSError:
            return
        host = self._server.host
        fresh = [p for p in (os.path.join(directory, n) for n in names)
                 if host.canonical(p) not in host.known and os.path.isfile(p)]
        host.add_files(fresh)

    def done(self) -> asyncio.Event:
        if self._done is None:
            self._done = asyncio.Event()
        return self._done

    async def wait(self, timeout: float = 30) -> None:
        """Wait for the first index (bounded, in case it never ran)."""
        try:
            await asyncio.wait_for(self.done().wait(), timeout)
        except asyncio.TimeoutError:
            log.warning("workspace indexing did not finish in %s s; answering with what is known", timeout)

    async def run(self) -> None:
        """Index the workspace folders (once, after `initialized`)."""
        try:
            await self._index()
        finally:
            self.done().set()

    async def _index(self) -> None:
        server = self._server
        files = self.files()
        token: str | None = None
        if server.client_flag("window", "work_done_progress", default=False):
            token = "witx-index"
            try:
                await server.work_done_progress.create_async(token)
                server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                    title="Indexing witx files", percentage=0, cancellable=False))
            except Exception:  # a client may refuse progress; indexing goes on
                log.warning("work done progress refused", exc_info=True)
                token = None
        for i, path in enumerate(files):
            server.host.add_files([path])
            if token is not None and (i % 20 == 0 or i == len(files) - 1):
                server.work_done_progress.report(token, types.WorkDoneProgressReport(
                    message=f"{i + 1}/{len(files)} files", percentage=int(100 * (i + 1) / max(1, len(files)))))
            if i % 20 == 0:
                await asyncio.sleep(0)
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{len(files)} witx files"))

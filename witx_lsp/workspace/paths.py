"""Canonical paths, resolved once per file instead of on every keystroke.

`os.path.realpath` costs a `lstat` per path component. An editor session asks for
the same few paths all the time (each request and publication names its document by
URI; every open document is looked at to find the ones an edit affects; every load
resolves each `(use ...)`), so the host keeps the answers for the files it knows:
workspace files and open documents. A path it does not know (a request for a file
outside the workspace, a `use` of a missing file) is resolved every time, so the trust
check of a file nobody opened always sees the file system as it is now.

The answers can only change when the file system does: the host forgets them all when
a file is created, deleted or changed on disk (watched-file events, or a changed stamp
seen by `refresh_from_disk`).
"""

from __future__ import annotations

from collections.abc import Callable, Container

from witx_lsp.base.vfs import DiskProvider


class CachingDiskProvider(DiskProvider):
    """A `DiskProvider` whose `canonical` remembers the paths of known files."""

    def __init__(self, known: Container[str]) -> None:
        super().__init__()
        self._known = known
        self._canonical: dict[str, str] = {}

    def canonical(self, path: str) -> str:
        hit = self._canonical.get(path)
        if hit is not None:
            return hit
        resolved = super().canonical(path)
        if resolved in self._known:
            self._canonical[path] = resolved
        return resolved

    def forget_paths(self) -> None:
        self._canonical.clear()


class UriPaths:
    """URI -> canonical path, with the URI's conversion (`uri_to_path`, the server's: it
    knows the client's URI forms) done once per known file."""

    def __init__(self, provider: CachingDiskProvider, uri_to_path: Callable[[str], str],
                 known: Container[str]) -> None:
        self._provider = provider
        self._uri_to_path = uri_to_path
        self._known = known
        self._paths: dict[str, str] = {}

    def path_of(self, uri: str) -> str:
        hit = self._paths.get(uri)
        if hit is not None:
            return hit
        path = self._provider.canonical(self._uri_to_path(uri))
        if path in self._known:
            self._paths[uri] = path
        return path

    def forget(self) -> None:
        self._paths.clear()

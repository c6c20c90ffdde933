"""The analysis host of an editor session: which files exist, which text is
unsaved, and in whose context each file is analysed.

A file that another workspace file `use`s is analysed in its includer's context
(as `witx-lsp check` does); a file no other file uses is a root and is analysed
on its own. Analyses are cached per root and dropped when any file they read
changes; the analyses of the other roots stay.

Paths given to the host are canonicalised by it (`canonical`); paths it returns are
canonical.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from witx_lsp.base.vfs import ReadFailure
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis, SourceFile, analyze, cyclic_gc_paused
from witx_lsp.model.incremental import ValidationCheckpoints
from witx_lsp.model.load import ParseCache, use_targets
from witx_lsp.workspace.diagnostics import SessionDiagnostics
from witx_lsp.workspace.disk_stamps import DiskStamps
from witx_lsp.workspace.paths import CachingDiskProvider, UriPaths

CYCLES_BUDGET = 500
RELEASE_BACKLOG = 64


def _no_uris(uri: str) -> str:
    raise ValueError(f"this analysis host converts no URIs: {uri}")


class AnalysisHost:
    """`uri_to_path`: the client's URIs as file-system paths (the server's conversion);
    `frozen_heap`: whether the process keeps a frozen heap (model/analysis.py
    `cyclic_gc_paused`; the server freezes its own at start-up)."""

    def __init__(self, uri_to_path: Callable[[str], str] = _no_uris, frozen_heap: bool = False) -> None:
        self.known: set[str] = set()  # canonical paths of workspace .witx files and open documents
        self.provider = CachingDiskProvider(self.known)
        self.uris = UriPaths(self.provider, uri_to_path, self.known)
        self.frozen_heap = frozen_heap
        self._frozen = 0  # analyses whose objects joined the frozen heap since its cycles were collected
        self._released: list[object] = []  # replaced by edits, not yet freed (`release`)
        self.uses: dict[str, tuple[str, ...]] = {}  # file -> files it uses (canonical), from its own text
        self._analyses: dict[str, Analysis] = {}  # root -> analysis
        self._users: dict[str, set[str]] | None = None  # file -> files that use it (derived from `uses`)
        self.cache = ParseCache()
        self.checkpoints = ValidationCheckpoints()  # validator states between files (model/incremental.py)
        self.stamps = DiskStamps()  # of the files analyses read from disk (disk_stamps.py)
        self.diagnostics = SessionDiagnostics()  # of the analyses, under the session's settings

    def collect_cycles(self) -> None:
        """Collect the cyclic garbage of a frozen heap (`frozen_heap`: the analyses' objects join
        it, model/analysis.py `cyclic_gc_paused`), when the session is idle: it walks the heap.
        Also done after CYCLES_BUDGET analyses without one, so that a session that is never
        idle still frees the cycles other code made meanwhile."""
        self._frozen = 0
        if self.frozen_heap:
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def _froze(self) -> None:
        if self.frozen_heap:
            self._frozen += 1
            if self._frozen >= CYCLES_BUDGET:
                self.collect_cycles()

    # --- inputs ------------------------------------------------------------------------------

    def canonical(self, path: str) -> str:
        return self.provider.canonical(path)

    def path_of_uri(self, uri: str) -> str:
        """The canonical path of a document the client names by `uri`."""
        return self.uris.path_of(uri)

    def forget_paths(self) -> None:
        """Resolve every path again (a file was created, deleted or changed on disk: a
        symlink may now point elsewhere)."""
        self.provider.forget_paths()
        self.uris.forget()

    def add_files(self, paths: Iterable[str]) -> None:
        for p in paths:
            c = self.canonical(p)
            if c not in self.known:
                self.forget_paths()  # a new file: a `use` that named it may resolve differently now
            self.known.add(c)
            self._index(c)

    def remove_file(self, path: str) -> set[str]:
        c = self.canonical(path)
        self.forget_paths()
        self.known.discard(c)
        self.uses.pop(c, None)
        self._users = None
        return self.overlay_close(c) | self._invalidate(c)

    def set_text(self, path: str, text: str) -> set[str]:
        """Unsaved editor text of a file (it overrides the disk)."""
        c = self.canonical(path)
        self.known.add(c)
        self.provider.overlay[c] = text
        self._index(c)
        return self._invalidate(c)

    def overlay_close(self, path: str) -> set[str]:
        c = self.canonical(path)
        if self.provider.overlay.pop(c, None) is None:
            return set()
        self._index(c)
        return self._invalidate(c)

    def file_changed_on_disk(self, path: str) -> set[str]:
        self.forget_paths()
        c = self.canonical(path)
        if c in self.provider.overlay:
            return set()  # the editor's text wins over the disk
        self._index(c)
        return self._invalidate(c)

    def _index(self, path: str) -> None:
        text = self.provider.read(path)
        if isinstance(text, ReadFailure):
            self.uses[path] = ()
            return
        self._replaced(self.cache.peek(path))
        with cyclic_gc_paused(self.frozen_heap):
            _, lowered = self.cache.get(path, text)  # what the next load reads from the cache
        self._froze()
        uses = use_targets(path, lowered, self.provider)
        if self.uses.get(path) != uses:
            self.uses[path] = uses
            self._users = None

    def _reading(self, path: str) -> list[str]:
        """The roots of the cached analyses that read `path`, or tried to `use` it (it may
        have been missing until now)."""
        return [r for r, a in self._analyses.items()
                if r == path or path in a.files or any(path in f.uses for f in a.files.values())]

    def readers_of(self, path: str) -> set[str]:
        """The files whose diagnostics an edit of `path` may change, as far as the cached
        analyses know (what `set_text` will return), without reading the edit."""
        c = self.canonical(path)
        return {c}.union(*(self._analyses[r].files for r in self._reading(c)))

    def _invalidate(self, path: str) -> set[str]:
        """Drop the analyses that read `path`; the files they covered (and `path`)
        are the ones whose diagnostics may change."""
        affected = {path}
        for root in self._reading(path):
            gone = self._analyses.pop(root)
            affected.update(gone.files)
            self._replaced(gone)
        return affected

    def _replaced(self, old: object) -> None:
        """Keep what an edit replaced until `release` (at most RELEASE_BACKLOG things)."""
        if old is not None:
            self._released.append(old)
            if len(self._released) > RELEASE_BACKLOG:
                self.release()

    def release(self) -> None:
        """Free what edits replaced: old analyses, trees and lowered files, tens of thousands of
        objects each (2-3 ms on compute-at-edge). The server calls it while the next edit's
        debounce runs, so that it is not part of the time to the diagnostics."""
        self._released.clear()

    # --- queries -----------------------------------------------------------------------------

    def roots_of(self, path: str) -> list[str]:
        """The root files whose loads reach `path` (itself when nothing uses it)."""
        c = self.canonical(path)
        if self._users is None:
            self._users = {}
            for f, used in self.uses.items():
                for u in used:
                    self._users.setdefault(u, set()).add(f)
        users = self._users
        seen = {c}
        todo = [c]
        roots = []
        while todo:
            f = todo.pop()
            parents = [p for p in users.get(f, ()) if p in self.known]
            if not parents:
                roots.append(f)
            for p in parents:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        if not roots:  # everything is in a cycle: the file itself is the root
            roots = [c]
        return sorted(roots)

    def analysis_for(self, path: str) -> Analysis:
        """The analysis in whose context `path` is checked (the first of its roots
        in sorted order whose load really reaches it)."""
        c = self.canonical(path)
        for root in self.roots_of(c):
            a = self.analysis_of_root(root)
            if c in a.files:
                return a
        return self.analysis_of_root(c)

    def analysis_of_root(self, root: str) -> Analysis:
        a = self._analyses.get(root)
        if a is None:
            a = analyze([root], self.provider, self.cache, self.checkpoints, self.frozen_heap)
            self._froze()
            self._analyses[root] = a
            self.stamps.record(self._read_from_disk(a))
        return a

    def _read_from_disk(self, a: Analysis) -> list[str]:
        """The files an analysis read from disk, and those it tried to `use` that are missing."""
        tried = {p for f in a.files.values() for p in f.uses} | set(a.files)
        return sorted(p for p in tried if p not in self.provider.overlay)

    def refresh_from_disk(self, path: str) -> set[str]:
        """Re-read the files that changed on disk since the cached analyses serving `path`
        read them (clients without file watching); the files whose diagnostics may change."""
        c = path if path in self.known else self.canonical(path)  # (the server passes canonical paths)
        paths: set[str] = set()
        for root, a in self._analyses.items():
            if root == c or c in a.files:
                paths.update(a.files)
                paths.update(p for f in a.files.values() for p in f.uses)
        affected: set[str] = set()
        for changed in self.stamps.changed(sorted(paths)):
            if changed not in self.provider.overlay:
                affected |= self.file_changed_on_disk(changed)
        return affected

    # --- navigation across roots -------------------------------------------------------------

    def analyses_reading(self, path: str) -> list[Analysis]:
        """The analyses of every root whose load reads `path`: references and
        rename of a name defined in `path` must look at all of them."""
        c = self.canonical(path)
        out = [a for a in (self.analysis_of_root(r) for r in self.roots_of(c)) if c in a.files]
        return out or [self.analysis_for(c)]

    def workspace_analyses(self) -> list[Analysis]:
        """One analysis per root of the known files, covering every known file
        (workspace symbols)."""
        used = {u for f in self.known for u in self.uses.get(f, ())}
        out: list[Analysis] = []
        covered: set[str] = set()
        for root in sorted(self.known - used):
            a = self.analysis_of_root(root)
            out.append(a)
            covered.update(a.files)
        for f in sorted(self.known - covered):  # files only reachable through a cycle
            if f not in covered:
                a = self.analysis_for(f)
                out.append(a)
                covered.update(a.files)
        return out

    def snapshot(self, path: str) -> Snapshot | None:
        """What features read about a known file: its text, in the analysis of its includer's
        context (None when the file could not be read)."""
        snap = Snapshot(path, self.analysis_for(path))
        return snap if snap.file is not None else None

    def source_file(self, path: str) -> SourceFile | None:
        """The current text and line index of a file, from a cached analysis when one read it."""
        c = self.canonical(path)
        for a in self._analyses.values():
            f = a.files.get(c)
            if f is not None:
                return f
        return self.analysis_for(c).files.get(c)

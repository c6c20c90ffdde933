"""Incremental validation: checkpoints of the validator between the files of a load.

A load validates declarations in one order: runs of declarations of one file
("segments": the declarations between two `use`s, or before the first, or after the
last). The state of the validator after a run of segments depends only on those
segments, and a segment is identified by the lowered file it comes from, which the
`ParseCache` shares between analyses for as long as the file's text does not change.

So, in an editor, the state after each segment boundary is kept, keyed by the
segments before it. The next analysis restores the longest prefix it shares with an
earlier one and validates only the rest: an edit of `wasi_snapshot_preview1.witx`
re-validates that file's declarations, not the `typenames.witx` it uses first.
Results are identical to a full validation: the state restored is the state the same
declarations would produce again (validation is deterministic, and nothing it records
is mutated once the segment that made it is done).

Within the first segment that is validated again (the edited file's, usually), the
declarations an edit did not touch are the very objects of the previous lowering
(model/lower_incremental.py). So a few more states are kept per segment start, at points
of its last version; the next analysis resumes from the last one before the first
declaration that is not the same object: typing in the middle of a file re-validates the
declarations from about the edit on, not the whole file.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from witx_lsp.model.lower import LoweredFile
from witx_lsp.model.syntax_ast import Decl, UseDecl
from witx_lsp.model.validate import Validator, ValidatorState

# (canonical path, lowered file, first declaration, end): declarations lowered.decls[first:end]
Segment = tuple[str, LoweredFile, int, int]
_Key = tuple[tuple[str, int, int, int], ...]
WITHIN_POINTS = 8


class _Within:
    """At the start of a segment (after the segments of `files`): its declarations last time,
    and the validator's states after some of them: `points`, (how many declarations, state),
    in order."""

    __slots__ = ("decls", "files", "points")

    def __init__(self, files: tuple[LoweredFile, ...], decls: list[Decl],
                 points: list[tuple[int, ValidatorState]]) -> None:
        self.files, self.decls, self.points = files, decls, points


def run(segments: Sequence[Segment], validator: Validator) -> None:
    """Validate the segments in order (no checkpoints)."""
    for path, lowered, first, end in segments:
        _validate(validator, path, lowered, first, end)


def _validate(validator: Validator, path: str, lowered: LoweredFile, first: int, end: int) -> None:
    validator.path = path
    for decl in lowered.decls[first:end]:
        if not isinstance(decl, UseDecl):
            validator.decl(decl)


class ValidationCheckpoints:
    """The validator's state after the segment prefixes of recent loads (least recently
    used goes first; an entry holds its lowered files, so their ids stay unique)."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[_Key, tuple[tuple[LoweredFile, ...], ValidatorState]] = OrderedDict()
        self._within: OrderedDict[tuple[_Key, str, int], _Within] = OrderedDict()
        self._lock = threading.Lock()
        self.restored_segments = 0  # how many segments the last `run` did not validate again
        self.restored_decls = 0  # how many declarations of the segment after those it resumed in

    def run(self, segments: Sequence[Segment], validator: Validator) -> None:
        keys: list[_Key] = []
        key: _Key = ()
        for path, lowered, first, end in segments:
            key = (*key, (path, id(lowered), first, end))
            keys.append(key)
        start = self._restore(segments, keys, validator)
        self.restored_segments = start
        self._forget_superseded({path: id(lowered) for path, lowered, _, _ in segments})
        self.restored_decls = 0
        for i in range(start, len(segments)):
            if i == start:
                self._validate_resuming(keys[i - 1] if i else (), segments, i, validator)
            else:
                _validate(validator, *segments[i])
            if i + 1 < len(segments):  # the state after the last segment is never a prefix of another load's
                self._save(keys[i], tuple(s[1] for s in segments[:i + 1]), validator.state())

    def _validate_resuming(self, before: _Key, segments: Sequence[Segment], i: int, validator: Validator) -> None:
        """Validate segment `i` (after the segments `before` names), resuming inside it: from the
        last state kept among the declarations it shares with its version the last time. States
        are kept after those it shares, and every eighth of the segment (at most WITHIN_POINTS
        copies, so that an edit here the next time resumes near it whatever came between)."""
        path, lowered, first, end = segments[i]
        decls = lowered.decls[first:end]
        files = tuple(s[1] for s in segments[:i])
        key = (before, path, first)
        with self._lock:
            hit = self._within.get(key)
        if hit is not None and not all(a is b for a, b in zip(hit.files, files, strict=True)):
            hit = None
        shared = 0
        if hit is not None:
            limit = min(len(decls), len(hit.decls))
            while shared < limit and decls[shared] is hit.decls[shared]:
                shared += 1
        step = max(1, len(decls) // WITHIN_POINTS)
        kept = [p for p in hit.points if p[0] <= shared] if hit is not None else []
        points = [p for p in kept if p[0] % step == 0 or p is kept[-1]]  # (at most one other point)
        done = 0
        if points:
            done, state = points[-1]
            validator.restore(state)
        self.restored_decls = done
        validator.path = path
        for k in range(done, len(decls)):
            if k > done and (k == shared or k % step == 0):
                points.append((k, validator.state()))
            validator.decl(decls[k])
        with self._lock:
            self._within[key] = _Within(files, decls, points)
            self._within.move_to_end(key)
            while len(self._within) > self.capacity:
                self._within.popitem(last=False)

    def _restore(self, segments: Sequence[Segment], keys: list[_Key], validator: Validator) -> int:
        with self._lock:
            for i in range(len(keys) - 1, -1, -1):
                hit = self._entries.get(keys[i])
                if hit is None:
                    continue
                files, state = hit
                if all(a is b for a, b in zip(files, (s[1] for s in segments[:i + 1]), strict=True)):
                    self._entries.move_to_end(keys[i])
                    validator.restore(state)
                    return i + 1
        return 0

    def _forget_superseded(self, current: dict[str, int]) -> None:
        """Drop the checkpoints made from an earlier text of a file this load read (an
        editor's previous keystrokes): they can no longer match, and they hold old trees."""
        with self._lock:
            stale = [key for key in self._entries
                     if any(path in current and current[path] != ident for path, ident, _, _ in key)]
            for key in stale:
                del self._entries[key]
            gone = [key for key in self._within
                    if any(path in current and current[path] != ident for path, ident, _, _ in key[0])]
            for w in gone:
                del self._within[w]

    def _save(self, key: _Key, files: tuple[LoweredFile, ...], state: ValidatorState) -> None:
        with self._lock:
            self._entries[key] = (files, state)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

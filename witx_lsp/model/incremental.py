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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from witx_lsp.model.lower import LoweredFile
from witx_lsp.model.syntax_ast import UseDecl
from witx_lsp.model.validate import Validator, ValidatorState

# (canonical path, lowered file, first declaration, end): declarations lowered.decls[first:end]
Segment = tuple[str, LoweredFile, int, int]
_Key = tuple[tuple[str, int, int, int], ...]


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
        self._lock = threading.Lock()
        self.restored_segments = 0  # how many segments the last `run` did not validate again

    def run(self, segments: Sequence[Segment], validator: Validator) -> None:
        keys: list[_Key] = []
        key: _Key = ()
        for path, lowered, first, end in segments:
            key = (*key, (path, id(lowered), first, end))
            keys.append(key)
        start = self._restore(segments, keys, validator)
        self.restored_segments = start
        self._forget_superseded({path: id(lowered) for path, lowered, _, _ in segments})
        for i in range(start, len(segments)):
            _validate(validator, *segments[i])
            if i + 1 < len(segments):  # the state after the last segment is never a prefix of another load's
                self._save(keys[i], tuple(s[1] for s in segments[:i + 1]), validator.state())

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

    def _save(self, key: _Key, files: tuple[LoweredFile, ...], state: ValidatorState) -> None:
        with self._lock:
            self._entries[key] = (files, state)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

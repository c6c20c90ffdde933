"""Loading: parse each file at most once, follow `(use "path")` depth-first at the
point of use (relative to the including file), and validate every declaration in
that order in one namespace (WebAssembly/WASI tools/witx/src/toplevel.rs,
witx 0.9.1). Iterative, so a long include chain cannot overflow the stack.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MAX_FILE_BYTES, ReadFailure, SourceProvider, within_limit
from witx_lsp.model.analysis_result import Analysis, SourceFile
from witx_lsp.model.incremental import Segment, ValidationCheckpoints
from witx_lsp.model.incremental import run as run_segments
from witx_lsp.model.lower import LoweredFile, lower
from witx_lsp.model.lower_fast import lower_text
from witx_lsp.model.lower_incremental import lower_edit
from witx_lsp.model.symbols import SymbolIndex
from witx_lsp.model.syntax_ast import UseDecl
from witx_lsp.model.validate import Validator
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import SourceTree


class ParseCache:
    """Parsed and lowered files by (path, text), for an editor session that
    re-analyses after every keystroke: files that did not change are not parsed
    again, and the new text of a file is lowered from the last of its texts that had a
    fast lowering (its base), kept while the texts after it go through the tree path
    (model/lower_incremental.py: the declarations whose text did not change are reused, and
    only the declarations around an edit are read again, by the tree lowering where needed).
    Trees and lowered files are never mutated after creation, so sharing
    them between analyses is safe. Bounded: one text per path (an edit replaces
    the tree of the text before it) and its base, at most `capacity` files and `max_chars`
    characters of source in all (least recently used goes first)."""

    def __init__(self, capacity: int = 256, max_chars: int = 16 * 1024 * 1024) -> None:
        self.capacity = capacity
        self.max_chars = max_chars
        self._entries: OrderedDict[str, tuple[str, SourceTree, LoweredFile]] = OrderedDict()
        self._bases: dict[str, tuple[str, LoweredFile]] = {}  # the last fast lowering of each path
        self._chars = 0  # of the texts of the entries and of the bases

    def get(self, path: str, text: str) -> tuple[SourceTree, LoweredFile]:
        hit = self._entries.get(path)
        if hit is not None and hit[0] == text:
            self._entries.move_to_end(path)
            return hit[1], hit[2]
        base = self._bases.get(path)
        self.discard(path)
        got = lower_edit(base[0], base[1], text, path) if base is not None else _fast(text, path)
        tree, lowered = _with_tree(text, path, None if got is None else got[0])
        if got is not None and got[1]:
            base = (text, lowered)
        self._entries[path] = (text, tree, lowered)
        self._chars += len(text)
        if base is not None:
            self._bases[path] = base
            self._chars += len(base[0])
        while len(self._entries) > 1 and (len(self._entries) > self.capacity or self._chars > self.max_chars):
            self.discard(next(iter(self._entries)))
        return tree, lowered

    def peek(self, path: str) -> tuple[str, SourceTree, LoweredFile] | None:
        """The entry of `path` (its text, tree and lowered file), without using it."""
        return self._entries.get(path)

    def discard(self, path: str) -> None:
        """Forget the tree of `path` (its text is no longer wanted), and its base."""
        old = self._entries.pop(path, None)
        if old is not None:
            self._chars -= len(old[0])
        base = self._bases.pop(path, None)
        if base is not None:
            self._chars -= len(base[0])


def _fast(text: str, path: str) -> tuple[LoweredFile, bool] | None:
    fast = lower_text(text, path)
    return None if fast is None else (fast, True)


def parse_and_lower(text: str, path: str) -> tuple[SourceTree, LoweredFile]:
    """The tree and the lowered declarations of a file. A well-formed file's declarations are
    read straight from its tokens, and its tree is made only if asked for (`lower_fast`)."""
    return _with_tree(text, path, lower_text(text, path))


def _with_tree(text: str, path: str, lowered: LoweredFile | None) -> tuple[SourceTree, LoweredFile]:
    """With a lowering made without the tree (the fast path's, or an edit's: a text without
    syntax errors), a deferred tree; without, the tree and its lowering."""
    if lowered is not None:
        return SourceTree.deferred(text, lambda: parse(text, path)), lowered
    tree = parse(text, path)
    return tree, lower(tree, path)


def use_targets(path: str, lowered: LoweredFile, provider: SourceProvider) -> tuple[str, ...]:
    """The canonical paths the `(use "...")` declarations of the file at canonical path `path`
    name, in order: relative to the directory of the file that uses them
    (tools/witx/src/toplevel.rs, witx 0.9.1). A provider that can resolve a name in a
    canonical directory more cheaply (`DiskProvider.canonical_child`) does so."""
    base = os.path.dirname(path)
    names = [d.path for d in lowered.decls if isinstance(d, UseDecl)]
    child = getattr(provider, "canonical_child", None)
    if child is not None:
        return tuple(child(base, name) for name in names)
    return tuple(provider.canonical(os.path.join(base, name)) for name in names)


@dataclass
class _Frame:
    path: str
    lowered: LoweredFile
    uses: tuple[str, ...]  # the canonical targets of the file's `use` forms, in order
    use_at: list[int]  # the indexes of the `use` forms among the declarations
    next_decl: int = 0
    next_use: int = 0


def load(roots: Sequence[str], provider: SourceProvider, cache: ParseCache | None = None,
         checkpoints: ValidationCheckpoints | None = None) -> Analysis:
    """Read the files in load order, then validate their declarations in that order
    (resuming from a checkpoint of an earlier load when one matches)."""
    files: dict[str, SourceFile] = {}
    segments: list[Segment] = []  # runs of declarations to validate, in order
    diagnostics: list[Diagnostic] = []
    symbols = SymbolIndex()
    validator = Validator(symbols)
    canonical_roots = tuple(provider.canonical(r) for r in roots)
    loaded: set[str] = set()

    def open_file(path: str, use_site: tuple[str, Span] | None) -> _Frame | None:
        text = provider.read(path)
        if isinstance(text, str):
            text = within_limit(text, path, getattr(provider, "max_bytes", MAX_FILE_BYTES))
        if isinstance(text, ReadFailure):
            site_path, site_span = use_site if use_site is not None else (path, Span(0, 0))
            diagnostics.append(Diagnostic(text.code, Severity.ERROR, text.message, site_path, site_span))
            return None
        tree, lowered = cache.get(path, text) if cache is not None else parse_and_lower(text, path)
        uses = use_targets(path, lowered, provider)
        files[path] = SourceFile(path, text, tree, uses, lowered.decls)
        diagnostics.extend(tree.errors)
        diagnostics.extend(lowered.diagnostics)
        return _Frame(path, lowered, uses, [i for i, d in enumerate(lowered.decls) if isinstance(d, UseDecl)])

    for root in canonical_roots:
        if root in loaded:
            continue
        loaded.add(root)
        first = open_file(root, None)
        stack = [first] if first is not None else []
        while stack:
            frame = stack[-1]
            decls = frame.lowered.decls
            # The declarations up to the next `use` (or the end) are one segment.
            stop = frame.use_at[frame.next_use] if frame.next_use < len(frame.use_at) else len(decls)
            if frame.next_decl < stop:
                if not frame.lowered.foreign:
                    segments.append((frame.path, frame.lowered, frame.next_decl, stop))
                frame.next_decl = stop
            if stop == len(decls):
                stack.pop()
                continue
            decl = decls[stop]
            assert isinstance(decl, UseDecl)
            frame.next_decl = stop + 1
            target = frame.uses[frame.next_use]  # resolved once, when the file was opened
            frame.next_use += 1
            on_stack = next((f for f in stack if f.path == target), None)
            if on_stack is not None:
                chain = " -> ".join(os.path.basename(f.path) for f in stack[stack.index(on_stack):])
                diagnostics.append(Diagnostic(
                    "E0406", Severity.ERROR, f"cyclic use: `{decl.path}` is already being loaded "
                    f"({chain} -> {os.path.basename(target)}); its declarations are not read again",
                    frame.path, decl.path_span, (Related(target, Span(0, 0), "the file that starts the cycle"),)))
                continue
            if target in loaded:
                continue  # each file is read once per load: diamonds are harmless
            loaded.add(target)
            child = open_file(target, (frame.path, decl.path_span))
            if child is not None:
                stack.append(child)
    if checkpoints is not None:
        checkpoints.run(segments, validator)
    else:
        run_segments(segments, validator)
    diagnostics.extend(validator.diagnostics)
    diagnostics.sort(key=lambda d: (d.path, d.span.start, d.span.end, d.code))
    return Analysis(canonical_roots, files, validator.document(), diagnostics, symbols)

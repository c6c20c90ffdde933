"""Formatting on the corpus: the upstream files that follow one style (WASI
preview1 at 2 spaces, fastly's compute-at-edge ABI at 4) are left exactly as they
are, through the editor's options and through `witx-lsp format`'s inference; on
every witx 0.9 file the result is idempotent, keeps every token, analyses to an
equal Document with the same diagnostics, and changes only lines that an
independent count of the nesting finds wrongly indented or spaced."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, WASI, needs_corpus
from witx_lsp.base.vfs import DiskProvider
from witx_lsp.cli.cmd_format import BASE_OPTIONS
from witx_lsp.features.format_options import FormatOptions, infer_options
from witx_lsp.features.formatting import format_document, format_text
from witx_lsp.model.analysis import analyze
from witx_lsp.syntax.scanner import tokens
from witx_lsp.syntax.tree import TokenKind

# The same selection as tests/layout/test_layout_corpus.py: the witx 0.9 files.
_NOT_09 = ("witx-0.8.8", "use-syntax-reverted", "witx-0.10", "historical", "poc_", "codegen_", "dd9182a5")
FASTLY = CORPUS / "fastly_compute-at-edge-abi" / "HEAD_b99b763e"
# The acceptance files and the indentation their authors use.
UPSTREAM = [(WASI / "preview1" / "witx" / "typenames.witx", 2),
            (WASI / "preview1" / "witx" / "wasi_snapshot_preview1.witx", 2),
            (FASTLY / "compute-at-edge.witx", 4), (FASTLY / "typenames.witx", 4)]


def corpus_09_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [p for p in sorted(CORPUS.rglob("*.witx"))
            if not any(s in str(p.relative_to(CORPUS)) for s in _NOT_09)]


def summary(path: str, overlay: dict[str, str] | None = None) -> tuple[object, list[tuple[str, str, str]]]:
    a = analyze([path], DiskProvider(overlay))
    return a.document, [(d.path, d.code, d.message) for d in a.diagnostics]


def kept_tokens(text: str) -> list[str]:
    return [re.sub(r"[ \t]+(?=\n|$)", "", text[t.start:t.end]) for t in tokens(text)]


@needs_corpus
@pytest.mark.parametrize(("path", "unit"), UPSTREAM, ids=lambda p: p.name if isinstance(p, Path) else str(p))
def test_upstream_files_are_left_alone(path: Path, unit: int) -> None:
    text = path.read_text(encoding="utf-8")
    # As an editor asks (VS Code detects the file's indentation and sends it as tabSize).
    editor = FormatOptions(tab_size=unit, trim_trailing_whitespace=True, insert_final_newline=True)
    assert format_document(text, editor) == []
    # As `witx-lsp format --check` does.
    options = infer_options(text, BASE_OPTIONS)
    assert (options.tab_size, options.insert_spaces) == (unit, True)
    assert format_text(text, options) == text


def wrong_lines(text: str, unit: int) -> set[int]:
    """Lines an independent count calls wrong: indentation other than (lists open at
    the first token, less one for a `)`) * unit, or blanks inside the line beyond one
    space between tokens, after `(` or before `)`, or at its end."""
    wrong: set[int] = set()
    depth = 0
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    seen: set[int] = set()
    previous = None
    for t in tokens(text):
        line = bisect.bisect_right(line_starts, t.start) - 1
        if line not in seen:
            seen.add(line)
            lead = text[line_starts[line]:t.start]
            if not lead.strip(" \t") and len(lead) != (depth - (t.kind is TokenKind.RPAR)) * unit:
                wrong.add(line)
        elif previous is not None and TokenKind.LINE_COMMENT not in (t.kind, previous.kind) and \
                TokenKind.BLOCK_COMMENT not in (t.kind, previous.kind):
            gap = text[previous.end:t.start]
            if gap not in ("", " ") or (gap and (previous.kind is TokenKind.LPAR or t.kind is TokenKind.RPAR)):
                wrong.add(line)
        depth += (t.kind is TokenKind.LPAR) - (t.kind is TokenKind.RPAR)
        previous = t
    wrong |= {i for i, line in enumerate(re.split(r"\r\n|\r|\n", text)) if line != line.rstrip(" \t")}
    return wrong


@needs_corpus
@pytest.mark.parametrize("path", corpus_09_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_formatting_is_idempotent_keeps_meaning_and_changes_only_wrong_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    options = infer_options(text, BASE_OPTIONS)
    once = format_text(text, options)
    assert once is not None, "a corpus file was refused"
    assert format_text(once, options) == once
    assert kept_tokens(once) == kept_tokens(text)
    old, new = text.splitlines(), once.splitlines()
    assert len(old) == len(new)  # no corpus file has a run of 3 blank lines
    changed = {i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
    assert changed <= wrong_lines(text, options.tab_size)
    if changed:
        before = summary(str(path))
        after = summary(str(path), {str(path): once})
        assert after[0] == before[0]
        assert after[1] == before[1]


@needs_corpus
@pytest.mark.parametrize("options", [FormatOptions(tab_size=2), FormatOptions(tab_size=4, insert_spaces=False),
                                     FormatOptions(tab_size=3, trim_trailing_whitespace=True)],
                         ids=["2-spaces", "tabs", "3-spaces-trimmed"])
def test_any_indentation_is_idempotent_and_keeps_every_token_on_the_whole_corpus(options: FormatOptions) -> None:
    for path in corpus_09_files():
        text = path.read_text(encoding="utf-8")
        once = format_text(text, options)
        assert once is not None, path
        assert format_text(once, options) == once, path
        assert kept_tokens(once) == kept_tokens(text), path
        assert [re.sub(r"[ \t]", "", line) for line in once.splitlines()] == \
            [re.sub(r"[ \t]", "", line) for line in text.splitlines()], path


@needs_corpus
def test_the_corpus_selection_is_not_empty() -> None:
    assert len(corpus_09_files()) > 50
    assert all(p.is_file() for p, _ in UPSTREAM)


@needs_corpus
def test_editing_features_never_raise_on_mutated_corpus_text() -> None:
    import random

    from witx_lsp.base.span import Span
    from witx_lsp.features.code_actions import code_actions
    from witx_lsp.features.completion import complete
    from witx_lsp.features.semantic_tokens import semantic_tokens
    from witx_lsp.features.snapshot import Snapshot
    from witx_lsp.model.analysis import analyze_text

    rng = random.Random(7)
    files = corpus_09_files()
    for _ in range(60):
        text = rng.choice(files).read_text(encoding="utf-8")
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(["", "(", ")", "$", ";;", "(;", '"', "\n"]) + text[i + rng.randrange(40):]
        snap = Snapshot("/m.witx", analyze_text(text, "/m.witx"))
        for _ in range(4):
            at = rng.randrange(len(text) + 1)
            complete(snap, at)
            code_actions(snap, Span(at, min(len(text), at + 20)))
        semantic_tokens(snap)
        out = format_text(text)
        if out is not None:
            assert format_text(out) == out

"""Document links for `(use "...")`."""

from __future__ import annotations

from pathlib import Path

from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.links import document_links
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze


def test_links_to_used_files_that_exist(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.witx").write_text("(typename $a u8)\n")
    main = tmp_path / "main.witx"
    text = '(use "sub/t.witx")\n(use "missing.witx")\n(use)\n(typename $b $a)\n'
    main.write_text(text)
    path = str(main.resolve())
    snap = Snapshot(path, analyze([path]))
    [link] = document_links(snap)
    assert link.span == Span(6, 16) and text[6:16] == "sub/t.witx"
    assert link.target == str((tmp_path / "sub" / "t.witx").resolve())
    assert link.tooltip == "Open sub/t.witx"


def test_links_in_memory_and_escaped_names() -> None:
    text = '(use "a\\2ewitx")\n(use "b.witx")\n'
    a = analyze(["/p/m.witx"], MemoryProvider({"/p/m.witx": text, "/p/a.witx": "", "/p/b.witx": ""}))
    links = document_links(Snapshot("/p/m.witx", a), exists=lambda p: False)
    assert [(lk.target, text[lk.span.start:lk.span.end]) for lk in links] == [
        ("/p/a.witx", "a\\2ewitx"), ("/p/b.witx", "b.witx")]


def test_no_links_for_unknown_document() -> None:
    a = analyze(["/p/m.witx"], MemoryProvider({}))
    assert document_links(Snapshot("/p/m.witx", a)) == []

"""Document symbols (hierarchy, kinds by form, details) and workspace symbols
(matching and ranking)."""

from __future__ import annotations

from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.features.symbols import Kind, document_symbols, match_score, workspace_symbols
from witx_lsp.model.analysis import analyze

TEXT = """\
(typename $size u32)
(typename $errno (enum (@witx tag u16) $success $badf))
(typename $rights (flags (@witx repr u64) $read $write))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $pair (tuple u8 u16))
(typename $event (variant (case $a u8) (case $b)))
(typename $fd (handle))
(typename $res (expected $size (error $errno)))
(@witx const $size $max 4)
(module $m
  (import "memory" (memory))
  (@interface func (export "read")
    (param $fd $fd)
    (param $iovs (list $iovec))
    (result $error (expected $size (error $errno)))))
(typename $last u8)
"""


def snap(text: str = TEXT) -> Snapshot:
    return Snapshot("/s.witx", analyze(["/s.witx"], MemoryProvider({"/s.witx": text})))


def test_document_symbols_kinds_and_details() -> None:
    got = document_symbols(snap())
    assert [(s.name, s.kind, s.detail) for s in got] == [
        ("size", Kind.TYPE, "u32"), ("errno", Kind.ENUM, "enum u16"), ("rights", Kind.ENUM, "flags u64"),
        ("iovec", Kind.STRUCT, "record"), ("pair", Kind.STRUCT, "tuple"), ("event", Kind.ENUM, "variant"),
        ("fd", Kind.CLASS, "handle"), ("res", Kind.ENUM, "(expected $size (error $errno))"),
        ("max", Kind.CONSTANT, "size = 4"), ("m", Kind.MODULE, "module"), ("last", Kind.TYPE, "u8")]


def test_document_symbol_children_and_ranges() -> None:
    s = snap()
    by = {d.name: d for d in document_symbols(s)}
    assert [(c.name, c.kind) for c in by["errno"].children] == [("success", Kind.ENUM_MEMBER),
                                                                ("badf", Kind.ENUM_MEMBER)]
    assert [(c.name, c.detail) for c in by["iovec"].children] == [("buf", "(@witx pointer u8)"),
                                                                  ("buf_len", "$size")]
    assert [(c.name, c.detail) for c in by["event"].children] == [("a", "u8"), ("b", "")]
    [memory, read] = by["m"].children
    assert (memory.name, memory.kind) == ("memory", Kind.INTERFACE)
    assert (read.name, read.kind, read.detail) == ("read", Kind.FUNCTION, "(fd iovs)")
    assert [(c.name, c.kind, c.detail) for c in read.children] == [
        ("fd", Kind.VARIABLE, "$fd"), ("iovs", Kind.VARIABLE, "(list $iovec)"),
        ("error", Kind.VARIABLE, "result (expected $size (error $errno))")]
    text = s.text
    iovec = by["iovec"]
    assert text[iovec.selection.start:iovec.selection.end] == "$iovec"
    assert text[iovec.span.start:iovec.span.end].startswith("(typename $iovec") and text[iovec.span.end - 1] == ")"
    for d in document_symbols(s):  # every selection lies inside its range, children inside parents
        todo = [d]
        while todo:
            x = todo.pop()
            assert x.span.start <= x.selection.start <= x.selection.end <= x.span.end
            for c in x.children:
                assert x.span.start <= c.span.start <= c.span.end <= x.span.end
                todo.append(c)


def test_document_symbols_survive_broken_input() -> None:
    got = document_symbols(snap("(typename $a (record (field $x $nope))\n(typename $b u8"))
    assert [d.name for d in got] == ["a", "b"]
    assert document_symbols(Snapshot("/none.witx", snap().analysis)) == []


def test_match_score() -> None:
    assert match_score("badf", "badf") == 0
    assert match_score("BAD", "badf") == 1
    assert match_score("adf", "badf") == 2
    assert match_score("bf", "badf") == 3
    assert match_score("fb", "badf") is None
    assert match_score("", "x") == 3


def test_workspace_symbols_ranked_and_deduplicated() -> None:
    files = {"/w/t.witx": "(typename $fd u32)\n(typename $fdflags (flags $append))\n",
             "/w/a.witx": '(use "t.witx")\n(module $api (@interface func (export "fd_read") (param $fd $fd)))\n',
             "/w/b.witx": '(use "t.witx")\n(typename $rfd (list $fd))\n'}
    analyses = [analyze([root], MemoryProvider(files)) for root in ("/w/a.witx", "/w/b.witx")]
    got = workspace_symbols(analyses, "fd")
    assert [(s.name, s.kind, s.container) for s in got] == [
        ("fd", Kind.TYPE, ""), ("fd_read", Kind.FUNCTION, "api"), ("fdflags", Kind.ENUM, ""),
        ("rfd", Kind.TYPE, "")]  # params are not listed; $fd of t.witx once
    assert [s.name for s in workspace_symbols(analyses, "$fdfl")] == ["fdflags"]
    assert [(s.name, s.container) for s in workspace_symbols(analyses, "fdflags::app")] == [("append", "fdflags")]
    assert len(workspace_symbols(analyses, "")) == 6
    assert len(workspace_symbols(analyses, "", limit=2)) == 2

"""The command features: layout views, docs rendering and the syntax-tree dump."""

from __future__ import annotations

from witx_lsp.base.text import PositionEncoding
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features import commands
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze

TYPES = "(typename $size u32)\n(typename $pair (record (field $a u8) (field $b u64)))\n"
API = '(use "types.witx")\n(typename $v (variant (case $x u64) (case $y)))\n(typename $e (enum $one))\n'


def snap(path: str = "/p/api.witx") -> Snapshot:
    return Snapshot(path, analyze(["/p/api.witx"], MemoryProvider({"/p/types.witx": TYPES, "/p/api.witx": API})))


def test_show_layout_of_one_type_by_name() -> None:
    view = commands.show_layout(snap(), "$pair")
    assert view is not None
    assert view["text"] == ("$pair: record, size 16, align 8\n"
                            "  offset   size  align  member                   type\n"
                            "       0      1      1  a                        u8\n"
                            "       1      7         (padding)\n"
                            "       8      8      8  b                        u64\n")
    assert view["json"] == {"types": {"pair": {
        "kind": "record", "size": 16, "align": 8,
        "members": [{"name": "a", "offset": 0, "size": 1, "align": 1}, {"name": "b", "offset": 8, "size": 8,
                                                                        "align": 8}],
        "flags": [], "tag_size": None, "payload_offset": None, "cases": [], "payloads": [],
        "padding": [{"offset": 1, "size": 7}]}}}
    svg = view["svg"]
    assert isinstance(svg, str) and svg.startswith("<svg") and "pair" in svg


def test_show_layout_at_a_position_and_for_the_whole_file() -> None:
    s = snap()
    inside = API.index("(case $y") + 3
    view = commands.show_layout(s, offset=inside)
    assert view is not None and list(view["json"]["types"]) == ["v"]  # type: ignore[index]
    assert view["type"] == "v"  # the typename the position is in (the VS Code client shows it)
    on_member = commands.show_layout(snap("/p/types.witx"), offset=TYPES.index("$b") + 1)
    assert on_member is not None and on_member["type"] == "pair"
    by_name = commands.show_layout(s, "$e")
    assert by_name is not None and by_name["type"] == "e"
    whole = commands.show_layout(s)
    assert whole is not None and whole["type"] is None
    assert list(whole["json"]["types"]) == ["v", "e"]  # type: ignore[index]
    assert "$v: variant, size 16, align 8, tag_size 4, payload_offset 8" in str(whole["text"])
    assert "<text" in str(whole["svg"]) and "$e" not in str(whole["svg"])  # enums are not drawn
    # Outside any typename: the whole file.
    outside = commands.show_layout(s, offset=0)
    assert outside is not None and list(outside["json"]["types"]) == ["v", "e"]  # type: ignore[index]
    assert outside["type"] is None
    assert commands.show_layout(s, "nope") is None


def test_type_at() -> None:
    s = snap("/p/types.witx")
    assert commands.type_at(s, TYPES.index("$b")) == "pair"
    assert commands.type_at(s, TYPES.index("u64")) == "pair"
    assert commands.type_at(s, 10**6) is None


def test_render_docs() -> None:
    md = commands.render_docs_markdown(snap().analysis)
    assert md.startswith("# Types\n")
    assert "`pair`: `Record`" in md and "`v`: `Variant`" in md


def test_syntax_tree_dump_with_ranges_in_the_negotiated_encoding() -> None:
    text = ';;; 😀 doc\n(typename $a (record (field $x u8)))\n(module $m (import "é😀" (memory)\n'
    s = Snapshot("/t.witx", analyze(["/t.witx"], MemoryProvider({"/t.witx": text})))
    dump = commands.syntax_tree_text(s, PositionEncoding.UTF16)
    assert dump == """\
;; syntax tree of /t.witx (ranges: line:character, 0-based, utf-16)
doc-comment ;;; 😀 doc 0:0-0:10
list 1:0-1:36
  keyword typename 1:1-1:9
  id $a 1:10-1:12
  list 1:13-1:35
    keyword record 1:14-1:20
    list 1:21-1:34
      keyword field 1:22-1:27
      id $x 1:28-1:30
      keyword u8 1:31-1:33
list 2:0-2:33 (unclosed)
  keyword module 2:1-2:7
  id $m 2:8-2:10
  list 2:11-2:33 (unclosed)
    keyword import 2:12-2:18
    string "é😀" 2:19-2:24
    list 2:25-2:33
      keyword memory 2:26-2:32
errors:
  E0005 2:0-2:1 unclosed `(` of `(module`: add a matching `)`
  E0005 2:11-2:12 unclosed `(` of `(import`: add a matching `)`
"""
    utf8 = commands.syntax_tree_text(s, PositionEncoding.UTF8)
    assert 'string "é😀" 2:19-2:27' in utf8 and "utf-8" in utf8.splitlines()[0]
    assert commands.syntax_tree_text(Snapshot("/missing.witx", s.analysis)) == ""

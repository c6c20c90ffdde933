"""Navigation features on hand-written witx: definition, type definition,
references (across `use` and across roots), highlights, prepare rename and rename
(with every refusal). Cursor positions are marked with `$0` in the texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.fakes import FixedAnalyses
from witx_lsp.base.span import FileSpan, Span
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features import navigation as nav
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.workspace.host import AnalysisHost

MARK = "$0"


def cursor(text: str) -> tuple[str, int]:
    """The text without its `$0` marker, and the marker's offset."""
    offset = text.index(MARK)
    return text[:offset] + text[offset + len(MARK):], offset


def project(files: dict[str, str], root: str) -> tuple[Analysis, dict[str, int]]:
    """Analyse `root` among in-memory `files`; returns the cursor offset of each marked file."""
    clean, marks = {}, {}
    for path, text in files.items():
        if MARK in text:
            text, marks[path] = cursor(text)
        clean[path] = text
    return analyze([root], MemoryProvider(clean)), marks


def at(files: dict[str, str], root: str, path: str | None = None) -> tuple[Snapshot, int]:
    a, marks = project(files, root)
    path = path or next(iter(marks))
    return Snapshot(path, a), marks[path]


def texts(snap: Snapshot, spans: list[FileSpan]) -> list[tuple[str, str]]:
    return [(fs.path, snap.analysis.files[fs.path].text[fs.span.start:fs.span.end]) for fs in spans]


TYPES = """\
(typename $fd (handle))
(typename $size u32)
(typename $filesize $size)
(typename $errno (enum (@witx tag u16) $success $badf))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(typename $event (variant (@witx tag $errno) (case $success $size) (case $badf)))
"""

API = """\
(use "types.witx")
(module $m
  (@interface func (export "read")
    (param $fd $fd)
    (param $iovs $iovec_array)
    (result $error (expected $filesize (error $errno)))))
"""


def test_definition_across_use() -> None:
    snap, off = at({"/w/types.witx": TYPES, "/w/api.witx": API.replace("(param $fd $fd)", "(param $fd $$0fd)")},
                   "/w/api.witx")
    assert texts(snap, nav.definition(snap, off)) == [("/w/types.witx", "$fd")]
    assert nav.declaration(snap, off) == nav.definition(snap, off)


def test_definition_at_end_of_name_and_on_definition_itself() -> None:
    snap, off = at({"/a.witx": "(typename $a u8)\n(typename $b $a$0)\n"}, "/a.witx")
    assert texts(snap, nav.definition(snap, off)) == [("/a.witx", "$a")]
    snap, off = at({"/a.witx": "(typename $$0a u8)\n"}, "/a.witx")
    assert nav.definition(snap, off) == [FileSpan("/a.witx", Span(10, 12))]


def test_no_definition_on_keywords_builtins_and_unknown_names() -> None:
    text = "(typename $a u8)\n(typename $b $nope)\n"
    snap = Snapshot("/a.witx", analyze(["/a.witx"], MemoryProvider({"/a.witx": text})))
    for needle in ("typename", "u8", "$nope", "\n"):
        assert nav.definition(snap, text.index(needle) + 1) == []
    assert nav.definition(snap, -5) == [] and nav.definition(snap, 10**6) == []


def test_type_definition_of_param_field_case_and_alias() -> None:
    files = {"/w/types.witx": TYPES, "/w/api.witx": API}
    a, _ = project(files, "/w/api.witx")
    api = Snapshot("/w/api.witx", a)
    types = Snapshot("/w/types.witx", a)

    def typedef(snap: Snapshot, needle: str, delta: int = 1) -> list[str]:
        return [t for _, t in texts(snap, nav.type_definition(snap, snap.text.index(needle) + delta))]

    assert typedef(api, "$fd $fd") == ["$fd"]  # param name -> its type
    assert typedef(api, "$iovs") == ["$iovec_array"]
    assert typedef(api, "$error") == ["$filesize", "$errno"]  # through the inline expected
    assert typedef(types, "$buf_len") == ["$size"]  # field
    assert typedef(types, "$buf ") == []  # a pointer to a builtin names no typename
    assert typedef(types, "$filesize $size") == ["$size"]  # alias chain end
    assert typedef(api, "$filesize") == ["$size"]  # a reference to the alias too
    assert typedef(types, "$size u32") == ["$size"]  # not an alias: itself
    assert typedef(types, "$success $badf") == ["$errno"]  # enum member: its enum
    assert typedef(types, "$success $size") == ["$size"]  # tagged case: its payload
    assert typedef(types, "$badf)))") == ["$event"]  # a case without payload: its own typename


def test_references_across_use_and_include_declaration() -> None:
    snap, off = at({"/w/types.witx": TYPES.replace("(typename $size u32)", "(typename $$0size u32)"),
                    "/w/api.witx": API}, "/w/api.witx", "/w/types.witx")
    refs = nav.references(snap, off)
    assert [(p.rsplit("/", 1)[1], t) for p, t in texts(snap, refs)] == [("types.witx", "$size")] * 4
    without = nav.references(snap, off, include_declaration=False)
    assert len(without) == 3 and all(fs.span.start != off - 1 for fs in without)


def test_references_across_roots_of_the_workspace() -> None:
    files = {"/w/types.witx": TYPES.replace("(typename $fd (handle))", "(typename $$0fd (handle))"),
             "/w/api.witx": API, "/w/other.witx": '(use "types.witx")\n(typename $fds (list $fd))\n'}
    a, marks = project(files, "/w/api.witx")
    clean = {p: (cursor(t)[0] if MARK in t else t) for p, t in files.items()}
    b = analyze(["/w/other.witx"], MemoryProvider(clean))
    unrelated = analyze(["/x/solo.witx"], MemoryProvider({"/x/solo.witx": "(typename $fd u8)\n(typename $y $fd)"}))
    snap = Snapshot("/w/types.witx", a)
    refs = nav.references(snap, marks["/w/types.witx"], FixedAnalyses([a, b, unrelated]))
    assert sorted({fs.path for fs in refs}) == ["/w/api.witx", "/w/other.witx", "/w/types.witx"]
    assert len(refs) == 3


def test_references_of_enum_member_include_tagged_variant_cases() -> None:
    snap, off = at({"/t.witx": TYPES.replace("$success $badf", "$success $$0badf")}, "/t.witx")
    got = nav.references(snap, off)
    assert len(got) == 2 and snap.text[got[1].span.start:got[1].span.end] == "$badf"
    assert got[1].span.start > snap.text.index("(variant")


def test_highlights_read_and_write() -> None:
    snap, off = at({"/a.witx": "(typename $a u8)\n(typename $b (list $a$0))\n(typename $c $a)\n"}, "/a.witx")
    got = nav.highlights(snap, off)
    assert [(h.span.start, h.write) for h in got] == [(10, True), (36, False), (54, False)]


def test_prepare_rename_range_excludes_dollar() -> None:
    snap, off = at({"/a.witx": "(typename $lo$0ng u8)\n"}, "/a.witx")
    assert nav.prepare_rename(snap, off) == nav.RenameRange(Span(11, 15), "long")


@pytest.mark.parametrize(("text", "needle", "message"), [
    ("(typename $a u32)\n", "u32", "`u32` is a builtin type"),
    ("(typename $a u32)\n", "typename", "`typename` is a witx keyword"),
    ("(typename $a $zz)\n", "$zz", "`$zz` is not defined"),
    ("(typename $a u32)\n\n", "\n\n", "There is no name here"),
    ('(use "x.witx")\n', "x.witx", "is not a name that can be renamed"),
])
def test_prepare_rename_refusals(text: str, needle: str, message: str) -> None:
    snap = Snapshot("/a.witx", analyze(["/a.witx"], MemoryProvider({"/a.witx": text, "/x.witx": ""})))
    got = nav.prepare_rename(snap, text.index(needle) + 1)
    assert isinstance(got, nav.Refusal) and message in got.message


def test_rename_across_files_keeps_dollar() -> None:
    files = {"/w/types.witx": TYPES, "/w/api.witx": API.replace("(list $iovec)", "")}
    a, _ = project(files, "/w/api.witx")
    snap = Snapshot("/w/api.witx", a)
    edits = nav.rename(snap, snap.text.index("$errno") + 2, "$err_code")
    assert isinstance(edits, dict)
    assert {p: len(e) for p, e in edits.items()} == {"/w/types.witx": 2, "/w/api.witx": 1}
    for path, changes in edits.items():
        text = a.files[path].text
        assert all(text[s.start - 1] == "$" and text[s.start:s.end] == "errno" and new == "err_code"
                   for s, new in changes)
    # Without the `$` the result is the same.
    assert nav.rename(snap, snap.text.index("$errno") + 2, "err_code") == edits


def test_rename_enum_member_renames_tagged_cases() -> None:
    snap, off = at({"/t.witx": TYPES.replace("$success $badf", "$success $ba$0df")}, "/t.witx")
    edits = nav.rename(snap, off, "bad_fd")
    assert isinstance(edits, dict)
    [(_path, changes)] = edits.items()
    assert len(changes) == 2 and all(snap.text[s.start:s.end] == "badf" for s, _ in changes)
    # Renaming from the variant's case renames the member too.
    on_case = snap.text.index("(case $badf)") + 8
    assert nav.rename(snap, on_case, "bad_fd") == edits


def test_rename_function_export_string() -> None:
    snap, off = at({"/m.witx": '(module $m (@interface func (export "r$0ead")) (@interface func (export "w")))'},
                   "/m.witx")
    assert nav.prepare_rename(snap, off) == nav.RenameRange(Span(37, 41), "read")
    assert nav.rename(snap, off, "fd_read") == {"/m.witx": [(Span(37, 41), "fd_read")]}
    clash = nav.rename(snap, off, "w")
    assert isinstance(clash, nav.Refusal) and "already defined" in clash.message


@pytest.mark.parametrize(("new", "message"), [
    ("a b", "not a valid witx identifier"),
    ("", "not a valid witx identifier"),
    ("$", "not a valid witx identifier"),
    ("na\"me", "not a valid witx identifier"),
    ("u32", "builtin type"),
    ("$string", "builtin type"),
    ("record", "keyword"),
    ("b", "already defined"),  # another typename
    ("m", "already defined"),  # a module: the same namespace
])
def test_rename_refusals(new: str, message: str) -> None:
    snap, off = at({"/a.witx": "(typename $a$0 u8)\n(typename $b u8)\n(module $m)\n"}, "/a.witx")
    got = nav.rename(snap, off, new)
    assert isinstance(got, nav.Refusal) and message in got.message, got


def test_rename_collisions_are_per_scope() -> None:
    text = ("(typename $r (record (field $x u8) (field $y u8)))\n"
            "(typename $s (record (field $z u8)))\n"
            "(module $m (@interface func (export \"f\") (param $p u8) (result $e $r)))\n")
    a = analyze(["/a.witx"], MemoryProvider({"/a.witx": text}))
    snap = Snapshot("/a.witx", a)
    x = text.index("$x") + 1
    assert isinstance(nav.rename(snap, x, "y"), nav.Refusal)  # sibling field
    assert isinstance(nav.rename(snap, x, "z"), dict)  # a field of another record
    assert isinstance(nav.rename(snap, x, "s"), dict)  # a typename is another scope
    p = text.index("$p") + 1
    assert isinstance(nav.rename(snap, p, "e"), nav.Refusal)  # params and results share a scope
    assert isinstance(nav.rename(snap, p, "r"), dict)


def test_rename_collision_seen_in_another_root() -> None:
    files = {"/w/types.witx": "(typename $a u8)\n", "/w/one.witx": '(use "types.witx")\n(typename $x $a)\n',
             "/w/two.witx": '(use "types.witx")\n(typename $taken $a)\n'}
    one = analyze(["/w/one.witx"], MemoryProvider(files))
    two = analyze(["/w/two.witx"], MemoryProvider(files))
    snap = Snapshot("/w/types.witx", one)
    assert isinstance(nav.rename(snap, 11, "taken"), dict)  # root one alone does not see it
    got = nav.rename(snap, 11, "taken", FixedAnalyses([one, two]))
    assert isinstance(got, nav.Refusal) and "`taken` is already defined" in got.message
    edits = nav.rename(snap, 11, "b", FixedAnalyses([one, two]))
    assert isinstance(edits, dict) and sorted(edits) == ["/w/one.witx", "/w/two.witx", "/w/types.witx"]


def test_host_gathers_every_root_reading_a_file(tmp_path: Path) -> None:
    (tmp_path / "types.witx").write_text("(typename $a u8)\n")
    (tmp_path / "one.witx").write_text('(use "types.witx")\n(typename $x $a)\n')
    (tmp_path / "two.witx").write_text('(use "types.witx")\n(typename $y (list $a))\n')
    (tmp_path / "solo.witx").write_text("(typename $a u16)\n")
    host = AnalysisHost()
    host.add_files(str(p) for p in tmp_path.iterdir())
    types = host.canonical(str(tmp_path / "types.witx"))
    readers = host.analyses_reading(types)
    assert sorted(a.roots[0].rsplit("/", 1)[1] for a in readers) == ["one.witx", "two.witx"]
    assert len(host.workspace_analyses()) == 3  # one, two, solo
    snap = Snapshot(types, host.analysis_for(types))
    refs = nav.references(snap, 11, host)
    assert sorted(fs.path.rsplit("/", 1)[1] for fs in refs) == ["one.witx", "two.witx", "types.witx"]
    f = host.source_file(types)
    assert f is not None and f.text == "(typename $a u8)\n"

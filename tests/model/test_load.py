"""`(use ...)` resolution, overlays, several roots, doc comments and symbols."""

from __future__ import annotations

from pathlib import Path

from witx_lsp.base.vfs import DiskProvider, MemoryProvider
from witx_lsp.model.analysis import analyze
from witx_lsp.model.symbols import SymbolKey, SymbolKind


def test_diamond_includes_each_file_once() -> None:
    files = {
        "/w/a.witx": '(use "b.witx")\n(use "c.witx")\n(typename $a (tuple $b $c))',
        "/w/b.witx": '(use "d.witx")\n(typename $b $d)',
        "/w/c.witx": '(use "d.witx")\n(typename $c $d)',
        "/w/d.witx": "(typename $d u8)",
    }
    a = analyze(["/w/a.witx"], MemoryProvider(files))
    assert a.diagnostics == []
    assert [t.name for t in a.document.typenames] == ["d", "b", "c", "a"]
    assert list(a.files) == ["/w/a.witx", "/w/b.witx", "/w/d.witx", "/w/c.witx"]
    assert a.files["/w/a.witx"].uses == ("/w/b.witx", "/w/c.witx")


def test_use_is_relative_to_the_including_file() -> None:
    files = {"/w/root.witx": '(use "sub/x.witx")\n(typename $r $y)',
             "/w/sub/x.witx": '(typename $x u8)\n(use "../y.witx")', "/w/y.witx": "(typename $y $x)"}
    assert analyze(["/w/root.witx"], MemoryProvider(files)).diagnostics == []


def test_cycle_is_diagnosed_at_the_use() -> None:
    files = {"/w/a.witx": '(use "b.witx")\n(typename $a u8)', "/w/b.witx": '(use "a.witx")\n(typename $b u8)'}
    a = analyze(["/w/a.witx"], MemoryProvider(files))
    [d] = a.diagnostics
    assert d.code == "E0406" and d.path == "/w/b.witx"
    assert files["/w/b.witx"][d.span.start:d.span.end] == '"a.witx"'


def test_missing_use_is_reported_at_the_path_string() -> None:
    files = {"/w/a.witx": '(use "nope.witx")\n(typename $a u8)'}
    [d] = analyze(["/w/a.witx"], MemoryProvider(files)).diagnostics
    assert d.code == "E0401" and "IO error with file" in d.message
    assert files["/w/a.witx"][d.span.start:d.span.end] == '"nope.witx"'


def test_several_roots_share_one_namespace() -> None:
    files = {"/w/t.witx": "(typename $t u8)", "/w/m1.witx": '(use "t.witx")\n(module $m1)',
             "/w/m2.witx": '(use "t.witx")\n(module $m2)', "/w/dup.witx": "(module $m1)"}
    a = analyze(["/w/m1.witx", "/w/m2.witx"], MemoryProvider(files))
    assert a.diagnostics == [] and [m.name for m in a.document.modules] == ["m1", "m2"]
    b = analyze(["/w/m1.witx", "/w/dup.witx"], MemoryProvider(files))
    assert [d.message for d in b.diagnostics] == ["Redefinition of name `m1`"]


def test_overlay_text_wins_over_disk(tmp_path: Path) -> None:
    (tmp_path / "a.witx").write_text('(use "b.witx")\n(typename $a $b)')
    (tmp_path / "b.witx").write_text("(typename $c u8)")
    disk = analyze([str(tmp_path / "a.witx")])
    assert [d.message for d in disk.diagnostics] == ["Unknown name `b`"]
    edited = analyze([str(tmp_path / "a.witx")], DiskProvider({str(tmp_path / "b.witx"): "(typename $b u8)"}))
    assert edited.diagnostics == []


def test_doc_comments_attach_as_the_reference_does() -> None:
    text = (";; licence header, not docs\n;;; First line.\n;;;   indented\n;;;\n(typename $e\n"
            "  (enum (@witx tag u8)\n    ;;; member a\n    $a\n    (;; block doc ;) $b))\n"
            '(module $m\n  ;;; The function.\n  (@interface func (export "f")\n    ;;; The param.\n'
            "    (param $p $e)))")
    a = analyze(["/x.witx"], MemoryProvider({"/x.witx": text}))
    e = a.document.typename("e")
    assert e is not None and e.docs == "First line.\n  indented\n\n"
    cases = e.type().cases  # type: ignore[union-attr]
    assert [c.docs for c in cases] == ["member a\n", "block doc\n"]
    f = a.document.modules[0].funcs[0]
    assert f.docs == "The function.\n" and f.params[0].docs == "The param.\n"


def test_symbols_index_definitions_and_references() -> None:
    text = ('(typename $t (enum $a $b))\n(typename $v (variant (@witx tag $t) (case $a) (case $b u8)))\n'
            '(typename $r (record (field $x $t)))\n(module $m (@interface func (export "f") (param $p $r)))')
    a = analyze(["/x.witx"], MemoryProvider({"/x.witx": text}))
    s = a.symbols
    t = SymbolKey(SymbolKind.TYPENAME, ("t",))
    assert text[s.definitions[t].name_span.span.start:s.definitions[t].name_span.span.end] == "$t"
    assert len(s.references_to(t)) == 2
    assert SymbolKey(SymbolKind.FIELD, ("r", "x")) in s.definitions
    assert SymbolKey(SymbolKind.PARAM, ("m", "f", "p")) in s.definitions
    assert len(s.references_to(SymbolKey(SymbolKind.CASE, ("t", "a")))) == 1
    hit = s.at("/x.witx", text.index("$r)))") + 1)
    assert hit is not None and hit[0] == SymbolKey(SymbolKind.TYPENAME, ("r",)) and not hit[2]


def test_use_targets_resolve_as_realpath(tmp_path: Path) -> None:
    """`DiskProvider.canonical_child` (one `lstat` for a plain name next to its user) names the
    file `realpath` names: through a symbolic link, a missing file, `..`, a subdirectory."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "t.witx").write_text("(typename $t u8)\n")
    (real / "sub" / "s.witx").write_text("(typename $s u8)\n")
    (tmp_path / "link.witx").symlink_to(real / "t.witx")
    (tmp_path / "dirlink").symlink_to(real)
    provider = DiskProvider()
    for directory in (str(tmp_path), str(real), str(real / "sub")):
        for name in ("link.witx", "t.witx", "missing.witx", "../t.witx", "sub/s.witx", "dirlink", "dirlink/t.witx",
                     ".", "..", ""):
            assert provider.canonical_child(directory, name) == provider.canonical(f"{directory}/{name}"), name
    root = tmp_path / "root.witx"
    root.write_text('(use "link.witx")\n(typename $r $t)\n')
    a = analyze([str(root)])
    assert not a.diagnostics and list(a.files)[1] == str(real / "t.witx")

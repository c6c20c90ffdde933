"""The converter on hand-written documents, each checked by wit-parser (componentize-py)
and, where it matters, by reading the generated bindings back."""

from __future__ import annotations

import pytest

from tests.wit.witparser import check_wit, needs_componentize
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.model.analysis import analyze_text
from witx_lsp.wit import WitOptions, WitPackage, analyze_migrated, convert, default_package, valid_package
from witx_lsp.wit.names import KEYWORDS, is_identifier, kebab


@pytest.mark.parametrize(("witx", "wit"), [
    ("fd_read", "fd-read"), ("2big", "x2big"), ("iov_2", "iov2"), ("fdRead", "fd-read"), ("HTTP_ok", "http-ok"),
    ("a__b", "a-b"), ("_", "x"), ("a.b/c", "a-b-c"), ("0", "x0"), ("x-", "x"),
])
def test_kebab(witx: str, wit: str) -> None:
    assert kebab(witx) == wit
    assert is_identifier(kebab(witx))


def test_default_package() -> None:
    assert default_package("/a/wasi_snapshot_preview1.witx") == "wasi:snapshot-preview1@0.1.0"
    assert default_package("typenames.witx") == "witx:typenames@0.1.0"
    assert default_package("type_a.witx") == "witx:type-a@0.1.0"
    assert default_package("type.witx") == "witx:type-witx@0.1.0"
    assert valid_package("wasi:io@0.2.0") and valid_package("a:b")
    assert not valid_package("Wasi:io") and not valid_package("a:type@1.0.0") and not valid_package("a:b@1")


def wit_of(text: str, handles: str = "resource") -> WitPackage:
    analysis = analyze_text(text, "/t.witx")
    assert not analysis.has_errors(), analysis.diagnostics
    return convert(analysis.document, WitOptions("test:t@0.1.0", handles))


@needs_componentize
def test_keywords_as_names_parse() -> None:
    names = sorted(k for k in KEYWORDS if "-" not in k and k != "_")
    fields = " ".join(f"(field ${k} u8)" for k in names)
    funcs = " ".join(f'(@interface func (export "{k}") (param ${k} u8))' for k in names)
    pkg = wit_of(f"(typename $r (record {fields}))\n(module $m {funcs})")
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message
    kind, fields = checked.types["types.R"]
    assert kind == "record" and [f.rstrip("_") for f in fields] == names  # Python escapes its own keywords
    assert not [d for d in pkg.diagnostics if d.code == "W0701"]  # `%` keeps the names


@needs_componentize
def test_flags_over_32_are_split_in_order() -> None:
    flags = " ".join(f"$f{i}" for i in range(40))
    pkg = wit_of(f"(typename $rights (flags (@witx repr u64) {flags}))")
    assert [d.code for d in pkg.diagnostics] == ["W0705"]
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message
    assert checked.types["types.Rights"] == ("record", ["part1", "part2"])
    assert checked.types["types.RightsPart1"] == ("flags", [f"F{i}" for i in range(32)])
    assert checked.types["types.RightsPart2"] == ("flags", [f"F{i}" for i in range(32, 40)])


@needs_componentize
@pytest.mark.parametrize("handles", ["resource", "u32"])
def test_handles(handles: str) -> None:
    pkg = wit_of("""(typename $fd (handle))
(typename $pair (record (field $a $fd) (field $b $fd)))
(module $m
  (@interface func (export "open") (result $fd $fd))
  (@interface func (export "dup") (param $fd $fd) (param $p $pair)))""", handles)
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message
    if handles == "resource":
        assert "resource fd;" in pkg.text and "dup: func(fd: borrow<fd>, p: pair);" in pkg.text
    else:
        assert "type fd = u32;" in pkg.text and "dup: func(fd: fd, p: pair);" in pkg.text


@needs_componentize
def test_name_clashes_and_anonymous_variants_parse() -> None:
    pkg = wit_of("""(typename $a_b u8)
(typename $a-b u16)
(typename $size u32)
(module $t
  (@interface func (export "size") (param $x $size) (param $X $size)
    (param $v (variant (@witx tag u8) (case $p) (case $q $size))))
  (@interface func (export "size_v") (param $y u8)))""")
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message
    assert "type a-b = u8;" in pkg.text and "type a-b2 = u16;" in pkg.text
    assert "use types.{size as size2};" in pkg.text  # the function `size` took the name
    assert "interface t {" in pkg.text and "world t2 {" in pkg.text and pkg.world == "t2"
    assert "size: func(x: size2, x2: size2, v: size-v2);" in pkg.text  # `size-v` is a function's name
    assert sorted({d.code for d in pkg.diagnostics}) == ["W0701", "W0711"]


@needs_componentize
def test_documentation_with_controls_still_parses() -> None:
    pkg = wit_of(";;; evil \u202e text \x7f and\ttab\n(typename $a u8)")
    checked = check_wit(pkg.text, pkg.world)
    assert checked.ok, checked.message
    assert "/// evil \ufffd text \ufffd and\ttab" in pkg.text


def test_legacy_file_diagnostics_point_into_the_text_as_written() -> None:
    text = """(typename $errno (enum u16 $success $2big))
(typename $size u32)
(typename $cookie
  (int u64
    ;;; The first entry.
    (const $start 0)))
(typename $buf (struct (field $ptr (@witx pointer u8)) (field $len $size)))
(module $m
  (@interface func (export "read")
    (param $b $buf)
    (result $error $errno)
    (result $n $size)))
"""
    migrated = analyze_migrated(["/old.witx"], MemoryProvider({"/old.witx": text}))
    assert migrated.errors == () and migrated.migrated == ("/old.witx",)
    pkg = convert(migrated.document, WitOptions("old:x@0.1.0"))
    assert "read: func(b: buf) -> result<size, errno>;" in pkg.text
    # (The model keeps no documentation for constants, as the reference's `Constant` has none.)
    assert "  /// witx constants (WIT has none):\n  /// - `start` = 0\n  type cookie = u64;" in pkg.text
    spans = {d.code: text[migrated.original(d).span.start:migrated.original(d).span.end] for d in pkg.diagnostics}
    assert spans["W0701"] == "$2big" and spans["W0702"] == "$ptr" and spans["W0704"] == "$errno"
    assert spans["W0703"].startswith("(typename $cookie") and spans["W0703"].endswith("0)))")  # the rewritten form

"""Code actions: each applied to its text gives the expected text."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.features.code_actions import (
    FIX_ALL,
    QUICKFIX,
    CodeAction,
    code_actions,
    edit_distance,
    migrate_text,
    suggestions,
)
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze_text
from witx_lsp.model.migrate import TextEdit, apply_edits

PATH = "/w/x.witx"


def actions(text: str, at: str | None = None, only: tuple[str, ...] | None = None) -> list[CodeAction]:
    snap = Snapshot(PATH, analyze_text(text, PATH))
    span = Span(0, len(text)) if at is None else Span(text.index(at), text.index(at))
    return code_actions(snap, span, only)


def applied(text: str, action: CodeAction) -> str:
    return apply_edits(text, [TextEdit(s.start, s.end, t) for s, t in action.edits[PATH]])


def titled(found: list[CodeAction], prefix: str) -> list[CodeAction]:
    return [a for a in found if a.title.startswith(prefix)]


LEGACY = ("(typename $e (enum u8 $a $b))\n(typename $s (struct (field $x $e) (field $y char8)))\n"
          "(typename $u (union $e (field $a u8) (empty $b)))\n(typename $l (array u8))\n")


def test_migrate_the_whole_file() -> None:
    found = actions(LEGACY, at="struct")
    [quick] = [a for a in titled(found, "Migrate this file") if a.kind == QUICKFIX]
    [fix_all] = [a for a in titled(found, "Migrate this file") if a.kind == FIX_ALL]
    assert quick.edits == fix_all.edits
    out = applied(LEGACY, fix_all)
    assert out == ("(typename $e (enum (@witx tag u8) $a $b))\n"
                   "(typename $s (record (field $x $e) (field $y (@witx char8))))\n"
                   "(typename $u (variant (@witx tag $e) (case $a u8) (case $b)))\n(typename $l (list u8))\n")
    after = analyze_text(out, PATH)
    assert [d.code for d in after.diagnostics if d.code.startswith("E02")] == []
    assert {d.code for d in fix_all.diagnostics} == {"E0201", "E0202", "E0204", "E0206", "E0207"}


def test_fix_all_is_offered_anywhere_and_filtered_by_kind() -> None:
    found = actions(LEGACY, at="$l", only=("source",))
    assert [a.kind for a in found] == [FIX_ALL]
    assert actions("(typename $a u32)\n", only=("source",)) == []


def test_replace_one_dialect_form() -> None:
    found = actions(LEGACY, at="array")
    [replace] = titled(found, "Replace with `list`")
    assert replace.preferred and [d.code for d in replace.diagnostics] == ["E0202"]
    assert applied(LEGACY, replace).endswith("(typename $l (list u8))\n")
    [union] = titled(actions(LEGACY, at="union"), "Rewrite in witx 0.9 syntax")
    assert "(variant (@witx tag $e) (case $a u8) (case $b))" in applied(LEGACY, union)


def test_migration_is_repeated_until_nothing_legacy_is_left() -> None:
    assert migrate_text("(typename $a (array (array char8)))", PATH) == \
        "(typename $a (list (list (@witx char8))))"


def test_did_you_mean_a_name_in_scope() -> None:
    text = "(typename $errno u32)\n(typename $x (list $erno))\n(typename $ernno u8)\n"
    found = actions(text, at="$erno)")
    [fix] = titled(found, "Did you mean")
    assert fix.title == "Did you mean `$errno`?" and fix.preferred  # `$ernno` comes later: not in scope
    assert applied(text, fix) == "(typename $errno u32)\n(typename $x (list $errno))\n(typename $ernno u8)\n"


def test_create_a_missing_typename_above_the_form_that_uses_it() -> None:
    text = "(typename $a u8)\n\n;;; Docs of x.\n(typename $x (list $foo))\n"
    found = actions(text, at="$foo")
    [create] = titled(found, "Create typename `$foo`")
    assert applied(text, create) == \
        "(typename $a u8)\n\n(typename $foo u32)\n\n;;; Docs of x.\n(typename $x (list $foo))\n"
    assert create.snippet_edits is not None
    [(_span, snippet)] = create.snippet_edits[PATH]
    assert snippet == "(typename \\$foo ${1:u32})\n\n"
    assert analyze_text(applied(text, create), PATH).diagnostics == []


def test_create_goes_above_the_first_use() -> None:
    text = "(typename $a (expected $foo (error u8)))\n(typename $b u8)\n(typename $c (list $foo))\n"
    [create] = titled(actions(text, at="$foo))\n"), "Create typename")  # at the second use
    assert applied(text, create).startswith("(typename $foo u32)\n\n(typename $a")
    assert len(create.diagnostics) == 2


def test_no_create_when_the_name_is_defined_later() -> None:
    text = "(typename $x (list $later))\n(typename $later u8)\n"
    assert titled(actions(text, at="$later)"), "Create typename") == []


def test_reorder_record_fields_to_remove_padding() -> None:
    text = ("(typename $r\n  (record\n    ;;; a\n    (field $a u8) ;; small\n    ;;; b\n    (field $b u64)\n"
            "    (field $c u8)\n  )\n)\n")
    [fix] = titled(actions(text, at="$r"), "Reorder the fields of `$r`")
    assert "24 → 16 bytes" in fix.title and [d.code for d in fix.diagnostics] == ["W0503"]
    assert applied(text, fix) == ("(typename $r\n  (record\n    ;;; b\n    (field $b u64)\n    ;;; a\n"
                                  "    (field $a u8) ;; small\n    (field $c u8)\n  )\n)\n")
    a = analyze_text(applied(text, fix), PATH)
    assert a.document.typename("r") is not None


def test_reorder_keeps_a_trailing_line_comment_off_the_next_field() -> None:
    text = "(typename $r (record (field $a u8) (field $b u64) ;; big\n (field $c u8)))"
    [fix] = titled(actions(text), "Reorder")
    assert applied(text, fix) == "(typename $r (record (field $b u64) ;; big\n (field $a u8)\n (field $c u8)))"
    text = "(typename $r (record (field $a u8) ;; x\n (field $b u64) (field $c u16)))"
    [fix] = titled(actions(text), "Reorder")
    assert applied(text, fix) == "(typename $r (record (field $b u64)\n (field $c u16) (field $a u8) ;; x\n))"


def test_insert_a_missing_paren() -> None:
    text = "(typename $r (record (field $a u8) ;; note\n(typename $q u8)\n"
    found = titled(actions(text, at="(record"), "Insert the missing `)`")
    assert [applied(text, a) for a in found] == [
        "(typename $r (record (field $a u8)) ;; note\n(typename $q u8)\n"]
    both = titled(actions(text), "Insert the missing `)`")
    assert len(both) == 2


def test_edit_distance_and_suggestions() -> None:
    assert edit_distance("errno", "erno") == 1
    assert edit_distance("ab", "ba") == 1
    assert edit_distance("", "abc") == 3
    assert suggestions("fd_stat", ["fdstat", "filestat", "fd"]) == ["fdstat"]
    assert suggestions("x", ["y", "xyz"]) == ["y"]


def test_unknown_document_gives_nothing() -> None:
    snap = Snapshot("/elsewhere.witx", analyze_text("", PATH))
    assert code_actions(snap, Span(0, 0)) == []

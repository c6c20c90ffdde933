"""Completion in its contexts. `|` marks the cursor in each text."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.features.completion import CompletionItem, complete
from witx_lsp.features.completion_scope import names_in_scope
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze_text

PATH = "/w/x.witx"
BUILTINS = {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string", "bool"}


def at(marked: str, others: dict[str, str] | None = None) -> tuple[list[CompletionItem], int]:
    offset = marked.index("|")
    text = marked.replace("|", "", 1)
    snap = Snapshot(PATH, analyze_text(text, PATH, others))
    return complete(snap, offset), offset


def labels(marked: str, others: dict[str, str] | None = None) -> list[str]:
    return [i.label for i in at(marked, others)[0]]


def test_type_position_offers_names_defined_before_and_builtins() -> None:
    got = labels("(typename $a u32)\n(typename $b (record (field $x |)))\n(typename $later u8)\n")
    assert "$a" in got and set(got) >= BUILTINS
    assert "$b" not in got  # itself: a recursive definition
    assert "$later" not in got  # no forward references


def test_unfinished_text_gives_its_context() -> None:
    got = labels("(typename $a u32)\n(typename $b (record (field $x |")
    assert "$a" in got and "u8" in got
    items, offset = at("(typename $t (rec|")
    record = [i for i in items if i.label == "record"]
    assert record and record[0].kind == "snippet"
    assert record[0].replace == Span(offset - 3, offset)
    assert "enum" in [i.label for i in items] and "handle" in [i.label for i in items]


def test_partial_dollar_names_are_replaced_whole() -> None:
    items, offset = at("(typename $errno u32)\n(typename $b (list $er|))")
    item = next(i for i in items if i.label == "$errno")
    assert item.replace == Span(offset - 3, offset)
    assert item.insert_text == "$errno" and item.kind == "typename"
    assert item.detail == "u32"
    items, offset = at("(typename $errno u32)\n(typename $b (list $er|rno))")
    item = next(i for i in items if i.label == "$errno")
    assert item.replace == Span(offset - 3, offset + 3)


def test_typenames_from_used_files_count() -> None:
    others = {"/w/types.witx": ";;; A size.\n(typename $size u32)\n"}
    items, _ = at('(use "types.witx")\n(typename $len |)', others)
    size = next(i for i in items if i.label == "$size")
    assert size.documentation == "A size."


def test_names_in_scope_follow_load_order() -> None:
    text = '(typename $a u8)\n(use "t.witx")\n(module $m)\n(typename $z u8)\n'
    a = analyze_text(text, PATH, {"/w/t.witx": "(typename $t u8)"})
    names = [(n.name, n.kind) for n in names_in_scope(a, PATH, text.index("(typename $z"))]
    assert names == [("a", "typename"), ("t", "typename"), ("m", "module")]
    assert [n.name for n in names_in_scope(a, PATH, text.index("(use"))] == ["a"]


def test_modules_are_not_offered_as_types() -> None:
    assert "$m" not in labels("(module $m)\n(typename $x |)")


def test_inside_typename_after_paren_type_forms() -> None:
    got = labels("(typename $t (|))")
    assert {"enum", "flags", "record", "union", "handle", "variant", "tuple", "expected", "list", "@witx"} <= set(got)
    nested = labels("(typename $t (list (|)))")
    assert "list" in nested and "record" not in nested  # structured types only directly under typename


def test_top_level_keywords_and_snippets() -> None:
    got = labels("(typename $a u32)\n(|")
    assert {"typename", "module", "use", "@witx"} <= set(got)
    items, _ = at("(typename $a u32)\n|")
    snippet = next(i for i in items if i.label == "(typename record …)")
    assert snippet.snippet is not None and snippet.snippet.startswith("(typename \\$${1:name}")
    assert snippet.insert_text.startswith("(typename $name\n  (record")


def test_head_snippets_close_an_unclosed_form() -> None:
    items, _ = at("(|")
    assert next(i for i in items if i.label == "module").insert_text.endswith(")")
    items, _ = at("(|)")
    assert not next(i for i in items if i.label == "module").insert_text.endswith(")")


def test_module_and_function_contexts() -> None:
    assert {"import", "@interface", "@interface func"} <= set(labels("(module $m (|))"))
    assert {"(@interface func …)", "(import …)"} <= set(labels("(module $m |)"))
    assert {"param", "result", "@witx"} <= set(labels('(module $m (@interface func (export "f") (|))'))
    assert labels('(module $m (@interface func (export "f") (@witx |)))') == ["noreturn"]
    assert labels("(module $m (@interface |))") == ["func"]


def test_annotation_forms() -> None:
    assert labels("(typename $e (enum (@witx |") == ["tag"]
    assert labels("(typename $e (enum (@witx tag |") == ["u8", "u16", "u32", "u64"]
    assert labels("(typename $f (flags (@witx |") == ["repr"]
    assert {"pointer", "const_pointer", "usize", "char8"} == set(labels("(typename $p (@witx |"))
    assert labels("(@witx |") == ["const"]
    got = labels("(typename $p (list |))")
    assert {"(@witx usize)", "(@witx char8)", "(@witx pointer …)"} <= set(got)
    assert "(@witx tag …)" in labels("(typename $e (enum $a))(typename $v (variant |))")


def test_case_names_of_an_enum_tagged_variant() -> None:
    text = "(typename $e (enum $x $y $z))\n(typename $v (variant (@witx tag $e) (case $x u8) (case |)))"
    assert labels(text) == ["$y", "$z"]
    text = "(typename $e (enum $x $y $z))\n(typename $v (variant (@witx tag $e) (case $y) (|"
    assert labels(text) == ["case", "case $x", "case $z"]
    # Without an enum tag nothing is imposed: a generic case snippet.
    assert labels("(typename $v (variant (|") == ["@witx", "case"]


def test_a_keyword_after_the_cursor_does_not_change_its_context() -> None:
    # Recovery makes `(typename $c` close `$b`, but the form before the cursor is unfinished.
    assert labels("(typename $a u8)\n(typename $b (record (field $x u8) (|typename $c u32)") == ["field"]
    assert labels("(typename $b (record (field $x u8) ( ;; c\n|typename $c u32)") == ["field"]
    deep = labels("(typename $b" + " (list" * 30 + " (|typename $c u8)")
    assert "list" in deep and "record" not in deep
    assert set(labels('(module $m (@interface func (export "f") (|module $n)')) == {"param", "result", "@witx"}
    assert "$a" in labels("(typename $a u8)\n(typename $b (record (field $x |)\n(typename $c u32)")


def test_a_block_comment_opened_at_the_cursor() -> None:
    assert labels("(typename $b (list (|; x ;) u8))") == []
    # Unterminated: the text before the cursor ends with `(`.
    assert "list" in labels("(typename $b (list (|;")


def test_no_completion_in_comments_and_strings() -> None:
    assert labels("(typename $a u32) ;; a comm|ent") == []
    assert labels("(typename $a (; u|32 ;) u32)") == []
    assert labels('(module $m (import "me|mory" (memory)))') == []


def test_out_of_range_offsets_clamp() -> None:
    snap = Snapshot(PATH, analyze_text("(typename $a u32)\n", PATH))
    assert complete(snap, 10_000) != []
    assert complete(snap, -5) != []
    assert complete(Snapshot("/not/analysed.witx", snap.analysis), 0) == []

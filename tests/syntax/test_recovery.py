"""Error recovery of the tree builder: every error is reported where it is (an
unclosed `(` at that `(`), the builder goes on, and one file can report many errors."""

from __future__ import annotations

from witx_lsp.model.analysis import analyze_text
from witx_lsp.syntax.parser import MAX_UNCLOSED_REPORTS, parse
from witx_lsp.syntax.tree import Atom, SList


def errs(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.start, d.span.end) for d in parse(text).errors]


def heads(text: str) -> list[str]:
    return [n.head.text if isinstance(n, SList) and n.head else "?" for n in parse(text).items]


def test_clean_text_has_no_errors() -> None:
    assert errs('(typename $a (record (field $x u32)))\n(module $m (import "memory" (memory)))') == []


def test_unclosed_paren_is_reported_at_its_opening() -> None:
    text = "(typename $a\n  (record\n    (field $x u32)\n"
    assert errs(text) == [("E0005", 0, 1), ("E0005", 15, 16)]
    [a, b] = parse(text).errors
    assert a.message == "unclosed `(` of `(typename`: add a matching `)`"
    assert b.message == "unclosed `(` of `(record`: add a matching `)`"


def test_unclosed_list_ends_at_its_last_item() -> None:
    tree = parse("(typename $a u32   \n\n")
    [lst] = tree.items
    assert isinstance(lst, SList) and not lst.closed
    assert (lst.start, lst.end) == (0, 16)


def test_unclosed_paren_without_a_head() -> None:
    [d] = parse("(").errors
    assert d.message == "unclosed `(`: add a matching `)`"
    assert (d.span.start, d.span.end) == (0, 1)


def test_new_declaration_closes_an_unclosed_one() -> None:
    text = "(typename $a (list u8)\n(typename $b $a)\n(typename $c $b)\n"
    assert errs(text) == [("E0005", 0, 1)]
    assert heads(text) == ["typename", "typename", "typename"]
    analysis = analyze_text(text)
    assert [d.code for d in analysis.diagnostics] == ["E0005"]
    assert [t.name for t in analysis.document.typenames] == ["a", "b", "c"]


def test_recovery_from_deep_inside_a_declaration() -> None:
    text = '(module $m (@interface func (export "f") (param $p (list u8)\n(module $n)\n(typename $t u32)'
    assert [c for c, _, _ in errs(text)] == ["E0005"] * 3  # module, @interface, param
    assert heads(text) == ["module", "module", "typename"]


def test_module_does_not_close_on_typename() -> None:
    """The unreleased witx 0.10 nests `typename` inside `module`: no recovery there."""
    text = "(module $m\n(typename $t u32)\n"
    assert heads(text) == ["module"]
    assert errs(text) == [("E0005", 0, 1)]


def test_stray_close_parens() -> None:
    text = ")(typename $a u32))\n)"
    assert errs(text) == [("E0006", 0, 1), ("E0006", 18, 19), ("E0006", 20, 21)]
    assert parse(text).errors[0].message == "unexpected `)`: there is no open `(` for it to close"
    assert heads(text) == ["typename"]


def test_bad_characters_are_skipped() -> None:
    text = "(typename $a [u32])"
    assert errs(text) == [("E0001", 13, 14), ("E0001", 17, 18)]
    lst = parse(text).items[0]
    assert isinstance(lst, SList) and [a.text for a in lst.items if isinstance(a, Atom)] == ["typename", "$a", "u32"]
    assert analyze_text(text).document.typenames[0].name == "a"


def test_unterminated_string_then_more_declarations() -> None:
    text = '(typename $a u32)\n(use "oops.witx)\n(typename $b u32)\n'
    assert errs(text) == [("E0005", 18, 19), ("E0002", 23, 34)]
    assert heads(text) == ["typename", "use", "typename"]


def test_unterminated_block_comment_ends_the_file() -> None:
    text = "(typename $a u32)\n(; comment\n(typename $b u32)\n"
    assert errs(text) == [("E0004", 18, 20)]
    assert heads(text) == ["typename"]


def test_unterminated_block_comment_inside_a_list() -> None:
    text = "(typename $a (; oops\n u32)"
    assert errs(text) == [("E0005", 0, 1), ("E0004", 13, 15)]


def test_many_errors_in_one_file() -> None:
    broken = [
        "(typename $a [u32])",      # E0001 x2
        '(use "no-end)',            # E0002 (and the use is unclosed: E0005)
        '(use "bad\\q")',           # E0003
        "(typename $ u32)",         # E0007
        ")",                        # E0006
        "(typename $b (list u8)",   # E0005
    ]
    text = "\n".join(broken * 10) + "\n(; never closed"
    codes = [c for c, _, _ in errs(text)]
    assert codes.count("E0001") == 20
    assert codes.count("E0002") == 10
    assert codes.count("E0003") == 10
    assert codes.count("E0007") == 10
    assert codes.count("E0006") == 10
    assert codes.count("E0005") == 20
    assert codes.count("E0004") == 1
    starts = [s for _, s, _ in errs(text)]
    assert starts == sorted(starts)
    # Lowering and validation carry on past them as well.
    analysis = analyze_text(text)
    assert len(analysis.diagnostics) > 80
    assert {t.name for t in analysis.document.typenames} >= {"a", "b"}


def test_unclosed_reports_are_capped() -> None:
    text = "(" * (MAX_UNCLOSED_REPORTS + 5)
    errors = parse(text).errors
    assert len(errors) == MAX_UNCLOSED_REPORTS + 1
    assert sum(d.message == "5 more unclosed `(`" for d in errors) == 1
    assert all(d.span.end - d.span.start == 1 and text[d.span.start] == "(" for d in errors)


def test_comments_are_kept_around_errors() -> None:
    tree = parse(";;; doc\n(typename $a u32)) ;; after\n[ ;;; more\n")
    assert [c.text for c in tree.comments] == [";;; doc", ";; after", ";;; more"]
    assert [c.text for c in tree.trailing] == [";; after", ";;; more"]


def test_errors_carry_the_path() -> None:
    assert {d.path for d in parse("(]", "/x/y.witx").errors} == {"/x/y.witx"}

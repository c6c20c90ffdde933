"""Server-side completion filtering: VS Code's fuzzy match with its completion
options (microsoft/vscode src/vs/base/common/filters.ts `fuzzyScore`,
`FuzzyScoreOptions.default`): in-order, case-insensitive, the first typed
character at a word start."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.features.completion import CompletionItem
from witx_lsp.features.completion_filter import MAX_ITEMS, filter_and_rank, fuzzy_score, rank_texts


def item(label: str, filter_text: str | None = None, sort: str = "5") -> CompletionItem:
    return CompletionItem(label, "typename", "", "", label, Span(0, 0), None, filter_text, sort + label)


def test_matches_in_order_case_insensitively_from_a_word_start() -> None:
    assert fuzzy_score("$fi", "$filesize") is not None
    assert fuzzy_score("fi", "$filesize") is not None  # after the `$` separator
    assert fuzzy_score("$FI", "$filesize") is not None
    assert fuzzy_score("$fs", "$filesize") is not None  # gaps are allowed
    assert fuzzy_score("$fst", "$fdstat") is not None
    assert fuzzy_score("size", "$filesize") is None  # first character only at a word start
    assert fuzzy_score("$if", "$filesize") is None  # out of order
    assert fuzzy_score("dir", "$fd_readdir") is None
    assert fuzzy_score("rea", "$fd_readdir") is not None  # after `_`
    assert fuzzy_score("", "anything") == 0


def test_prefix_and_contiguous_matches_rank_first() -> None:
    items = [item("$advice"), item("$fd"), item("$fdflags"), item("$filesize"), item("$filestat"),
             item("$fstflags"), item("u32", sort="1")]
    ranked, incomplete = filter_and_rank(items, ["$fi"] * len(items))
    assert [i.label for i in ranked] == ["$filesize", "$filestat"]
    assert not incomplete
    ranked, _ = filter_and_rank(items, ["$f"] * len(items))
    assert [i.label for i in ranked][:2] == ["$fd", "$fdflags"]  # equal scores: the feature's order
    assert "$advice" not in [i.label for i in ranked]
    assert rank_texts(12) == sorted(rank_texts(12)) and rank_texts(3) == ["0", "1", "2"]


def test_nothing_typed_keeps_every_item_in_the_features_order() -> None:
    items = [item("$b", sort="0"), item("u8", sort="1"), item("$a", sort="0")]
    ranked, incomplete = filter_and_rank(items, ["", "", ""])
    assert [i.label for i in ranked] == ["$a", "$b", "u8"] and not incomplete


def test_filter_text_is_what_matches() -> None:
    ranked, _ = filter_and_rank([item("(list …)", "list"), item("$lookup")], ["li", "li"])
    assert [i.label for i in ranked] == ["(list …)"]


def test_a_cut_list_is_incomplete() -> None:
    items = [item(f"$t{i}") for i in range(MAX_ITEMS + 5)]
    ranked, incomplete = filter_and_rank(items, ["$t"] * len(items))
    assert len(ranked) == MAX_ITEMS and incomplete

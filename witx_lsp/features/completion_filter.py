"""Filtering and ranking completion items on the server, by what the user has typed
of the word at the cursor.

Clients disagree on who filters: VS Code filters and ranks the list itself, but
Neovim 0.11 takes a list whose items carry a textEdit as filtered already
(runtime/lua/vim/lsp/completion.lua) and offers it in the server's order. So the
server filters as VS Code does and ranks the best match first; both then show the
same thing.

The match follows VS Code's `fuzzyScore` with its completion options
(microsoft/vscode src/vs/base/common/filters.ts, `FuzzyScoreOptions.default`:
the first character must not match "weakly"): the typed characters appear in the
item's filter text in order, case-insensitively, and the first one at a word start
(the beginning, after a separator such as `$`, `_`, `-`, `@`, `(` or a space, or an
upper-case letter after a lower-case one). Ranked by: prefix match first, then
fewer gaps and more matches at word starts, then exact case, then the feature's own
order (`sort_text`).

A filtered list stays complete while the user types on (every item that matches a
longer word matches its prefix), so `isIncomplete` is set only when the list is cut
at MAX_ITEMS.
"""

from __future__ import annotations

from collections.abc import Sequence

from witx_lsp.features.completion import CompletionItem

MAX_ITEMS = 200
_SEPARATORS = frozenset("$_-.@( /\\:'\"<>[]{}")


def _word_start(word: str, i: int) -> bool:
    if i == 0:
        return True
    before, ch = word[i - 1], word[i]
    return before in _SEPARATORS or (ch.isupper() and before.islower())


def fuzzy_score(pattern: str, word: str) -> int | None:
    """A score (higher is better) when `pattern` matches `word`, else None."""
    if not pattern:
        return 0
    p, w = pattern.lower(), word.lower()
    rest = iter(w)
    if not all(ch in rest for ch in p):  # not even in order: most items end here, cheaply
        return None
    best: int | None = None
    for start in range(len(w) - len(p) + 1):
        if w[start] != p[0] or not _word_start(word, start):
            continue
        score = _score_from(pattern, p, word, w, start)
        if score is not None and (best is None or score > best):
            best = score
        if start == 0 and score is not None:
            break  # a prefix match is never beaten by a later start
    return best


def _score_from(pattern: str, p: str, word: str, w: str, start: int) -> int | None:
    score = 8 if start == 0 else 0
    j, prev = 0, -2
    for i in range(start, len(w)):
        if j == len(p):
            break
        if w[i] != p[j]:
            continue
        score += 1
        if i == prev + 1:
            score += 5  # contiguous
        if _word_start(word, i):
            score += 3
        if word[i] == pattern[j]:
            score += 1  # same case
        prev = i
        j += 1
    return score if j == len(p) else None


def filter_and_rank(items: Sequence[CompletionItem], typed: Sequence[str]) -> tuple[list[CompletionItem], bool]:
    """The items whose filter text matches what is typed before the cursor in their
    replace range (`typed[i]` for `items[i]`), best first; and whether the list was cut
    (isIncomplete). The server sends each item's rank as its sortText (`rank_texts`)."""
    scored: list[tuple[int, str, int, CompletionItem]] = []
    for index, (item, prefix) in enumerate(zip(items, typed, strict=True)):
        score = fuzzy_score(prefix, item.filter_text or item.label)
        if score is not None:
            scored.append((-score, item.sort_text or item.label, index, item))
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored[:MAX_ITEMS]], len(scored) > MAX_ITEMS


def rank_texts(count: int) -> list[str]:
    """sortText values that keep `count` items in the given order (clients sort by them)."""
    width = len(str(max(1, count)))
    return [str(rank).zfill(width) for rank in range(count)]

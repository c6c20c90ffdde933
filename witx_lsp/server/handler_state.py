"""What handlers keep from one request to the next, held by the server
(`WitxServer.handler_state`), so that every handler is a plain function of the
server and its params."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from witx_lsp.features.completion import CompletionItem


class TokenCache:
    """The last semantic token arrays sent per document, keyed by result id
    (what a delta request names as its previous result)."""

    KEEP = 2  # results kept per document

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.results: dict[str, dict[str, list[int]]] = {}

    def store(self, uri: str, data: list[int]) -> str:
        result_id = str(next(self._ids))
        per_doc = self.results.setdefault(uri, {})
        per_doc[result_id] = data
        while len(per_doc) > self.KEEP:
            del per_doc[next(iter(per_doc))]
        return result_id

    def get(self, uri: str, result_id: str) -> list[int] | None:
        return self.results.get(uri, {}).get(result_id)


@dataclass
class HandlerState:
    tokens: TokenCache = field(default_factory=TokenCache)  # semantic tokens sent (handlers_editing)
    # The URI and items of the latest completion list, for completionItem/resolve (clients resolve
    # items of the list they show, which is the latest one) (handlers_editing).
    completion: tuple[str, tuple[CompletionItem, ...]] | None = None
    # witx URI shown as a WIT file -> (package, handles): rewritten on each publication (handlers_wit).
    wit_followed: dict[str, tuple[str | None, str]] = field(default_factory=dict)

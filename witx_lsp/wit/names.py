"""witx names -> WIT identifiers.

WIT identifiers (wit-parser `validate_id`, bytecodealliance/wasm-tools
crates/wit-parser/src/ast/lex.rs) are kebab-case: words joined by single `-`,
each word starting with a letter and made of ASCII letters and digits of one
case. An identifier that is a WIT keyword is written with a `%` prefix.

The rules applied to a witx name (docs/wit.md, "Names"):

1. Every character that is not an ASCII letter or digit (`_`, `-`, `.`, ...)
   separates words; a lower-case letter or digit followed by an upper-case letter
   starts a new word too (`fdRead` -> `fd-read`); everything is lower-cased.
2. A word that starts with a digit is joined to the word before it (`iov_2` ->
   `iov2`); when it is the first word, `x` is put in front (`$2big` -> `x2big`).
3. A name with no letter or digit at all becomes `x`.
4. Within one scope (an interface, a record, a function's parameters, ...) a name
   already taken gets `2`, `3`, ... appended to its last word (`a-b` -> `a-b2`).

`fd_read` -> `fd-read` is the ordinary spelling and reports nothing; any other
change (rules 1-4 beyond `_` -> `-`) is W0701.
"""

from __future__ import annotations

import re

# The keywords of wit-parser's lexer (wasm-tools crates/wit-parser/src/ast/lex.rs, `Token`), current and
# earlier: componentize-py 0.25.1 refuses all but float32, float64, union, handle, expected, unit and
# implements (keywords of earlier versions) as plain identifiers. `%` before a word that is no
# keyword is harmless, so the older ones are escaped too.
KEYWORDS = frozenset({
    "use", "type", "func", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "float32",
    "float64", "char", "resource", "own", "borrow", "record", "flags", "variant", "enum", "union", "bool",
    "string", "option", "result", "future", "stream", "error-context", "list", "map", "as", "from", "static",
    "interface", "tuple", "import", "export", "world", "package", "constructor", "include", "with", "async",
    "handle", "expected", "unit", "implements", "_",
})

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*")


def kebab(name: str) -> str:
    """The WIT identifier for a witx name (rules 1-3), without the `%` escape."""
    words: list[str] = []
    for chunk in _WORD_SPLIT.split(name):
        for word in _CAMEL.split(chunk):
            if not word:
                continue
            word = word.lower()
            if word[0].isdigit():
                if words:
                    words[-1] += word
                    continue
                word = "x" + word
            words.append(word)
    return "-".join(words) if words else "x"


def is_plain(name: str, ident: str) -> bool:
    """True when `ident` is the ordinary spelling of `name` (only `_` became `-`)."""
    return name.replace("_", "-") == ident


def is_identifier(text: str) -> bool:
    """A legal (unescaped) WIT identifier as this converter writes them."""
    return _ID.fullmatch(text) is not None


def escape(ident: str) -> str:
    """How an identifier is written in WIT source: keywords get `%`."""
    return f"%{ident}" if ident in KEYWORDS else ident


class Scope:
    """The names taken in one WIT scope; `claim` hands out unique ones (rule 4)."""

    def __init__(self, taken: tuple[str, ...] = ()) -> None:
        self._taken = set(taken)

    def claim(self, base: str) -> str:
        ident = base
        n = 2
        while ident in self._taken:
            ident = f"{base}{n}"
            n += 1
        self._taken.add(ident)
        return ident

    def __contains__(self, ident: str) -> bool:
        return ident in self._taken

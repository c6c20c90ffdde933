"""Access to the normative grammar in the top-level `grammar/` folder.

The grammar ships inside the wheel (as package data `witx_lsp/grammar/witx.lark`
via the build configuration); in a source checkout it is read from `grammar/`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

GRAMMAR_FILE = "witx.lark"


def grammar_text() -> str:
    # The package data, where the package is a directory (what importlib.resources would
    # find there too, without importing it: ~5 ms of the language server's start).
    packaged_here = Path(__file__).resolve().parents[1] / "grammar" / GRAMMAR_FILE
    if packaged_here.is_file():
        return packaged_here.read_text(encoding="utf-8")
    from importlib import resources  # (a package in a zip file)

    packaged = resources.files("witx_lsp").joinpath("grammar").joinpath(GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE
    return source.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """lark's LALR parser for the grammar (the reference the fast tree builder is
    tested against). Nested block comments are not regular, so this parser only
    accepts text without block comments."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", lexer="contextual")


@functools.lru_cache(maxsize=1)
def terminal_patterns() -> dict[str, str]:
    """The regular expression of every terminal, as lark compiled it: from the table in
    `syntax/terminals.py` when it was made from this very grammar, else from lark."""
    from witx_lsp.syntax.terminals import GRAMMAR_SHA256, TERMINALS

    if hashlib.sha256(grammar_text().encode("utf-8")).hexdigest() == GRAMMAR_SHA256:
        return dict(TERMINALS)
    return lark_terminal_patterns()


def lark_terminal_patterns() -> dict[str, str]:
    """The terminals as lark compiles them (lark's lexer-only mode keeps the terminals
    no rule uses, such as BLOCK_COMMENT_OPEN)."""
    from lark import Lark

    lexer_only = Lark(grammar_text(), parser=None, lexer="basic")
    return {t.name: t.pattern.to_regexp() for t in lexer_only.terminals}


def terminals_module() -> str:
    """The text of `syntax/terminals.py` for the current grammar."""
    from witx_lsp.syntax import terminals

    doc = (terminals.__doc__ or "").strip("\n")
    rows = "".join(f"    {k!r}: {v!r},\n" for k, v in lark_terminal_patterns().items())
    return (f'"""{doc}\n"""\n\nfrom __future__ import annotations\n\n'
            f'GRAMMAR_SHA256 = "{hashlib.sha256(grammar_text().encode("utf-8")).hexdigest()}"\n\n'
            f"TERMINALS: dict[str, str] = {{\n{rows}}}\n")


@functools.cache
def idchar_class(*, backslash: bool = True) -> str:
    """The character class of wast 35 `idchar` (the characters of an identifier after its `$`,
    of a keyword and of a reserved word) as a regex `[...]`, read off the grammar's `ID`
    terminal; without the `\\` when `backslash` is false (export and import names).
    The one description of the identifier class: the scanner, navigation and completion use it."""
    m = re.fullmatch(r"\\\$(\[.*\])\+", terminal_patterns()["ID"])
    assert m is not None, "the ID terminal of grammar/witx.lark is `$` followed by idchars"
    body = m.group(1)
    return body if backslash else body.replace("\\\\", "")


if __name__ == "__main__":  # regenerate syntax/terminals.py after editing the grammar
    Path(__file__).with_name("terminals.py").write_text(terminals_module(), encoding="utf-8")

"""The written-down terminals (syntax/terminals.py) are the ones lark compiles from
grammar/witx.lark today, and are used only for that grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from witx_lsp.syntax import grammar
from witx_lsp.syntax.terminals import TERMINALS


def test_table_is_what_lark_compiles_from_the_grammar() -> None:
    assert grammar.lark_terminal_patterns() == TERMINALS
    written = Path(grammar.__file__).with_name("terminals.py").read_text(encoding="utf-8")
    assert grammar.terminals_module() == written, \
        "grammar/witx.lark changed: regenerate with `python -m witx_lsp.syntax.grammar`"


def test_another_grammar_is_read_by_lark(monkeypatch: pytest.MonkeyPatch) -> None:
    text = grammar.grammar_text().replace('LINE_COMMENT: /;;[^\\n]*/', 'LINE_COMMENT: /;;;[^\\n]*/')
    assert text != grammar.grammar_text()
    monkeypatch.setattr(grammar, "grammar_text", lambda: text)
    grammar.terminal_patterns.cache_clear()
    try:
        assert grammar.terminal_patterns()["LINE_COMMENT"] == ";;;[^\n]*"
    finally:
        grammar.terminal_patterns.cache_clear()

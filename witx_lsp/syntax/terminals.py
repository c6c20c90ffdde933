"""The terminals of grammar/witx.lark as lark compiles them, written down so that the
language server does not import lark (~0.1 s of its start) to read them.

`syntax/grammar.py` uses this table only while GRAMMAR_SHA256 is the hash of the grammar it
reads; otherwise it asks lark. `tests/syntax/test_terminals.py` checks the table against lark.
Regenerate after editing the grammar: python -m witx_lsp.syntax.grammar
"""

from __future__ import annotations

GRAMMAR_SHA256 = "01f6179205c98320959fab00f666378b851c335ee7ddd8deed4308d4a5543b01"

TERMINALS: dict[str, str] = {
    'LPAR': '\\(',
    'RPAR': '\\)',
    'STRING': '"(?:[^"\\\\\x00-\x1f\x7f]|\\\\.)*"',
    'ID': "\\$[0-9A-Za-z!#$%&'*+\\-.\\/:<=>?@\\\\^_`|~]+",
    'KEYWORD': "[a-z][0-9A-Za-z!#$%&'*+\\-.\\/:<=>?@\\\\^_`|~]*",
    'NUMBER': "[+-]?(?:0x[0-9A-Fa-f][0-9A-Fa-f_]*|[0-9][0-9_]*)(?![0-9A-Za-z!#$%&'*+\\-.\\/:<=>?@\\\\^_`|~])",
    'ANNOTATION': "@[0-9A-Za-z!#$%&'*+\\-.\\/:<=>?@\\\\^_`|~]+",
    'RESERVED': "[0-9A-Za-z!#$%&'*+\\-.\\/:<=>?@\\\\^_`|~]+",
    'WHITESPACE': '[ \t\r\n]+',
    'LINE_COMMENT': ';;[^\n]*',
    'BLOCK_COMMENT_OPEN': '\\(;',
}

"""Property tests over arbitrary text: analysis never raises, and every diagnostic
span lies inside the text of the file it names. Derandomised (fixed seeds) and
bounded, so the module runs in a few seconds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.helpers import check_text, span_problems
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, SList

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KEYWORDS = [
    "typename", "module", "use", "import", "memory", "@interface", "func", "export", "param", "result",
    "@witx", "const", "tag", "repr", "noreturn", "pointer", "const_pointer", "usize", "char8", "enum", "flags",
    "record", "field", "tuple", "union", "variant", "case", "expected", "error", "handle", "list", "string",
    "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "struct", "array", "int",
    "empty", "flag", "bitflags", "resource", "from", "as", "option", "in-buffer", "out-buffer", "@foo",
]
PIECES = [
    "(", ")", "(", ")", " ", "\n", "\t", "\r\n", ";;", ";;; doc\n", ";; c\n", "(;", ";)", "(;; d ;)", '"', '"x"',
    '"\\u{1F600}"', '"\\ff"', '"\\q"', "$", "$a", "$b", "$t", "$e", "$m", "$0", "$a`|~", "0", "1", "0x1_F", "-1",
    "18446744073709551616", "_", "\\", "\x00", "\u00e9", "\U0001f600", "\ud800", "\udcff",
]
IDS = st.from_regex(r"\$[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]{1,6}", fullmatch=True)
TOKEN = st.one_of(st.sampled_from(KEYWORDS), st.sampled_from(PIECES), IDS,
                  st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=4))
SOUP = st.lists(TOKEN, max_size=120).map(lambda ts: " ".join(ts))
SOUP_TIGHT = st.lists(TOKEN, max_size=120).map("".join)
# Any code point, surrogates and astral planes included (Python text from
# `surrogateescape` decoding holds lone surrogates).
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
UNICODE = st.text(alphabet=ANY_CHAR, max_size=300)
ASTRAL = st.text(alphabet=st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF), max_size=40)


def _tree_is_sane(text: str) -> None:
    """The syntax layer on its own: never raises, error and node spans in range,
    children inside their parent and in order (checked without recursion)."""
    tree = parse(text)
    n = len(text)
    for d in tree.errors:
        assert 0 <= d.span.start <= d.span.end <= n, d
    stack: list[tuple[SList | None, list[Atom | SList]]] = [(None, tree.items)]
    while stack:
        parent, items = stack.pop()
        last = parent.start + 1 if parent is not None else 0
        for node in items:
            assert 0 <= node.start <= node.end <= n
            assert node.start >= last, (node, last)
            if parent is not None:
                assert node.end <= parent.end
            last = node.end
            if isinstance(node, SList):
                assert text[node.start] == "("
                stack.append((node, node.items))
            else:
                assert node.text == text[node.start:node.end]
    for c in tree.comments:
        assert c.text == text[c.start:c.end]


@FUZZ
@given(SOUP)
def test_keyword_soup(text: str) -> None:
    _tree_is_sane(text)
    analysis = check_text(text)
    layout = layout_diagnostics(analysis)
    assert not span_problems(analysis, layout)


@FUZZ
@given(SOUP_TIGHT)
def test_keyword_soup_without_spaces(text: str) -> None:
    _tree_is_sane(text)
    check_text(text)


@FUZZ
@given(st.lists(st.sampled_from(["(typename $a ", "(record ", "(field $f ", "(list ", "(variant ", "(case $c ",
                                 "(tuple ", "(@witx tag ", "(expected ", "(error ", "u32", "$a", ")", ")", ")"]),
                max_size=80).map("".join))
def test_nested_type_forms(text: str) -> None:
    analysis = check_text(text)
    assert not span_problems(analysis, layout_diagnostics(analysis))


@FUZZ
@given(UNICODE)
def test_arbitrary_unicode(text: str) -> None:
    _tree_is_sane(text)
    check_text(text)


@FUZZ
@given(ASTRAL, SOUP)
def test_astral_characters_in_witx(astral: str, soup: str) -> None:
    half = len(soup) // 2
    for text in (astral + soup, soup[:half] + astral + soup[half:], f'(module $m (import "{astral}" (memory)))',
                 f";;; {astral}\n(typename $a u32)", f"(typename ${astral} u32)"):
        _tree_is_sane(text)
        check_text(text)

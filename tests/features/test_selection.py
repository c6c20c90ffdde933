"""Selection ranges along the S-expression nesting, and the token finder."""

from __future__ import annotations

import itertools

from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.selection import atom_at, path_at, selection_ranges
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze

TEXT = "(typename $r (record (field $a u8) (field $b u16)))\n(typename $x u8)\n"


def snap(text: str = TEXT) -> Snapshot:
    return Snapshot("/s.witx", analyze(["/s.witx"], MemoryProvider({"/s.witx": text})))


def texts(spans: list[Span], text: str = TEXT) -> list[str]:
    return [text[s.start:s.end] for s in spans]


def test_from_token_outwards() -> None:
    [spans] = selection_ranges(snap(), [TEXT.index("$a") + 1])
    assert texts(spans) == ["$a", "field $a u8", "(field $a u8)", "record (field $a u8) (field $b u16)",
                            "(record (field $a u8) (field $b u16))",
                            "typename $r (record (field $a u8) (field $b u16))",
                            "(typename $r (record (field $a u8) (field $b u16)))"]
    for inner, outer in itertools.pairwise(spans):
        assert outer.start <= inner.start and inner.end <= outer.end and inner != outer


def test_cursor_after_a_name_and_on_brackets() -> None:
    s = snap()
    [after] = selection_ranges(s, [TEXT.index("$a") + 2])  # right after `$a`
    assert texts(after)[0] == "$a"
    [on_paren] = selection_ranges(s, [TEXT.index("(field $b")])
    assert texts(on_paren)[0] == "(field $b u16)"
    [between] = selection_ranges(s, [TEXT.index("\n")])  # after the first declaration's `)`
    assert between == [Span(51, 51)]


def test_several_positions_and_out_of_range() -> None:
    got = selection_ranges(snap(), [0, 10**6, -3])
    assert texts(got[0])[0].startswith("(typename $r")
    assert got[1] == [Span(len(TEXT), len(TEXT))] and got[2][0].start == 0


def test_unknown_document() -> None:
    assert selection_ranges(Snapshot("/other.witx", snap().analysis), [5]) == [[Span(0, 0)]]


def test_path_and_atom_at_deep_nesting() -> None:
    depth = 5000
    text = "(" * depth + "x" + ")" * depth
    tree = snap(text).analysis.files["/s.witx"].tree
    assert len(path_at(tree.items, depth)) == depth + 1
    atom = atom_at(tree.items, depth)
    assert atom is not None and atom.text == "x"

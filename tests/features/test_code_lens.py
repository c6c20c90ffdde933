"""Code lenses: size and alignment over typenames (opening witx.showLayout) and
the core wasm signature over functions."""

from __future__ import annotations

from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.code_lens import CodeLens, LensOptions, code_lenses
from witx_lsp.features.commands import SHOW_ABI, SHOW_LAYOUT
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze

TYPES = "(typename $size u32)\n(typename $pair (record (field $a u8) (field $b u64)))\n"
API = """\
(use "types.witx")
(typename $len $size)
(typename $empty (tuple))
(module $m
  (@interface func (export "get") (param $p $pair) (param $s string) (result $e (expected $len (error $size))))
  (@interface func (export "exit") (param $code u64) (@witx noreturn)))
"""


def lenses(path: str = "/p/api.witx", options: LensOptions | None = None) -> tuple[str, list[CodeLens]]:
    a = analyze(["/p/api.witx"], MemoryProvider({"/p/types.witx": TYPES, "/p/api.witx": API}))
    snap = Snapshot(path, a)
    return snap.text, code_lenses(snap, options)


def test_typename_and_function_lenses() -> None:
    text, got = lenses()
    assert [(text[lens.span.start:lens.span.end], lens.title, lens.command, lens.type_name) for lens in got] == [
        ("$len", "size 4, align 4 (alias of $size)", SHOW_LAYOUT, "len"),
        ("$empty", "no layout", SHOW_LAYOUT, "empty"),
        # record by pointer, string as pointer + length, one out-pointer for the ok value.
        ('"get"', "(func $get (param i32 i32 i32 i32) (result i32))", SHOW_ABI, "m::get"),
        ('"exit"', "(func $exit (param i64))", SHOW_ABI, "m::exit"),
    ]


def test_lenses_of_the_used_file() -> None:
    text, got = lenses("/p/types.witx")
    assert [(text[lens.span.start:lens.span.end], lens.title) for lens in got] == [
        ("$size", "size 4, align 4"), ("$pair", "size 16, align 8")]


def test_lens_options() -> None:
    _, only_sigs = lenses(options=LensOptions(layout=False))
    assert [lens.command for lens in only_sigs] == [SHOW_ABI, SHOW_ABI]
    _, only_layout = lenses(options=LensOptions(signature=False))
    assert [lens.type_name for lens in only_layout] == ["len", "empty"]
    assert lenses(options=LensOptions(False, False))[1] == []

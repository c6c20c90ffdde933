"""The trace's value formatting on the project's own example interface
(examples/kv_store): abbreviation and escaping of strings and buffers, and a
traced call whose arguments the types cannot describe still goes through."""

from __future__ import annotations

import pytest

from tests.cli.util import ROOT
from witx_lsp.model.analysis import analyze
from witx_lsp.wasi.trace import MAX_BYTES, quote, traced
from witx_lsp.wiggle.runtime import BytearrayMemory, Ok, StrPtr, module_functions

KV = ROOT / "examples" / "kv_store" / "kv_store.witx"


def test_quote_escapes_and_cuts() -> None:
    assert quote(b'a"b\\c\n\t\0\x7f\xff') == '"a\\"b\\\\c\\n\\t\\0\\x7f\\xff"'
    long = bytes(65 + i % 26 for i in range(MAX_BYTES + 5))
    assert quote(long) == '"' + long[:MAX_BYTES].decode() + '"...'
    assert quote(long[:MAX_BYTES]) == '"' + long[:MAX_BYTES].decode() + '"'


class Store:
    def delete(self, store: int, key: StrPtr) -> Ok[None]:
        return Ok(None)

    def usage(self, store: int) -> object:
        return "not an Ok"  # the glue rejects it; the trace must not fail first


def test_traced_calls_through_the_glue() -> None:
    doc = analyze([str(KV)]).document
    lines: list[str] = []
    proxy = traced(doc, "kv_store", Store(), lines.append)
    funcs = {f.name: f for f in module_functions(doc, "kv_store", _Full(proxy))}
    mem = BytearrayMemory(4096)
    key = b"k" * 40 + b"\x00\xfe"
    mem.data[100:100 + len(key)] = key
    assert funcs["delete"].call(mem, 7, 100, len(key)) == 0
    assert lines == [f'delete(store=7, key="{"k" * MAX_BYTES}"...) -> Ok(())']
    with pytest.raises(TypeError):  # the glue refuses what the implementation returned
        funcs["usage"].call(mem, 7, 8, 12)
    assert lines[1] == "usage(store=7) -> 'not an Ok'"


class _Full:
    """The traced methods, and stubs for the rest of the module (never called)."""

    def __init__(self, proxy: object) -> None:
        self.proxy = proxy

    def __getattr__(self, name: str) -> object:
        return getattr(self.proxy, name, lambda *a: Ok(None))

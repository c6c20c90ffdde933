"""The project's own witx fixtures (tests/fixtures/greenhouse.witx, its error
enums in garden_status.witx, and oddities.witx with the forms wiggle refuses),
loaded once per process."""

from __future__ import annotations

from functools import cache

from tests.conftest import FIXTURES
from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import Document, InterfaceFunc

GREENHOUSE = FIXTURES / "greenhouse.witx"
ODDITIES = FIXTURES / "oddities.witx"


@cache
def fixture_doc(name: str) -> Document:
    """The validated document of tests/fixtures/<name>.witx (no errors, no warnings)."""
    a = analyze([str(FIXTURES / f"{name}.witx")])
    errors = [d for d in a.diagnostics if d.severity.name == "ERROR"]
    assert not errors, errors
    return a.document


def greenhouse() -> Document:
    return fixture_doc("greenhouse")


def oddities() -> Document:
    return fixture_doc("oddities")


def function(doc: Document, module: str, name: str) -> InterfaceFunc:
    m = doc.module(module)
    assert m is not None, module
    f = m.func(name)
    assert f is not None, name
    return f

"""Every `assert_invalid` of the reference witxt suite yields an error containing
the expected text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WITXT_DIR, needs_corpus
from witx_lsp.base.diagnostic import Severity
from witx_lsp.witxt.directives import Directive, read_witxt
from witx_lsp.witxt.load import analyze_doc


def _cases() -> list[tuple[str, Directive]]:
    if not WITXT_DIR.is_dir():
        return []
    out = []
    for f in sorted(WITXT_DIR.glob("*.witxt")):
        wf = read_witxt(str(f), f.read_text())
        out += [(f"{f.name}:{d.line}", d) for d in wf.directives if d.kind == "assert_invalid"]
    return out


CASES = _cases()


@needs_corpus
def test_suite_has_all_assert_invalid() -> None:
    assert len(CASES) == 20


@needs_corpus
@pytest.mark.parametrize(("where", "directive"), CASES, ids=[c[0] for c in CASES])
def test_assert_invalid(where: str, directive: Directive) -> None:
    assert directive.doc is not None
    analysis = analyze_doc(directive.doc, str(WITXT_DIR / Path(where.split(":")[0])))
    errors = [d.message for d in analysis.diagnostics if d.severity is Severity.ERROR]
    assert errors, f"{where}: the document was valid"
    assert any(directive.expected_message in m for m in errors), (directive.expected_message, errors)

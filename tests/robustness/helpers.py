"""Shared checks of the robustness tests."""

from __future__ import annotations

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.model.analysis import Analysis, analyze_text


def span_problems(analysis: Analysis, diagnostics: list[Diagnostic] | None = None) -> list[str]:
    """Every diagnostic (and related location) whose span is not inside the text of
    the file it names. A file that could not be read has no text: only (0, 0) fits."""
    problems = []
    for d in analysis.diagnostics if diagnostics is None else diagnostics:
        places = [(d.path, d.span.start, d.span.end, "")]
        places += [(r.path, r.span.start, r.span.end, " (related)") for r in d.related]
        for path, start, end, what in places:
            f = analysis.files.get(path)
            size = len(f.text) if f is not None else 0
            if not (0 <= start <= end <= size):
                problems.append(f"{d.code}{what} at {path}:{start}-{end} outside 0-{size}: {d.message}")
    return problems


def check_text(text: str) -> Analysis:
    """Analyse `text` (it must not raise) and assert every span lies in its file."""
    analysis = analyze_text(text)
    problems = span_problems(analysis)
    assert not problems, problems[:5]
    assert analysis.files["/input.witx"].text == text or analysis.diagnostics[0].code == "E0404"
    return analysis

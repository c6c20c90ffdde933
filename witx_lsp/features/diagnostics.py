"""All diagnostics of an analysis (model, layout and wiggle generator hazards), with per-code severity
overrides applied. Backs textDocument/publishDiagnostics and `witx-lsp check`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from witx_lsp.base.diagnostic import SEVERITY_LEVELS, Diagnostic, Severity
from witx_lsp.layout.diagnostics import FunctionDiagnostics, function_layout_diagnostics, layout_diagnostics
from witx_lsp.model.analysis import Analysis
from witx_lsp.wiggle.codegen import DEFAULT_CONFIG, Config, hazard_diagnostics

# A code mapped to None is switched off.
SeverityOverrides = Mapping[str, Severity | None]


Hazards = Callable[[Analysis, Config], list[Diagnostic]]


def collect(analysis: Analysis, overrides: SeverityOverrides | None = None,
            wiggle_config: Config = DEFAULT_CONFIG, hazards: Hazards = hazard_diagnostics,
            layout_of_function: FunctionDiagnostics = function_layout_diagnostics) -> list[Diagnostic]:
    """Model, layout and wiggle-generator (hazard) diagnostics; the hazards depend
    on the `wiggle::from_witx!` configuration (errors, async, ...). An editor passes
    `hazards` and `layout_of_function` that keep the results of unchanged declarations
    (workspace/diagnostics.py); they must return what the defaults return."""
    diags = list(analysis.diagnostics)
    diags += layout_diagnostics(analysis, layout_of_function)
    diags += hazards(analysis, wiggle_config)
    return apply_overrides(diags, overrides)


def apply_overrides(diags: list[Diagnostic], overrides: SeverityOverrides | None) -> list[Diagnostic]:
    """Each diagnostic at its configured severity (codes mapped to None are dropped), sorted."""
    out = []
    for d in diags:
        if overrides and d.code in overrides:
            sev = overrides[d.code]
            if sev is None:
                continue
            d = replace(d, severity=sev)
        out.append(d)
    out.sort(key=lambda d: (d.path, d.span.start, d.span.end, d.code))
    return out


def parse_override(text: str) -> tuple[str, Severity | None]:
    """`CODE=LEVEL` (LEVEL: error, warning, information, hint or off) -> (code, severity)."""
    code, sep, level = text.partition("=")
    if not sep or not code.strip() or level.strip().lower() not in SEVERITY_LEVELS:
        raise ValueError(f"expected CODE=LEVEL with LEVEL one of error, warning, information, hint, off; got {text!r}")
    return code.strip(), SEVERITY_LEVELS[level.strip().lower()]


MAX_PER_FILE = 1000


def cap_per_file(diags: list[Diagnostic], limit: int = MAX_PER_FILE) -> list[Diagnostic]:
    """At most `limit` diagnostics of each file (the first, in the order given), and for a
    file that has more, one E0409 at the first one left out that says how many there are,
    as severe as the most severe of them: an editor is never sent a million diagnostics."""
    kept: list[Diagnostic] = []
    dropped: dict[str, list[Diagnostic]] = {}
    counts: dict[str, int] = {}
    for d in diags:
        n = counts.get(d.path, 0)
        counts[d.path] = n + 1
        if n < limit:
            kept.append(d)
        else:
            dropped.setdefault(d.path, []).append(d)
    for path, rest in dropped.items():
        first = rest[0]
        kept.append(Diagnostic(
            "E0409", min(d.severity for d in rest),
            f"{len(rest)} more diagnostics in this file are not shown (only the first {limit} are)",
            path, first.span))
    return kept

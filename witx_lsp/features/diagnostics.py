"""All diagnostics of an analysis (model and layout), with per-code severity
overrides applied. Backs textDocument/publishDiagnostics and `witx-lsp check`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.model.analysis import Analysis

# A code mapped to None is switched off.
SeverityOverrides = Mapping[str, Severity | None]


def collect(analysis: Analysis, overrides: SeverityOverrides | None = None) -> list[Diagnostic]:
    diags = list(analysis.diagnostics)
    diags += layout_diagnostics(analysis)
    if overrides:
        out = []
        for d in diags:
            if d.code in overrides:
                sev = overrides[d.code]
                if sev is None:
                    continue
                d = replace(d, severity=sev)
            out.append(d)
        diags = out
    diags.sort(key=lambda d: (d.path, d.span.start, d.span.end, d.code))
    return diags

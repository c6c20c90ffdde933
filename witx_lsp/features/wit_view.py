"""`witx.showWit`: the WIT package of the document an editor shows (witx_lsp.wit), with
its conversion notes, and the "Show as WIT" code lens over each module.

The W07xx notes are not published with the document's diagnostics on every keystroke:
they describe a conversion the user may never ask for (WASI preview1 alone has dozens of
pointers), so they come with the WIT when the user asks for it (docs/wit.md, "In the editor").
"""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.command_names import SHOW_WIT as SHOW_WIT
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.wit import WitOptions, analyze_migrated, convert, default_package, valid_package

LENS_TITLE = "Show as WIT"


@dataclass(frozen=True)
class WitView:
    text: str
    package: str
    world: str
    file_name: str
    diagnostics: tuple[Diagnostic, ...]  # errors left after a 0.8 migration, then the W07xx notes


class WitViewError(ValueError):
    """A parameter the conversion cannot take (the message says which)."""


def wit_view(snapshot: Snapshot, package: str | None = None, handles: str = "resource") -> WitView:
    analysis = snapshot.analysis
    roots = analysis.roots or (snapshot.path,)
    package = package or default_package(roots[0])
    if not valid_package(package):
        raise WitViewError(f"`{package}` is no WIT package name (NAMESPACE:NAME@VERSION)")
    if handles not in ("resource", "u32"):
        raise WitViewError("handles must be `resource` or `u32`")
    if any(d.data and d.data.get("dialect") == "witx-0.8" for d in analysis.diagnostics):
        # witx 0.8: migrate the texts this analysis read (the editor's, not the disk's).
        migrated = analyze_migrated(roots, MemoryProvider({p: f.text for p, f in analysis.files.items()}))
        doc, errors = migrated.document, migrated.errors
        wit = convert(doc, WitOptions(package, handles))
        notes = tuple(migrated.original(d) for d in wit.diagnostics)
    else:
        wit = convert(analysis.document, WitOptions(package, handles))
        errors = tuple(d for d in analysis.diagnostics if d.severity is Severity.ERROR)
        notes = wit.diagnostics
    return WitView(wit.text, wit.package, wit.world, wit.file_name, (*errors, *notes))


def wit_lenses(snapshot: Snapshot) -> list[Span]:
    """Where the "Show as WIT" lenses go: the name of each module this file defines."""
    return sorted(m.span.span for m in snapshot.analysis.document.modules
                  if m.span is not None and m.span.path == snapshot.path)

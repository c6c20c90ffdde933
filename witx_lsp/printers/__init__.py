"""Renderers of a loaded Document: the canonical S-expression printer
(`sexpr.render_document`, the reference's `Display for Document`) and the
Markdown docs renderer (`docs_md.render_docs`, the reference's `to_md`).
Depends on witx_lsp.base, .model and .layout only."""

from witx_lsp.printers.docs_md import DocsError, render_docs
from witx_lsp.printers.sexpr import render_document, render_type

__all__ = ["DocsError", "render_docs", "render_document", "render_type"]

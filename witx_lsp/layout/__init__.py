"""Memory layout of witx types (WebAssembly/WASI tools/witx/src/layout.rs, witx 0.9.1) and the
layout diagnostics built on it. Depends on witx_lsp.base and witx_lsp.model only."""

from witx_lsp.layout.engine import (
    I386,
    WASM32,
    CaseLayout,
    Layout,
    LayoutEngine,
    MemberLayout,
    Padding,
    Target,
    align_to,
    document_layouts,
    engine_for,
    layout_of,
    type_kind_name,
    typename_layout,
)

__all__ = [
    "I386",
    "WASM32",
    "CaseLayout",
    "Layout",
    "LayoutEngine",
    "MemberLayout",
    "Padding",
    "Target",
    "align_to",
    "document_layouts",
    "engine_for",
    "layout_of",
    "type_kind_name",
    "typename_layout",
]

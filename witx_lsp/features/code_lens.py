"""Code lenses: "size N, align M" over each typename (it opens the layout view)
and the core wasm signature over each function (it opens the function's core
signature and instruction streams) (WebAssembly/WASI tools/witx/src/layout.rs and
abi.rs `wasm_signature`, witx 0.9.1)."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.abi import AbiError, wasm_signature
from witx_lsp.base.span import Span
from witx_lsp.features.commands import SHOW_ABI, SHOW_LAYOUT
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.layout import engine_for, typename_layout


@dataclass(frozen=True, slots=True)
class CodeLens:
    span: Span
    title: str
    command: str = ""
    type_name: str | None = None  # the argument of the command after the document (a typename or a function)


@dataclass(frozen=True, slots=True)
class LensOptions:
    layout: bool = True
    signature: bool = True


def code_lenses(snapshot: Snapshot, options: LensOptions | None = None) -> list[CodeLens]:
    opts = options or LensOptions()
    analysis = snapshot.analysis
    out: list[CodeLens] = []
    if opts.layout:
        engine = engine_for(analysis.document)
        for named in analysis.document.typenames:
            if named.span is None or named.span.path != snapshot.path:
                continue
            lay = typename_layout(named, engine)
            if lay.ok:
                title = f"size {lay.size}, align {lay.align}"
                if lay.kind == "alias" and lay.target:
                    title += f" (alias of ${lay.target})"
            else:
                title = "no layout"
            out.append(CodeLens(named.span.span, title, SHOW_LAYOUT, named.name))
    if opts.signature:
        for module in analysis.document.modules:
            for func in module.funcs:
                if func.span is None or func.span.path != snapshot.path:
                    continue
                sig = wasm_signature(func)
                title = "no core signature" if isinstance(sig, AbiError) else sig.func_text(func.name)
                out.append(CodeLens(func.span.span, title, SHOW_ABI, f"{module.name}::{func.name}"))
    out.sort(key=lambda lens: lens.span.start)
    return out


"""The wiggle host-bindings preview in the editor: the `witx.previewHostSignatures`
command (the Rust `wiggle::from_witx!` generates for a document), the reading of the
`witx.preview.config` setting, and a "Preview host signature" code lens over each
function. Pure functions of an analysis and a configuration (witx_lsp.wiggle.codegen).
Hover spells its Rust with the same code generator and the same configuration
(`features/hover/rust.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.features.command_names import PREVIEW_HOST_SIGNATURES as PREVIEW_HOST_SIGNATURES
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis
from witx_lsp.wiggle.codegen import (
    DEFAULT_CONFIG,
    DEFAULT_PROFILE,
    Config,
    ConfigError,
    generate,
    parse_config,
)

LENS_TITLE = "Preview host signature"

def read_config(text: str | None, profile: int = DEFAULT_PROFILE) -> tuple[Config, str | None]:
    """A configuration from the macro's braced text (`witx` optional); on an error the
    default configuration and the error as `line:column: message`."""
    if text is None or not text.strip():
        return Config(profile=profile), None
    try:
        return parse_config(text, require_witx=False, profile=profile), None
    except ConfigError as e:
        line, col = e.location(text)
        return Config(profile=profile), f"{line}:{col}: {e.message}"


def preview_rust(analysis: Analysis, config: Config = DEFAULT_CONFIG, config_error: str | None = None) -> str:
    """The Rust of the analysed document, headed by comments on what the real macro would do with it."""
    preview = generate(analysis.document, config, pieces=False)
    head = [f"// wiggle::from_witx! preview (wasmtime v{config.profile} generator), formatted as rustfmt would"]
    if config_error is not None:
        head.append(f"// invalid configuration, using the defaults: {config_error}")
    if any(d.severity.value == 1 for d in analysis.diagnostics):
        head.append("// the witx has errors: the macro would not expand; what is valid is shown")
    head.extend(f"// {msg}" for msg in preview.panics)
    return "\n".join(head) + "\n\n" + preview.rust


# --- code lens ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewLens:
    span: Span
    title: str
    command: str
    arguments: tuple[str, ...]  # the document URI is added by the server


def preview_lenses(snapshot: Snapshot) -> list[PreviewLens]:
    """A "Preview host signature" lens over each function the file defines."""
    out = []
    for module in snapshot.analysis.document.modules:
        for func in module.funcs:
            if func.span is not None and func.span.path == snapshot.path:
                out.append(PreviewLens(func.span.span, LENS_TITLE, PREVIEW_HOST_SIGNATURES, (module.name, func.name)))
    out.sort(key=lambda lens: lens.span.start)
    return out


__all__ = [
    "LENS_TITLE",
    "PREVIEW_HOST_SIGNATURES",
    "PreviewLens",
    "preview_lenses",
    "preview_rust",
    "read_config",
]

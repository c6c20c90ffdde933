"""The wiggle host-bindings preview in the editor: the `witx.previewHostSignatures`
command (the Rust `wiggle::from_witx!` generates for a document), hover sections
(a function's trait method; a type's Rust spellings), and a "Preview host
signature" code lens over each function. Pure functions of an analysis and a
configuration (witx_lsp.wiggle.codegen).

The hover sections take the configuration as an argument (from the client's
`witx.preview.config`, passed in by the server with the hover options).
"""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import InterfaceFunc, Module, NamedType
from witx_lsp.wiggle.codegen import (
    DEFAULT_CONFIG,
    DEFAULT_PROFILE,
    Config,
    ConfigError,
    generate,
    parse_config,
    trait_header,
    type_forms,
)
from witx_lsp.wiggle.codegen.funcs import FuncGen
from witx_lsp.wiggle.codegen.rust_writer import RustWriter

PREVIEW_HOST_SIGNATURES = "witx.previewHostSignatures"
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


# --- hover -------------------------------------------------------------------------------------------


def method_text(module: Module, func: InterfaceFunc, config: Config = DEFAULT_CONFIG) -> tuple[str, str | None]:
    """The trait method as rustfmt lays it out at the top level, and the generator's panic (if any)."""
    gen = FuncGen(config)
    method = gen.method(module, func)
    panic = method.panic or gen.abi_panic(func)
    if method.sig is None:
        return method.one_line(), panic
    w = RustWriter()
    w.fn(method.sig)
    return w.text().rstrip("\n"), panic


def func_section(module: Module, func: InterfaceFunc, config: Config = DEFAULT_CONFIG) -> str | None:
    """Hover section: the function's wiggle trait method."""
    text, panic = method_text(module, func, config)
    header = f"{trait_header(module.name, config)} {{ … }}"
    parts = [f"wiggle host method (wasmtime v{config.profile}):", f"```rust\n// {header}\n{text}\n```"]
    if panic is not None:
        parts.append(f"⚠ wiggle-generate panics on this function: {panic}")
    return "\n\n".join(parts)


def type_section(analysis: Analysis, named: NamedType, config: Config = DEFAULT_CONFIG) -> str | None:
    """Hover section: the typename's Rust spellings (value, parameter, pointer, slice)."""
    forms = type_forms(analysis.document, named.name, config)
    if forms is None:
        return None
    rows = [(forms.rust, "the type"), (forms.param, "as a trait-method parameter"),
            (forms.pointer, "behind a pointer"), (forms.slice, "a list of it")]
    width = max(len(r) for r, _ in rows)
    body = "\n".join(f"{r.ljust(width)}  // {what}" for r, what in rows)
    size = ""
    if forms.size is not None:
        size = f"\n\n`GuestType`: `guest_size()` = {forms.size}, `guest_align()` = {forms.align}"
    return f"Rust ({forms.kind}, wiggle wasmtime v{config.profile}):\n\n```rust\n{body}\n```{size}"


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
    "func_section",
    "method_text",
    "preview_lenses",
    "preview_rust",
    "read_config",
    "type_section",
]

"""Preview of the Rust host bindings `wiggle::from_witx!` generates (wasmtime
v5-v19, the seed era, by default; a profile switch follows later releases).

`generate(document, config) -> Preview` renders, rustfmt-formatted, what the
generator (bytecodealliance/wasmtime crates/wiggle/generate) produces: `pub mod
types` and one `pub mod` per witx module with its trait. `parse_config` reads the
macro's braced argument; `hazard_diagnostics` reports what the generator
panics on or miscompiles. Depends on base, syntax, model, layout and abi only.
"""

from witx_lsp.wiggle.codegen.config import (
    DEFAULT_CONFIG,
    DEFAULT_PROFILE,
    Config,
    ConfigError,
    ErrorMapping,
    FunctionSet,
    parse_config,
    validate_errors,
    witx_paths,
)
from witx_lsp.wiggle.codegen.generate import (
    ModulePreview,
    Preview,
    TypeForms,
    definition_line,
    generate,
    trait_header,
    type_forms,
)
from witx_lsp.wiggle.codegen.hazards import hazard_diagnostics

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_PROFILE",
    "Config",
    "ConfigError",
    "ErrorMapping",
    "FunctionSet",
    "ModulePreview",
    "Preview",
    "TypeForms",
    "definition_line",
    "generate",
    "hazard_diagnostics",
    "parse_config",
    "trait_header",
    "type_forms",
    "validate_errors",
    "witx_paths",
]

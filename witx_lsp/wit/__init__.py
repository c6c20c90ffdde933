"""witx -> WIT (the component model's interface language): `convert(document,
options) -> WitPackage`, a pure function of the model (docs/wit.md has the mapping)."""

from witx_lsp.wit.convert import (
    DEFAULT_VERSION,
    HANDLES,
    WitOptions,
    WitPackage,
    convert,
    default_package,
    valid_package,
)
from witx_lsp.wit.migrated import MigratedAnalysis, analyze_migrated, conversion_diagnostics

__all__ = ["DEFAULT_VERSION", "HANDLES", "MigratedAnalysis", "WitOptions", "WitPackage", "analyze_migrated",
           "conversion_diagnostics", "convert", "default_package", "valid_package"]

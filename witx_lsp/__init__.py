"""witx-lsp: analysis, layout, ABI and editor tooling for the witx interface language."""

__version__ = "0.1.0"

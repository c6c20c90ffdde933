"""The language server: a thin pygls adapter over witx_lsp.features."""

"""wiggle, wasmtime's witx runtime and code generator, in Python terms.

`witx_lsp.wiggle.runtime` is the runtime (guest memory, pointers, borrows,
host bindings on wasmtime-py). May import base, syntax, model, layout and abi only.
"""

"""The witx Preview1 ABI: core wasm signatures and the adapter instruction
streams (WebAssembly/WASI tools/witx/src/abi.rs, witx 0.9.1). Depends on witx_lsp.base, .model and .layout only."""

from witx_lsp.abi.instructions import AbiError, Instruction, Op, witxt_names
from witx_lsp.abi.signature import F32, F64, I32, I64, Signature, document_signatures, param_core_types, wasm_signature
from witx_lsp.abi.streams import call_interface, call_wasm

__all__ = [
    "F32",
    "F64",
    "I32",
    "I64",
    "AbiError",
    "Instruction",
    "Op",
    "Signature",
    "call_interface",
    "call_wasm",
    "document_signatures",
    "param_core_types",
    "wasm_signature",
    "witxt_names",
]

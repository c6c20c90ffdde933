"""`add_to_linker`: define every function of a witx module in a wasmtime-py
`Linker` (bytecodealliance/wasmtime crates/wiggle/generate/src/wasmtime.rs, v19.0.2).

Each host function finds the caller's export "memory" (a `Memory`, or a
`SharedMemory`; anything else traps with "missing required memory export"),
wraps it in a fresh `WasmtimeMemory` (with a fresh borrow checker, as wiggle
makes a `WasmtimeGuestMemory` per call), runs the ABI glue, and closes the
memory view when the call returns. Exceptions raised by the glue (an `InFunc`
`GuestError`, a noreturn function's error, anything the implementation raises)
trap the guest; wasmtime-py re-raises them from the export call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from witx_lsp.model.types import Document, Module
from witx_lsp.wiggle.runtime.abi import AbiFunction, abi_function
from witx_lsp.wiggle.runtime.memory import WasmtimeMemory
from witx_lsp.wiggle.runtime.witx_types import TypeSpace


def module_functions(document: Document, module: str | Module, implementation: object, *,
                     errors: Mapping[str, Callable[[Any], Any]] | None = None,
                     success: Mapping[str, str] | None = None,
                     classes: Mapping[str, Callable[..., Any]] | object | None = None,
                     types: TypeSpace | None = None) -> list[AbiFunction]:
    """The ABI glue of every function of a module (callable without wasmtime,
    on any `GuestMemory`), in definition order."""
    mod = document.module(module) if isinstance(module, str) else module
    if mod is None:
        raise KeyError(f"no module `{module}` in the document")
    space = types or TypeSpace(document, classes=classes)
    return [abi_function(space, mod.name, f, implementation, errors=errors, success=success) for f in mod.funcs]


def _host(glue: Callable[..., Any]) -> Callable[..., Any]:
    from_caller = WasmtimeMemory.from_caller

    def host(caller: Any, *args: Any) -> Any:
        mem = from_caller(caller)
        try:
            return glue(mem, *args)
        finally:
            mem.close()
    return host


def add_to_linker(linker: Any, document: Document, module: str | Module, implementation: object, *,
                  errors: Mapping[str, Callable[[Any], Any]] | None = None,
                  success: Mapping[str, str] | None = None,
                  classes: Mapping[str, Callable[..., Any]] | object | None = None) -> list[AbiFunction]:
    """Define `module`'s functions in `linker` (a `wasmtime.Linker`), each with
    its core signature, calling `implementation`. See `abi_function` for
    `errors` (user error conversion hooks) and `success`; `classes` supplies the
    record classes (e.g. the module `generate_protocol` wrote)."""
    from wasmtime import FuncType, ValType

    vals = {"i32": ValType.i32(), "i64": ValType.i64(), "f32": ValType.f32(), "f64": ValType.f64()}
    funcs = module_functions(document, module, implementation, errors=errors, success=success, classes=classes)
    for f in funcs:
        ty = FuncType([vals[p] for p in f.params], [vals[r] for r in f.results])
        linker.define_func(f.module, f.name, ty, _host(f.call), access_caller=True)
    return funcs

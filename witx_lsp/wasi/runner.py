"""Run a wasm32-wasi module on wasmtime-py with this package's host (and any
user-supplied Python hosts for other witx modules), optionally traced:
the engine behind `witx-lsp run`.

A command module's `_start` is called; with `invoke`, a reactor's
`_initialize` (if exported) and then the named export. The outcome is the
exit status: 0 when the entry returns, the code of `proc_exit`, or
`TRAP_EXIT` (wasmtime's CLI: 128 + SIGABRT) with the trap's message.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from witx_lsp.model.analysis import analyze
from witx_lsp.model.types import Document
from witx_lsp.wasi.host import MODULE, WasiHost
from witx_lsp.wasi.host_base import WasiConfig
from witx_lsp.wasi.host_misc import ProcExit
from witx_lsp.wasi.trace import traced
from witx_lsp.wiggle.runtime import add_to_linker

TRAP_EXIT = 134


class RunError(Exception):
    """The module cannot be run as asked (bad witx, missing import, no entry point)."""


@dataclass(frozen=True)
class HostSpec:
    """`--host MODULE:python.module:Class`: witx module MODULE implemented by Class()."""

    module: str
    python_module: str
    class_name: str

    @classmethod
    def parse(cls, text: str) -> HostSpec:
        parts = text.split(":")
        if len(parts) != 3 or not all(parts):
            raise RunError(f"--host {text!r}: expected MODULE:python.module:Class")
        return cls(parts[0], parts[1], parts[2])

    def instantiate(self) -> object:
        """Class() from python.module, imported with the current directory on sys.path (as `python -m` does)."""
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            cls = getattr(importlib.import_module(self.python_module), self.class_name)
        except (ImportError, AttributeError) as e:
            raise RunError(f"--host {self.module}: cannot load {self.python_module}:{self.class_name}: {e}") from e
        try:
            return cls()
        except Exception as e:  # the user's constructor
            raise RunError(f"--host {self.module}: {self.class_name}() failed: {type(e).__name__}: {e}") from e


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    trap: str | None = None
    returned: Any = None


def load_witx(paths: Sequence[str]) -> Document:
    """The document of the witx files at `paths` (errors raise RunError)."""
    analysis = analyze(list(paths))
    errors = [d for d in analysis.diagnostics if d.severity.name == "ERROR"]
    if errors:
        raise RunError("; ".join(f"{d.code}: {d.message}" for d in errors[:5]))
    return analysis.document


def _imported_modules(module: Any) -> list[str]:
    seen: dict[str, None] = {}
    for imp in module.imports:
        seen.setdefault(imp.module, None)
    return list(seen)


def run_module(wasm: str | bytes | Any, document: Document, config: WasiConfig, *,
               hosts: Mapping[str, object] | None = None, trace: Callable[[str], None] | None = None,
               invoke: str | None = None, engine: Any = None) -> Outcome:
    """Link every module the wasm imports (preview1 to a WasiHost, others to
    `hosts`), then run it. `wasm` is a path, the bytes of a module, or a
    `wasmtime.Module` compiled with `engine`. `trace` receives one line per host call."""
    from wasmtime import Engine, Linker, Module, Store, WasmtimeError
    engine = engine or Engine()
    try:
        if isinstance(wasm, str):
            module = Module.from_file(engine, wasm)
        elif isinstance(wasm, bytes):
            module = Module(engine, wasm)
        else:
            module = wasm
    except WasmtimeError as e:
        raise RunError(f"not a wasm module: {e}") from None
    store = Store(engine)
    wasi: WasiHost | None = None
    try:
        try:
            linker = Linker(engine)
            for name in _imported_modules(module):
                impl: object
                if hosts and name in hosts:
                    impl = hosts[name]
                elif name == MODULE:
                    impl = wasi = WasiHost(config, document)
                else:
                    raise RunError(f"the module imports `{name}`, which no --witx/--host provides")
                if document.module(name) is None:
                    raise RunError(f"no witx given declares the module `{name}` (pass it with --witx)")
                add_to_linker(linker, document, name, traced(document, name, impl, trace) if trace else impl)
            instance = linker.instantiate(store, module)
        except (WasmtimeError, TypeError, ValueError) as e:
            raise RunError(f"cannot link the module: {e}") from None
        return _enter(store, instance.exports(store), invoke)
    finally:
        if wasi is not None:
            wasi.close()
        store.close()


def _enter(store: Any, exports: Any, invoke: str | None) -> Outcome:
    from wasmtime import ExitTrap
    try:
        if invoke is None:
            if "_start" not in exports:
                raise RunError("the module exports no `_start` (a reactor? name an export with --invoke)")
            exports["_start"](store)
            return Outcome(0)
        if "_initialize" in exports:
            exports["_initialize"](store)
        if invoke not in exports:
            raise RunError(f"the module exports no `{invoke}`")
        return Outcome(0, returned=exports[invoke](store))
    except ProcExit as e:
        return Outcome(e.code)
    except ExitTrap as e:
        return Outcome(e.code)
    except RunError:
        raise
    except Exception as e:  # a trap, or an exception a host raised (wasmtime-py re-raises it)
        return Outcome(TRAP_EXIT, trap=str(e) or type(e).__name__)

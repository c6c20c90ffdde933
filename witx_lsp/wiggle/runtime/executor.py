"""`run_in_dummy_executor` (wasmtime crates/wiggle/src/lib.rs): drive a
coroutine that must finish without waiting."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

from witx_lsp.wiggle.runtime.errors import PendingFutureError

T = TypeVar("T")


def run_in_dummy_executor(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` once, with nothing to wake it: its result if it completes,
    otherwise PendingFutureError ("Cannot wait on pending future: ...") and the
    coroutine is closed, as the Rust future is dropped."""
    try:
        coro.send(None)
    except StopIteration as stop:
        value: T = stop.value
        return value
    coro.close()
    raise PendingFutureError()

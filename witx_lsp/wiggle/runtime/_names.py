"""The few wiggle names the runtime needs: the Rust type name of a witx
typename (what `InvalidEnumValue` / `InvalidFlagValue` carry), and Python
identifiers for implementation methods and the generated Protocol.

Rust names come from the code generator's naming rules
(`witx_lsp.wiggle.names`, as wasmtime crates/wiggle/generate/src/names.rs).
"""

from __future__ import annotations

import keyword
import re

from witx_lsp.wiggle import names

snake = names.snake


def rust_type_name(witx_name: str) -> str:
    """The Rust identifier wiggle gives a witx typename (names.rs `type_`; `self` → `Self_`)."""
    return names.type_name(witx_name)


def py_ident(name: str) -> str:
    """A name as a Python identifier: other characters become `_`, a leading
    digit gets a `_` prefix, keywords a `_` suffix."""
    out = re.sub(r"\W", "_", name)
    if not out or out[0].isdigit():
        out = "_" + out
    if keyword.iskeyword(out):
        out += "_"
    return out


def py_class_name(witx_name: str) -> str:
    """A typename's Python class or alias name: its Rust name, made an identifier."""
    return py_ident(rust_type_name(witx_name))

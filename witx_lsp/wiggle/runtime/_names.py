"""The few wiggle names the runtime needs: the Rust type name of a witx
typename (what `InvalidEnumValue` / `InvalidFlagValue` carry), and Python
identifiers for implementation methods and the generated Protocol.

Rust names come from the code generator's naming module
(`witx_lsp.wiggle.codegen.names`, heck 0.4 with UAX #29 words, as wasmtime
crates/wiggle/generate/src/names.rs). When that module is absent, a private
fallback splits words on characters that are neither alphanumeric nor `_`
(the same result for witx identifiers made of letters, digits and `_`).
"""

from __future__ import annotations

import importlib
import keyword
import re
from typing import Any

try:
    _codegen: Any = importlib.import_module("witx_lsp.wiggle.codegen.names")
except ImportError:  # pragma: no cover - the generator ships with the runtime
    _codegen = None


def _words(s: str) -> list[str]:
    """heck's `transform` word list (fallback)."""
    out: list[str] = []
    for word in re.split(r"\W", s):
        init = 0
        mode = ""  # the case of the last cased character since a boundary: "", "lower", "upper"
        n = len(word)
        for i, c in enumerate(word):
            if c == "_":
                if init == i:
                    init += 1
                continue
            if i + 1 < n:
                nxt = word[i + 1]
                next_mode = "lower" if c.islower() else "upper" if c.isupper() else mode
                if nxt == "_" or (next_mode == "lower" and nxt.isupper()):
                    out.append(word[init:i + 1])
                    init = i + 1
                    mode = ""
                elif mode == "upper" and c.isupper() and nxt.islower():
                    out.append(word[init:i])
                    init = i
                    mode = ""
                else:
                    mode = next_mode
            else:
                out.append(word[init:])
    return out


def upper_camel(s: str) -> str:
    """heck `to_upper_camel_case`."""
    if _codegen is not None:
        return str(_codegen.upper_camel(s))
    return "".join(w[:1].upper() + w[1:].lower() for w in _words(s))


def snake(s: str) -> str:
    """heck `to_snake_case`."""
    if _codegen is not None:
        return str(_codegen.snake(s))
    return "_".join(w.lower() for w in _words(s))


def rust_type_name(witx_name: str) -> str:
    """The Rust identifier wiggle gives a witx typename (names.rs `type_`; `self` → `Self_`)."""
    if _codegen is not None:
        return str(_codegen.type_name(witx_name))
    return "Self_" if witx_name == "self" else upper_camel(witx_name)


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

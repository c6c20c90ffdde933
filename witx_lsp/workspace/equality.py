"""Equality of model values (`==` of their dataclasses), without comparing the same two
typenames twice.

After an edit of a file that others use, the functions that use its typenames are validated
again: equal values, but every typename they reach is a new object, so `==` walks its whole
type again for every function that mentions it. Here each pair of typenames found equal is
remembered (`Known`, for as long as the caller keeps it, holding both values so that their
ids are not reused). The walk keeps its own stack, as the rest of the analysis does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from witx_lsp.model import types
from witx_lsp.model.types import NamedType

Known = dict[tuple[int, int], tuple[NamedType, NamedType]]  # pairs of typenames found equal
_COMPARED: dict[type, tuple[str, ...] | None] = {}  # the fields a dataclass's `==` compares


def _compared_fields(cls: type) -> tuple[str, ...] | None:
    """The fields `==` compares, for a value type of the model (dataclasses with the `__eq__`
    they generate: model/types.py defines none of its own); None for anything else."""
    try:
        return _COMPARED[cls]
    except KeyError:
        params = getattr(cls, "__dataclass_params__", None)
        model = cls.__module__ == types.__name__ and params is not None and params.eq
        names = tuple(f.name for f in dataclasses.fields(cls) if f.compare) if model else None
        _COMPARED[cls] = names
        return names


def equal_values(a: object, b: object, known: Known) -> bool:
    """`a == b` for model values (frozen dataclasses, tuples, enums, strings, numbers)."""
    stack: list[tuple[Any, Any]] = [(a, b)]
    pairs: list[tuple[NamedType, NamedType]] = []  # typenames compared on the way, equal if all is
    seen: set[tuple[int, int]] = set()
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        cls = type(x)
        if cls is not type(y):
            return False
        if cls is tuple:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
            continue
        names = _compared_fields(cls)
        if names is None:
            if x != y:
                return False
            continue
        if cls is NamedType:
            key = (id(x), id(y))
            if key in known or key in seen:
                continue
            seen.add(key)
            pairs.append((x, y))
        stack.extend((getattr(x, n), getattr(y, n)) for n in names)
    for x, y in pairs:
        known[(id(x), id(y))] = (x, y)
    return True

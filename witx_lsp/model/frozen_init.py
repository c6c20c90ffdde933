"""Constructors for the frozen model values that an analysis makes by the ten thousand
(`model/types.py` installs them on its classes).

The `__init__` that `dataclass` writes for a frozen class sets each field with
`object.__setattr__(self, name, value)`, a lookup of the field by its name every time: about
four times the cost of a plain class's constructor. These set the slots through their
descriptors instead, with the same signature, defaults and result
(`tests/model/test_types_init.py` compares them with the dataclass fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any


def _setters(cls: type) -> list[Callable[[object, object], None]]:
    """The `__set__` of each field's slot, in field order."""
    return [vars(cls)[f.name].__set__ for f in fields(cls)]


def named_init(cls: type) -> None:
    """`(name, tref, docs="", span=None)`: RecordMember, Case, NamedType, Param."""
    set_name, set_tref, set_docs, set_span = _setters(cls)

    def __init__(self: object, name: str, tref: Any, docs: str = "", span: Any = None) -> None:
        set_name(self, name)
        set_tref(self, tref)
        set_docs(self, docs)
        set_span(self, span)

    cls.__init__ = __init__  # type: ignore[misc]


def record_type_init(cls: type) -> None:
    """`RecordType(kind, members, repr=None, form="record")`."""
    set_kind, set_members, set_repr, set_form = _setters(cls)

    def __init__(self: object, kind: Any, members: Any, repr: Any = None, form: str = "record") -> None:
        set_kind(self, kind)
        set_members(self, members)
        set_repr(self, repr)
        set_form(self, form)

    cls.__init__ = __init__  # type: ignore[misc]


def variant_type_init(cls: type) -> None:
    """`VariantType(tag_repr, cases, form="variant")`."""
    set_tag, set_cases, set_form = _setters(cls)

    def __init__(self: object, tag_repr: Any, cases: Any, form: str = "variant") -> None:
        set_tag(self, tag_repr)
        set_cases(self, cases)
        set_form(self, form)

    cls.__init__ = __init__  # type: ignore[misc]


def interface_func_init(cls: type) -> None:
    """`InterfaceFunc(name, params, results, noreturn=False, docs="", span=None)`."""
    set_name, set_params, set_results, set_noreturn, set_docs, set_span = _setters(cls)

    def __init__(self: object, name: str, params: Any, results: Any, noreturn: bool = False, docs: str = "",
                 span: Any = None) -> None:
        set_name(self, name)
        set_params(self, params)
        set_results(self, results)
        set_noreturn(self, noreturn)
        set_docs(self, docs)
        set_span(self, span)

    cls.__init__ = __init__  # type: ignore[misc]

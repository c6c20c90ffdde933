"""The hand-written constructors of the frozen model classes (model/frozen_init.py)
take what the constructor `dataclass` writes takes, and make the same value."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from witx_lsp.base.span import FileSpan, Span
from witx_lsp.model import types

# Every frozen slotted dataclass of the model whose `__init__` is not the one `dataclass` wrote.
REPLACED = [cls for cls in vars(types).values()
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == types.__name__
            and cls.__init__.__code__.co_filename != "<string>"]


def test_the_hot_classes_have_their_own_constructor() -> None:
    names = {cls.__name__ for cls in REPLACED}
    assert {"RecordMember", "Case", "NamedType", "Param", "RecordType", "VariantType", "InterfaceFunc"} <= names


@pytest.mark.parametrize("cls", REPLACED, ids=lambda c: c.__name__)
def test_same_signature_as_the_dataclass_fields(cls: type) -> None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert [p.name for p in params] == [f.name for f in fields]
    assert [p.default for p in params] == [inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
                                           for f in fields]
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)


@pytest.mark.parametrize("cls", REPLACED, ids=lambda c: c.__name__)
def test_every_field_set_as_given_and_still_frozen(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    values = {f.name: object() for f in fields}
    by_keyword = cls(**values)
    by_position = cls(*values.values())
    for f in fields:
        assert getattr(by_keyword, f.name) is values[f.name]
        assert getattr(by_position, f.name) is values[f.name]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_keyword, fields[0].name, None)


def test_defaults_equality_and_hash() -> None:
    a = types.RecordMember("x", types.BOOL)
    b = types.RecordMember("x", types.BOOL, "", FileSpan("/f", Span(1, 2)))
    assert a.docs == "" and a.span is None
    assert a == b and hash(a) == hash(b)  # spans do not compare
    assert types.VariantType(types.IntRepr.U8, ()).form == "variant"
    assert types.RecordType(types.RecordKind.OTHER, ()).repr is None
    assert types.InterfaceFunc("f", (), ()).noreturn is False

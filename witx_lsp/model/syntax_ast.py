"""Typed witx syntax, between the S-expression tree and the validated model
(the reference's `*Syntax` structs, tools/witx/src/parser.rs). Every node keeps
the spans that diagnostics and navigation need."""

from __future__ import annotations

from dataclasses import dataclass, field

from witx_lsp.base.span import Span
from witx_lsp.model.types import Builtin


@dataclass(slots=True)
class Name:
    """A `$identifier` (name without `$`)."""

    text: str
    span: Span


@dataclass(slots=True)
class TdRef:
    name: Name


@dataclass(slots=True)
class TdBuiltin:
    builtin: Builtin
    span: Span


@dataclass(slots=True)
class TdString:
    span: Span


@dataclass(slots=True)
class TdBool:
    span: Span


@dataclass(slots=True)
class Member:
    """A named enum member or flag, with its docs."""

    name: Name
    docs: str


@dataclass(slots=True)
class TdEnum:
    repr: Builtin | None
    repr_span: Span | None
    members: list[Member]
    span: Span


@dataclass(slots=True)
class TdFlags:
    repr: Builtin | None
    repr_span: Span | None
    flags: list[Member]
    span: Span


@dataclass(slots=True)
class Field:
    name: Name
    type: Typedef
    docs: str
    span: Span


@dataclass(slots=True)
class TdRecord:
    fields: list[Field]
    span: Span


@dataclass(slots=True)
class TdTuple:
    types: list[Typedef]
    span: Span


@dataclass(slots=True)
class UnionMember:
    type: Typedef
    docs: str


@dataclass(slots=True)
class TdUnion:
    tag: Typedef | None
    members: list[UnionMember]
    span: Span


@dataclass(slots=True)
class CaseSyntax:
    name: Name
    type: Typedef | None
    docs: str
    span: Span


@dataclass(slots=True)
class TdVariant:
    tag: Typedef | None
    cases: list[CaseSyntax]
    span: Span


@dataclass(slots=True)
class TdExpected:
    ok: Typedef | None
    err: Typedef | None
    span: Span


@dataclass(slots=True)
class TdHandle:
    span: Span


@dataclass(slots=True)
class TdList:
    element: Typedef
    span: Span


@dataclass(slots=True)
class TdPointer:
    pointee: Typedef
    const: bool
    span: Span


Typedef = (TdRef | TdBuiltin | TdString | TdBool | TdEnum | TdFlags | TdRecord | TdTuple | TdUnion | TdVariant
           | TdExpected | TdHandle | TdList | TdPointer)


def typedef_span(t: Typedef) -> Span:
    return t.name.span if isinstance(t, TdRef) else t.span


@dataclass(slots=True)
class UseDecl:
    path: str
    path_span: Span
    span: Span


@dataclass(slots=True)
class TypenameDecl:
    name: Name
    type: Typedef
    docs: str
    span: Span


@dataclass(slots=True)
class ConstDecl:
    type_name: Name
    name: Name
    value: int
    value_span: Span
    docs: str
    span: Span


@dataclass(slots=True)
class FuncParam:
    name: Name
    type: Typedef
    docs: str
    span: Span


@dataclass(slots=True)
class FuncDecl:
    export: str
    export_span: Span
    params: list[FuncParam]
    results: list[FuncParam]
    noreturn: bool
    docs: str
    span: Span


@dataclass(slots=True)
class ImportDecl:
    name: str
    name_span: Span
    docs: str
    span: Span


@dataclass(slots=True)
class ModuleDecl:
    name: Name
    imports: list[ImportDecl]
    funcs: list[FuncDecl]
    docs: str
    span: Span
    # Imports and functions in source order (they share one name scope).
    order: list[ImportDecl | FuncDecl] = field(default_factory=list)


Decl = UseDecl | TypenameDecl | ConstDecl | ModuleDecl

"""Lowered declarations moved in their file: a copy of a declaration with every span moved by
the same distance (an editor's keystroke before it, model/lower_incremental.py). Nothing else
changes: names, docs, values and builtins are shared with the original, which stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from witx_lsp.base.span import Span
from witx_lsp.model.syntax_ast import (
    CaseSyntax,
    ConstDecl,
    Decl,
    Field,
    FuncDecl,
    FuncParam,
    ImportDecl,
    Member,
    ModuleDecl,
    Name,
    TdBool,
    TdBuiltin,
    TdEnum,
    TdExpected,
    TdFlags,
    TdHandle,
    TdList,
    TdPointer,
    TdRecord,
    TdRef,
    TdString,
    TdTuple,
    TdUnion,
    TdVariant,
    Typedef,
    TypenameDecl,
    UnionMember,
    UseDecl,
)

_new = tuple.__new__  # `_new(Span, (start, end))`: Span(start, end) without its Python-level __new__


def _span(s: Span, d: int) -> Span:
    return _new(Span, (s[0] + d, s[1] + d))


def _opt_span(s: Span | None, d: int) -> Span | None:
    return None if s is None else _new(Span, (s[0] + d, s[1] + d))


def _name(n: Name, d: int) -> Name:
    s = n.span
    return Name(n.text, _new(Span, (s[0] + d, s[1] + d)))


def _members(ms: list[Member], d: int) -> list[Member]:
    return [Member(_name(m.name, d), m.docs) for m in ms]


def _opt(t: Typedef | None, d: int) -> Typedef | None:
    return None if t is None else typedef(t, d)


_TYPEDEFS: dict[type, Callable[[Any, int], Typedef]] = {
    TdRef: lambda t, d: TdRef(_name(t.name, d)),
    TdBuiltin: lambda t, d: TdBuiltin(t.builtin, _span(t.span, d)),
    TdString: lambda t, d: TdString(_span(t.span, d)),
    TdBool: lambda t, d: TdBool(_span(t.span, d)),
    TdEnum: lambda t, d: TdEnum(t.repr, _opt_span(t.repr_span, d), _members(t.members, d), _span(t.span, d)),
    TdFlags: lambda t, d: TdFlags(t.repr, _opt_span(t.repr_span, d), _members(t.flags, d), _span(t.span, d)),
    TdRecord: lambda t, d: TdRecord([Field(_name(f.name, d), typedef(f.type, d), f.docs, _span(f.span, d))
                                     for f in t.fields], _span(t.span, d)),
    TdTuple: lambda t, d: TdTuple([typedef(x, d) for x in t.types], _span(t.span, d)),
    TdUnion: lambda t, d: TdUnion(_opt(t.tag, d), [UnionMember(typedef(m.type, d), m.docs) for m in t.members],
                                  _span(t.span, d)),
    TdVariant: lambda t, d: TdVariant(_opt(t.tag, d), [CaseSyntax(_name(c.name, d), _opt(c.type, d), c.docs,
                                                                  _span(c.span, d)) for c in t.cases],
                                      _span(t.span, d)),
    TdExpected: lambda t, d: TdExpected(_opt(t.ok, d), _opt(t.err, d), _span(t.span, d)),
    TdHandle: lambda t, d: TdHandle(_span(t.span, d)),
    TdList: lambda t, d: TdList(typedef(t.element, d), _span(t.span, d)),
    TdPointer: lambda t, d: TdPointer(typedef(t.pointee, d), t.const, _span(t.span, d)),
}


def typedef(t: Typedef, d: int) -> Typedef:
    """`t` moved by `d`."""
    return _TYPEDEFS[type(t)](t, d)


def _params(ps: list[FuncParam], d: int) -> list[FuncParam]:
    out = []
    for p in ps:  # (written out: most of a moved module is its parameters)
        t, n, s = p.type, p.name, p.span
        if type(t) is TdRef:
            tn = t.name
            ts = tn.span
            moved: Typedef = TdRef(Name(tn.text, _new(Span, (ts[0] + d, ts[1] + d))))
        else:
            moved = typedef(t, d)
        ns = n.span
        out.append(FuncParam(Name(n.text, _new(Span, (ns[0] + d, ns[1] + d))), moved, p.docs,
                             _new(Span, (s[0] + d, s[1] + d))))
    return out


def _func(f: FuncDecl, d: int) -> FuncDecl:
    return FuncDecl(f.export, _span(f.export_span, d), _params(f.params, d), _params(f.results, d), f.noreturn,
                    f.docs, _span(f.span, d))


def _module(m: ModuleDecl, d: int) -> ModuleDecl:
    funcs = {id(f): _func(f, d) for f in m.funcs}
    imports = {id(i): ImportDecl(i.name, _span(i.name_span, d), i.docs, _span(i.span, d)) for i in m.imports}
    order = [funcs[id(x)] if isinstance(x, FuncDecl) else imports[id(x)] for x in m.order]
    return ModuleDecl(_name(m.name, d), list(imports.values()), list(funcs.values()), m.docs, _span(m.span, d),
                      order)


def decl(x: Decl, d: int) -> Decl:
    """`x` moved by `d` (`x` itself when `d` is 0)."""
    if d == 0:
        return x
    if isinstance(x, ModuleDecl):
        return _module(x, d)
    if isinstance(x, TypenameDecl):
        return TypenameDecl(_name(x.name, d), typedef(x.type, d), x.docs, _span(x.span, d))
    if isinstance(x, UseDecl):
        return UseDecl(x.path, _span(x.path_span, d), _span(x.span, d))
    return ConstDecl(_name(x.type_name, d), _name(x.name, d), x.value, _span(x.value_span, d), x.docs,
                     _span(x.span, d))

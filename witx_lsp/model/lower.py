"""S-expression tree -> typed witx syntax (`Decl`s), reporting in words what was
expected. The grammar is WebAssembly/WASI tools/witx/src/parser.rs at witx 0.9.1;
legacy and unreleased dialects (witx 0.8 at WASI commit 8deb71dd, and the never-released
`use … from` (834679b8) and witx 0.10 (d31ad1bc) parsers)
get errors that name them."""

from __future__ import annotations

from dataclasses import dataclass, field

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import Span
from witx_lsp.model.lower_base import Reporter, describe, is_annotation, name_of
from witx_lsp.model.lower_types import TypeLowering
from witx_lsp.model.syntax_ast import (
    ConstDecl,
    Decl,
    FuncDecl,
    FuncParam,
    ImportDecl,
    ModuleDecl,
    TypenameDecl,
    UseDecl,
)
from witx_lsp.syntax.scanner import decode_string
from witx_lsp.syntax.tree import Atom, Node, SList, SourceTree, TokenKind, docs_of

_U64_MAX = (1 << 64) - 1
_new = tuple.__new__  # `_new(Span, (start, end))`: Span(start, end) without its Python-level __new__
_MSG_USE_FROM = ("`(use … from $file)` is the reverted \"use … from\" syntax (WebAssembly/WASI, March-June 2021), "
                 "never released; witx 0.9.1 includes files with `(use \"file.witx\")`")
_MSG_RESOURCE = ("`(resource …)` belongs to the reverted \"use … from\" syntax (WebAssembly/WASI, March-June 2021), "
                 "never released; witx 0.9.1 has `(handle)` types instead")
_MSG_010 = ("this `module` holds `{kw}`: that is the unreleased module-scoped \"witx 0.10\" dialect "
            "(WebAssembly/WASI PR #422); witx 0.9.1 reads `typename`, `use` and `@witx const` only at the top level")


@dataclass
class LoweredFile:
    decls: list[Decl]
    diagnostics: list[Diagnostic]
    # True when the file is written in an unreleased dialect: its decls are not validated.
    foreign: bool = False
    dropped_consts: list[ConstDecl] = field(default_factory=list)


def lower(tree: SourceTree, path: str) -> LoweredFile:
    r = Reporter(path, tree.text)
    decls = lower_items(tree.items, tree.annotations, r)
    dropped = drop_trailing_consts(decls, r)
    return LoweredFile(decls, r.diagnostics, is_foreign(r), dropped)


def lower_items(items: list[Node], annotations: set[str], r: Reporter) -> list[Decl]:
    """The declarations of a file's top-level `items` (`annotations`: the names of the annotations
    that open a list in them), reported to `r` in order; the trailing constants are kept. The
    lowering of an item depends on nothing else but what `r` holds (model/lower_incremental.py
    relies on it): the dialects reported once per file, and the unknown annotations, which are
    all reported first."""
    types = TypeLowering(r)
    decls: list[Decl] = []
    if not annotations <= _KNOWN_ANNOTATIONS:
        items = _skip_unknown_annotations(items, r)
    for node in items:
        d = _toplevel(node, r, types)
        if d is not None:
            decls.append(d)
    return decls


def is_foreign(r: Reporter) -> bool:
    """Whether the lowering reported to `r` found an unreleased dialect (`LoweredFile.foreign`)."""
    return bool(r.dialect_reported & {"E0211", "E0212", "E0213"})


_KNOWN_ANNOTATIONS = frozenset({"@witx", "@interface"})


def _is_unknown_annotation(node: Node) -> bool:
    return (isinstance(node, SList) and node.head is not None and node.head.kind is TokenKind.ANNOTATION
            and node.head.text not in _KNOWN_ANNOTATIONS)


def _skip_unknown_annotations(items: list[Node], r: Reporter) -> list[Node]:
    """The items without annotations witx does not know, wherever they are: wast
    reads an unregistered annotation as whitespace (bytecodealliance/wasm-tools
    crates/wast/src/parser.rs, wast 35, `register_annotation`). Each is
    reported once. The tree is shared (parse cache), so it is copied."""
    out: list[Node] = []
    work: list[tuple[list[Node], list[Node]]] = [(items, out)]
    while work:
        src, dst = work.pop()
        for n in src:
            if not isinstance(n, SList):
                dst.append(n)
            elif _is_unknown_annotation(n):
                _unknown_annotation(n, r)
            else:
                copy = SList(n.start, n.end, [], n.closed, n.leading, n.trailing)
                dst.append(copy)
                work.append((n.items, copy.items))
    return out


def drop_trailing_consts(decls: list[Decl], r: Reporter) -> list[ConstDecl]:
    """The reference skips `(@witx const …)` forms after the file's last other
    declaration: between declarations wast has not registered the `@witx`
    annotation yet, so they read as whitespace (wast 35 crates/wast/src/parser.rs
    `register_annotation`, called by witx 0.9.1 tools/witx/src/parser.rs)."""
    dropped: list[ConstDecl] = []
    while decls and isinstance(decls[-1], ConstDecl):
        c = decls.pop()
        assert isinstance(c, ConstDecl)
        dropped.append(c)
    for c in reversed(dropped):
        r.warn("W0102", f"constant `{c.name.text}` is ignored: witx 0.9.1 drops `(@witx const …)` forms that come "
               "after the last other declaration of a file; move it before a `typename` or `module`", c.span)
    return list(reversed(dropped))


def _toplevel(node: Node, r: Reporter, types: TypeLowering) -> Decl | None:
    if isinstance(node, Atom):
        r.error("E0103", f"expected `(` to start a declaration, found {describe(node)}", node.span)
        return None
    head = node.head
    if head is None:
        r.expected("a declaration keyword (`typename`, `module`, `use` or `@witx const`)", node, 0)
        return None
    kw = head.text
    if kw == "typename":
        return _typename(node, r, types)
    if kw == "module":
        return _module(node, r, types)
    if kw == "use":
        return _use(node, r)
    if head.kind is TokenKind.ANNOTATION:
        if kw == "@witx":
            return _const(node, r)
        if kw == "@interface":
            r.error("E0104", "`(@interface func …)` must be inside a `(module …)`", node.span)
            return None
        _unknown_annotation(node, r)
        return None
    if kw == "resource":
        r.dialect_once("E0212", _MSG_RESOURCE, head.span)
        return None
    r.error("E0104", f"unknown declaration `({kw}`: expected `typename`, `module`, `use` or `@witx const`", head.span)
    return None


def _unknown_annotation(node: SList, r: Reporter) -> None:
    head = node.head
    assert head is not None
    r.warn("W0101", f"unknown annotation `({head.text} …)` is ignored (witx reads only `@witx` and `@interface`)",
           node.span)


def _typename(lst: SList, r: Reporter, types: TypeLowering) -> TypenameDecl | None:
    name = name_of(lst.items[1] if len(lst.items) > 1 else None)
    if name is None:
        r.expected("a type name (`$name`)", lst, 1)
        return None
    t = types.typedef(lst.items[2] if len(lst.items) > 2 else None, lst, 2)
    r.extra(lst, 3, "typename")
    if t is None:
        # Keep the name known so later references do not cascade into errors.
        return TypenameDecl(name, None, docs_of(lst.leading), lst.span)  # type: ignore[arg-type]
    return TypenameDecl(name, t, docs_of(lst.leading), lst.span)


def _use(lst: SList, r: Reporter) -> UseDecl | None:
    arg = lst.items[1] if len(lst.items) > 1 else None
    if isinstance(arg, Atom) and arg.kind is TokenKind.STRING:
        r.extra(lst, 2, "use")
        return UseDecl(decode_string(arg.text), arg.span, lst.span)
    if (isinstance(arg, Atom) and (arg.kind is TokenKind.ID or arg.text == "*")) or isinstance(arg, SList):
        r.dialect_once("E0211", _MSG_USE_FROM, lst.span)
        return None
    r.expected("a file name string (`(use \"file.witx\")`)", lst, 1)
    return None


def _const(lst: SList, r: Reporter) -> ConstDecl | None:
    word = lst.items[1] if len(lst.items) > 1 else None
    if not (isinstance(word, Atom) and word.text == "const"):
        r.expected("`const` (the only top-level `@witx` form is `(@witx const $type $name value)`)", lst, 1)
        return None
    ty = name_of(lst.items[2] if len(lst.items) > 2 else None)
    if ty is None:
        r.expected("the constant's type (`$type`)", lst, 2)
        return None
    name = name_of(lst.items[3] if len(lst.items) > 3 else None)
    if name is None:
        r.expected("the constant's name (`$name`)", lst, 3)
        return None
    v = lst.items[4] if len(lst.items) > 4 else None
    if not (isinstance(v, Atom) and v.kind is TokenKind.NUMBER):
        r.expected("an integer value", lst, 4)
        return None
    value = integer_value(v.text)
    if value is None or value < 0 or value > _U64_MAX:
        r.error("E0105", f"constant value `{v.text}` is not an integer from 0 to 2^64-1", v.span)
        return None
    r.extra(lst, 5, "@witx const")
    return ConstDecl(ty, name, value, v.span, docs_of(lst.leading), lst.span)


def integer_value(text: str) -> int | None:
    t = text.replace("_", "")
    if "__" in text or text.endswith("_") or text.lstrip("+-").startswith("_"):
        return None
    try:
        return int(t, 16) if t.lstrip("+-").lower().startswith("0x") else int(t, 10)
    except ValueError:
        return None


def _module(lst: SList, r: Reporter, types: TypeLowering) -> ModuleDecl | None:
    name = name_of(lst.items[1] if len(lst.items) > 1 else None)
    if name is None:
        r.expected("a module name (`$name`)", lst, 1)
        return None
    items = lst.items
    heads = [_head(item) for item in items]
    for i in range(2, len(items)):
        head = heads[i]
        if head is not None and (head.text in _MODULE_010
                                 or (head.text == "@witx" and head.kind is TokenKind.ANNOTATION)):
            r.dialect_once("E0213", _MSG_010.format(kw=head.text), items[i].span)
            return None
    mod = ModuleDecl(name, [], [], docs_of(lst.leading) if lst.leading else "", lst.span)
    for i in range(2, len(items)):
        item, head = items[i], heads[i]
        if head is None or not isinstance(item, SList):
            r.expected("`(import …)` or `(@interface func …)`", lst, i)
        elif head.text == "@interface" and head.kind is TokenKind.ANNOTATION:
            f = _func(item, r, types)
            if f is not None:
                mod.funcs.append(f)
                mod.order.append(f)
        elif head.text == "import":
            imp = _import(item, r)
            if imp is not None:
                mod.imports.append(imp)
                mod.order.append(imp)
        elif head.kind is TokenKind.ANNOTATION:
            _unknown_annotation(item, r)
        else:
            r.expected("`(import …)` or `(@interface func …)`", lst, i)
    return mod


# Heads of module items that belong to the unreleased witx 0.10 dialect (and `(@witx …)`).
_MODULE_010 = frozenset({"typename", "use", "resource", "export"})


def _head(node: Node) -> Atom | None:
    """The head atom of a list (None for an atom or a list without one)."""
    if isinstance(node, SList) and node.items:
        first = node.items[0]
        if isinstance(first, Atom):
            return first
    return None


def _import(lst: SList, r: Reporter) -> ImportDecl | None:
    name = lst.items[1] if len(lst.items) > 1 else None
    if not (isinstance(name, Atom) and name.kind is TokenKind.STRING):
        r.expected("the import's name string", lst, 1)
        return None
    what = lst.items[2] if len(lst.items) > 2 else None
    if not (isinstance(what, SList) and what.head_is("memory") and len(what.items) == 1):
        r.expected("`(memory)` (memory is the only thing a witx module imports)", lst, 2)
        return None
    r.extra(lst, 3, "import")
    return ImportDecl(decode_string(name.text), name.span, docs_of(lst.leading), lst.span)


def _func(lst: SList, r: Reporter, types: TypeLowering) -> FuncDecl | None:
    items = lst.items
    word = items[1] if len(items) > 1 else None
    if not (isinstance(word, Atom) and word.text == "func"):
        r.expected("`func`", lst, 1)
        return None
    exp = items[2] if len(items) > 2 else None
    name_atom = exp.items[1] if isinstance(exp, SList) and exp.head_is("export") and len(exp.items) > 1 else None
    if not (isinstance(name_atom, Atom) and name_atom.kind is TokenKind.STRING):
        r.expected("`(export \"name\")`", lst, 2)
        return None
    assert isinstance(exp, SList)
    if len(exp.items) > 2:
        r.extra(exp, 2, "export")
    f = FuncDecl(decode_string(name_atom.text), name_atom.span, [], [], False,
                 docs_of(lst.leading) if lst.leading else "", lst.span)
    ok = True
    for i in range(3, len(items)):
        item = items[i]
        head = item.items[0] if isinstance(item, SList) and item.items else None
        kw = head.text if isinstance(head, Atom) else ""
        if kw == "param" or kw == "result":
            assert isinstance(item, SList)
            p = _param(item, kw, r, types)
            if p is None:
                ok = False
            elif kw == "param":
                f.params.append(p)
            else:
                f.results.append(p)
        elif (is_annotation(item, "@witx") and isinstance(item, SList) and len(item.items) == 2
              and isinstance(item.items[1], Atom) and item.items[1].text == "noreturn"):
            f.noreturn = True
        else:
            r.expected("`(param …)`, `(result …)` or `(@witx noreturn)`", lst, i)
    return f if ok else None


def _param(lst: SList, kw: str, r: Reporter, types: TypeLowering) -> FuncParam | None:
    """`(param $name type)` or `(result $name type)` (`kw`)."""
    items = lst.items
    name = name_of(items[1] if len(items) > 1 else None)
    if name is None:
        r.expected(f"a {kw} name (`$name`)", lst, 1)
        return None
    t = types.typedef(items[2] if len(items) > 2 else None, lst, 2)
    if len(items) > 3:
        r.extra(lst, 3, kw)
    if t is None:
        return None
    return FuncParam(name, t, docs_of(lst.leading) if lst.leading else "", _new(Span, (lst.start, lst.end)))

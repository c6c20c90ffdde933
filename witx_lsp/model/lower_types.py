"""Lowering of type forms (`TypedefSyntax` in WebAssembly/WASI tools/witx/src/parser.rs,
witx 0.9.1) with the witx ≤0.8 forms (parser.rs at WASI commit 8deb71dd) each reported with its
0.9 replacement."""

from __future__ import annotations

from witx_lsp.base.span import Span
from witx_lsp.model.lower_base import (
    BUILTIN_VALUES,
    MAX_TYPE_DEPTH,
    Reporter,
    builtin_of,
    describe,
    is_annotation,
    name_of,
)
from witx_lsp.model.syntax_ast import (
    CaseSyntax,
    Field,
    Member,
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
    UnionMember,
)
from witx_lsp.model.types import Builtin, BuiltinKind
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind, docs_of

_new = tuple.__new__  # `_new(Span, (start, end))`: Span(start, end) without its Python-level __new__
_D08 = "witx-0.8"
_D010 = "E0213"
_MSG_010 = ("`{kw}` belongs to the unreleased module-scoped \"witx 0.10\" dialect (WebAssembly/WASI PR #422), "
            "which witx 0.9.1 does not read")


class TypeLowering:
    def __init__(self, r: Reporter) -> None:
        self.r = r

    def typedef(self, node: Node | None, parent: SList, index: int, depth: int = 0) -> Typedef | None:
        """The type at `parent.items[index]`; None after reporting an error."""
        if isinstance(node, Atom) and depth <= MAX_TYPE_DEPTH:
            return self._atom(node, parent, index)
        if node is None:
            self.r.expected("a type", parent, index)
            return None
        if depth > MAX_TYPE_DEPTH:
            self.r.error("E0108", f"type nested more than {MAX_TYPE_DEPTH} levels deep", node.span)
            return None
        assert isinstance(node, SList)
        head = node.items[0] if node.items else None
        if not isinstance(head, Atom):
            self.r.expected("a type keyword (`record`, `list`, `@witx`, …)", node, 0)
            return None
        kw = head.text
        method = _FORMS.get(kw)
        if method is not None:
            return method(self, node, depth + 1)
        if kw in ("option", "in-buffer", "out-buffer"):
            self.r.dialect_once(_D010, _MSG_010.format(kw=kw), head.span)
            return None
        self.r.expected("a type", parent, index)
        return None

    def _atom(self, a: Atom, parent: SList, index: int) -> Typedef | None:
        kind = a.kind
        if kind is TokenKind.ID:
            return TdRef(Name(a.text[1:], _new(Span, (a.start, a.end))))
        if kind is TokenKind.KEYWORD:
            text = a.text
            builtin = BUILTIN_VALUES.get(text)
            if builtin is not None:
                return TdBuiltin(builtin, _new(Span, (a.start, a.end)))
            if text == "string":
                return TdString(a.span)
            if text == "bool":
                return TdBool(a.span)
            if text == "char8":
                self.r.dialect("E0207", "bare `char8` is witx 0.8 syntax; since witx 0.9 it is `(@witx char8)`",
                               a.span, [(a.span, "(@witx char8)")], _D08)
                return TdBuiltin(Builtin(BuiltinKind.U8, lang_c_char=True), a.span)
            if text == "usize":
                self.r.error("E0101", "`usize` is written `(@witx usize)`", a.span)
                return None
        self.r.expected("a type", parent, index)
        return None

    # --- forms -------------------------------------------------------------------------------

    def _tag_annotation(self, lst: SList, name: str) -> tuple[Node | None, int]:
        """`(@witx name X)` as the first item after the keyword: (X, next index)."""
        first = lst.items[1] if len(lst.items) > 1 else None
        if (is_annotation(first, "@witx") and isinstance(first, SList) and len(first.items) >= 2
                and isinstance(first.items[1], Atom) and first.items[1].text == name):
            if len(first.items) < 3:
                self.r.expected("a type", first, 2)
                return None, 2
            self.r.extra(first, 3, f"@witx {name}")
            return first.items[2], 2
        return None, 1

    def _repr(self, lst: SList, ann: str, kw: str) -> tuple[Builtin | None, Span | None, int]:
        """The repr of an enum (`tag`) or flags (`repr`), also in its 0.8 spellings."""
        node, i = self._tag_annotation(lst, ann)
        if node is not None:
            b = builtin_of(node)
            if b is None:
                self.r.error("E0101", f"expected an integer type (`u8`, `u16`, `u32` or `u64`) in `(@witx {ann} …)`, "
                             f"found {describe(node)}", node.span)
            return b, node.span, i
        first = lst.items[1] if len(lst.items) > 1 else None
        bare = builtin_of(first)
        if bare is not None and isinstance(first, Atom):
            self.r.dialect("E0204" if kw == "enum" else "E0205",
                           f"`({kw} {first.text} …)` is witx 0.8 syntax; since witx 0.9 it is "
                           f"`({kw} (@witx {ann} {first.text}) …)`",
                           first.span, [(first.span, f"(@witx {ann} {first.text})")], _D08)
            return bare, first.span, 2
        if (kw == "flags" and is_annotation(first, "@witx") and isinstance(first, SList) and len(first.items) >= 3
                and isinstance(first.items[1], Atom) and first.items[1].text == "bitflags"):
            b = builtin_of(first.items[2])
            self.r.dialect("E0205", "`(@witx bitflags …)` is pre-0.9 syntax; since witx 0.9 it is `(@witx repr …)`",
                           first.items[1].span, [(first.items[1].span, "repr")], _D08)
            return b, first.items[2].span, 2
        return None, None, 1

    def _members(self, lst: SList, start: int, kw: str) -> list[Member]:
        out: list[Member] = []
        for i in range(start, len(lst.items)):
            item = lst.items[i]
            n = name_of(item)
            if n is not None and isinstance(item, Atom):
                out.append(Member(n, docs_of(item.leading)))
            elif kw == "flags" and isinstance(item, SList) and item.head_is("flag") and name_of(
                    item.items[1] if len(item.items) > 1 else None):
                n2 = name_of(item.items[1])
                assert n2 is not None
                self.r.dialect("E0205", "`(flag $x)` is early witx syntax; since witx 0.9 a flag is written `$x`",
                               item.span, [(item.span, "$" + n2.text)], _D08)
                out.append(Member(n2, docs_of(item.leading)))
            else:
                self.r.expected(f"an identifier (a {'flag' if kw == 'flags' else 'member'} name)", lst, i)
        return out

    def enum(self, lst: SList, depth: int) -> Typedef | None:
        repr_, repr_span, i = self._repr(lst, "tag", "enum")
        members = self._members(lst, i, "enum")
        if not members and i >= len(lst.items):
            self.r.expected("an identifier (an enum needs at least one member)", lst, i)
        return TdEnum(repr_, repr_span, members, lst.span)

    def flags(self, lst: SList, depth: int) -> Typedef | None:
        repr_, repr_span, i = self._repr(lst, "repr", "flags")
        return TdFlags(repr_, repr_span, self._members(lst, i, "flags"), lst.span)

    def _fields(self, lst: SList, start: int, depth: int, kw: str) -> list[Field]:
        fields: list[Field] = []
        for i in range(start, len(lst.items)):
            item = lst.items[i]
            if not (isinstance(item, SList) and item.head_is("field")):
                self.r.expected("`(field $name type)`", lst, i)
                continue
            n = name_of(item.items[1] if len(item.items) > 1 else None)
            if n is None:
                self.r.expected("a field name (`$name`)", item, 1)
                continue
            t = self.typedef(item.items[2] if len(item.items) > 2 else None, item, 2, depth)
            self.r.extra(item, 3, "field")
            if t is not None:
                fields.append(Field(n, t, docs_of(item.leading), item.span))
        if not fields and start >= len(lst.items):
            self.r.expected(f"`(field …)` (a {kw} needs at least one field)", lst, start)
        return fields

    def record(self, lst: SList, depth: int) -> Typedef | None:
        return TdRecord(self._fields(lst, 1, depth, "record"), lst.span)

    def struct(self, lst: SList, depth: int) -> Typedef | None:
        head = lst.items[0]
        self.r.dialect("E0201", "`struct` is witx 0.8 syntax; since witx 0.9 it is `record`", head.span,
                       [(head.span, "record")], _D08)
        return TdRecord(self._fields(lst, 1, depth, "record"), lst.span)

    def tuple_(self, lst: SList, depth: int) -> Typedef | None:
        types = [self.typedef(lst.items[i], lst, i, depth) for i in range(1, len(lst.items))]
        kept = [t for t in types if t is not None]
        return TdTuple(kept, lst.span) if len(kept) == len(types) else None

    def union(self, lst: SList, depth: int) -> Typedef | None:
        tag_node, i = self._tag_annotation(lst, "tag")
        first = lst.items[1] if len(lst.items) > 1 else None
        rest = lst.items[2:]
        old_tagged = (isinstance(first, Atom) and first.kind is TokenKind.ID and rest
                      and all(isinstance(x, SList) and x.head_is("field", "empty") for x in rest))
        old_untagged = bool(lst.items[1:]) and all(isinstance(x, SList) and x.head_is("field")
                                                   for x in lst.items[1:])
        if old_tagged or old_untagged:
            return self._old_union(lst, depth, tagged=bool(old_tagged))
        if tag_node is None and i == 1 and is_annotation(first, "@witx") and isinstance(first, SList):
            # The reference peeks for `(@witx` first and then requires `tag` (parser.rs UnionSyntax,
            # witx 0.9.1): a pointer type cannot be a union's first member.
            kw = first.items[1] if len(first.items) > 1 else None
            self.r.error("E0101", "expected `tag` here: a `(@witx …)` first in a union is its tag annotation, "
                         f"found {describe(kw) if kw is not None else '`)`'}", (kw or first).span)
            return None
        tag = self.typedef(tag_node, lst, 1, depth) if tag_node is not None else None
        if tag_node is not None and tag is None:
            return None
        members: list[UnionMember] = []
        ok = True
        for j in range(i, len(lst.items)):
            t = self.typedef(lst.items[j], lst, j, depth)
            if t is None:
                ok = False
            else:
                members.append(UnionMember(t, docs_of(lst.items[j].leading)))
        return TdUnion(tag, members, lst.span) if ok else None

    def _old_union(self, lst: SList, depth: int, tagged: bool) -> Typedef | None:
        head = lst.items[0]
        edits: list[tuple[Span, str]] = [(head.span, "variant")]
        start = 1
        tag: Typedef | None = None
        if tagged:
            t = lst.items[1]
            assert isinstance(t, Atom)
            edits.append((t.span, f"(@witx tag {t.text})"))
            tag = TdRef(Name(t.name, t.span))
            start = 2
        for item in lst.items[start:]:
            if isinstance(item, SList) and item.head is not None:
                edits.append((item.head.span, "case"))
        what = "tagged `(union $tag (field …) (empty …))`" if tagged else "untagged `(union (field …))`"
        self.r.dialect("E0206" if tagged else "E0210",
                       f"{what} is witx 0.8 syntax; since witx 0.9 it is "
                       f"`(variant {'(@witx tag $tag) ' if tagged else ''}(case $name type) (case $name))`",
                       head.span, edits, _D08)
        cases = self._cases(lst, start, depth, ("field", "empty"))
        return TdVariant(tag, cases, lst.span) if cases is not None else None

    def _cases(self, lst: SList, start: int, depth: int, heads: tuple[str, ...]) -> list[CaseSyntax] | None:
        cases: list[CaseSyntax] = []
        ok = True
        for j in range(start, len(lst.items)):
            item = lst.items[j]
            if not (isinstance(item, SList) and item.head_is(*heads)):
                self.r.expected("`(case $name type?)`", lst, j)
                ok = False
                continue
            n = name_of(item.items[1] if len(item.items) > 1 else None)
            if n is None:
                self.r.expected("a case name (`$name`)", item, 1)
                ok = False
                continue
            payload: Typedef | None = None
            if len(item.items) > 2:
                payload = self.typedef(item.items[2], item, 2, depth)
                if payload is None:
                    ok = False
                    continue
            self.r.extra(item, 3, item.items[0].text if isinstance(item.items[0], Atom) else "case")
            cases.append(CaseSyntax(n, payload, docs_of(item.leading), item.span))
        return cases if ok else None

    def variant(self, lst: SList, depth: int) -> Typedef | None:
        tag_node, i = self._tag_annotation(lst, "tag")
        tag = self.typedef(tag_node, lst, 1, depth) if tag_node is not None else None
        if tag_node is not None and tag is None:
            return None
        cases = self._cases(lst, i, depth, ("case",))
        return TdVariant(tag, cases, lst.span) if cases is not None else None

    def expected(self, lst: SList, depth: int) -> Typedef | None:
        i = 1
        ok: Typedef | None = None
        nxt = lst.items[i] if i < len(lst.items) else None
        if not (isinstance(nxt, SList) and nxt.head_is("error")):
            if nxt is None:
                self.r.expected("a type or `(error …)`", lst, i)
                return None
            ok = self.typedef(nxt, lst, i, depth)
            if ok is None:
                return None
            i += 1
        err_list = lst.items[i] if i < len(lst.items) else None
        if not (isinstance(err_list, SList) and err_list.head_is("error")):
            self.r.expected("`(error …)` (an `expected` must say its error type, possibly empty)", lst, i)
            return None
        err: Typedef | None = None
        if len(err_list.items) > 1:
            err = self.typedef(err_list.items[1], err_list, 1, depth)
            if err is None:
                return None
        self.r.extra(err_list, 2, "error")
        self.r.extra(lst, i + 1, "expected")
        return TdExpected(ok, err, lst.span)

    def handle(self, lst: SList, depth: int) -> Typedef | None:
        if len(lst.items) > 1:
            extra = lst.items[1:]
            if all(name_of(x) for x in extra):
                span = Span(extra[0].start, extra[-1].end)
                self.r.dialect("E0208", "`(handle $supertype …)` is witx 0.8 syntax; since witx 0.9 a handle is "
                               "`(handle)`, without supertypes", span,
                               [(Span(lst.items[0].end, extra[-1].end), "")], _D08)
            else:
                self.r.extra(lst, 1, "handle")
        return TdHandle(lst.span)

    def list_(self, lst: SList, depth: int) -> Typedef | None:
        t = self.typedef(lst.items[1] if len(lst.items) > 1 else None, lst, 1, depth)
        self.r.extra(lst, 2, "list")
        return TdList(t, lst.span) if t is not None else None

    def array(self, lst: SList, depth: int) -> Typedef | None:
        head = lst.items[0]
        self.r.dialect("E0202", "`array` is witx 0.8 syntax; since witx 0.9 it is `list`", head.span,
                       [(head.span, "list")], _D08)
        return self.list_(lst, depth)

    def int_(self, lst: SList, depth: int) -> Typedef | None:
        head = lst.items[0]
        b = builtin_of(lst.items[1] if len(lst.items) > 1 else None)
        self.r.dialect("E0203", "`(int …)` is witx 0.8 syntax; since witx 0.9 write the integer type and one "
                       "`(@witx const $type $name value)` per constant", head.span, [], _D08)
        return TdBuiltin(b, lst.span) if b is not None else None

    def witx(self, lst: SList, depth: int) -> Typedef | None:
        sub = lst.items[1] if len(lst.items) > 1 else None
        word = sub.text if isinstance(sub, Atom) else ""
        if word in ("pointer", "const_pointer"):
            t = self.typedef(lst.items[2] if len(lst.items) > 2 else None, lst, 2, depth)
            self.r.extra(lst, 3, f"@witx {word}")
            return TdPointer(t, word == "const_pointer", lst.span) if t is not None else None
        if word in ("usize", "char8"):
            self.r.extra(lst, 2, f"@witx {word}")
            b = (Builtin(BuiltinKind.U32, lang_ptr_size=True) if word == "usize"
                 else Builtin(BuiltinKind.U8, lang_c_char=True))
            return TdBuiltin(b, lst.span)
        self.r.expected("`pointer`, `const_pointer`, `usize` or `char8`", lst, 1)
        return None


_FORMS = {
    "enum": TypeLowering.enum, "flags": TypeLowering.flags, "record": TypeLowering.record,
    "struct": TypeLowering.struct, "tuple": TypeLowering.tuple_, "union": TypeLowering.union,
    "variant": TypeLowering.variant, "expected": TypeLowering.expected, "handle": TypeLowering.handle,
    "list": TypeLowering.list_, "array": TypeLowering.array, "int": TypeLowering.int_, "@witx": TypeLowering.witx,
}

"""The fast lowering's reader of tokens and of types (`model/lower_fast.py` reads the
declarations on top of it; its doc says what the fast path accepts and why it exists).
The types mirror `lower_types.py`, as the declarations mirror `lower.py`."""

from __future__ import annotations

from collections.abc import Callable

from witx_lsp.base.span import Span
from witx_lsp.model.lower_base import BUILTIN_VALUES, MAX_TYPE_DEPTH
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
from witx_lsp.syntax.scanner import check_string, decode_string, string_end
from witx_lsp.syntax.tree import RUST_WHITESPACE, doc_text

new_tuple = tuple.__new__  # `new_tuple(Span, (start, end))`: Span(start, end) without its Python-level __new__
END = "\x00"  # after the last token: matches nothing, so what is missing gives up
_PYTHON_ONLY_BLANKS = "\x1c\x1d\x1e\x1f"
EMPTY = Span(0, 0)  # (replaced once the end of the list is known)
_USIZE = Builtin(BuiltinKind.U32, lang_ptr_size=True)
_CHAR8 = Builtin(BuiltinKind.U8, lang_c_char=True)


class GiveUp(Exception):
    """Something the fast path does not accept: the tree lowering takes over."""


class TypeReader:
    """Recursive descent over the tokens (without their blanks): every method takes the
    index of its first token and returns what it read and the index after it."""

    def __init__(self, text: str, pieces: list[str], texts: list[str], starts: list[int]) -> None:
        self.text = text
        self.pieces = pieces
        self.texts = texts
        self.starts = starts
        # Whether `str.rstrip()`, which made the tokens, strips what Rust's `trim_end` does: all but
        # U+001C..U+001F, which only Python calls whitespace.
        self.python_blanks_are_rusts = not any(ch in text for ch in _PYTHON_ONLY_BLANKS)

    # --- tokens ---------------------------------------------------------------------------

    def comments(self, k: int) -> tuple[int, str]:
        """The line comments from token `k` on: the index after them, and the documentation
        they make for what follows (`docs_of`: the bodies of the `;;;` ones, without Rust's
        whitespace at their end)."""
        texts, simple = self.texts, self.python_blanks_are_rusts
        t = texts[k]
        if texts[k + 1][0] != ";" and t[:3] == ";;;" and simple:  # the common case: one doc comment
            return k + 1, t[3:].lstrip(RUST_WHITESPACE) + "\n"  # (`doc_text` of one body)
        docs: list[str] = []
        while t[0] == ";":
            if len(t) > 2 and t[2] == ";":
                docs.append(t[3:] if simple else self.pieces[k][3:].rstrip(RUST_WHITESPACE))
            elif t == ";":
                raise GiveUp  # a lone `;`
            k += 1
            t = texts[k]
        return k, doc_text(docs)

    def span(self, k: int) -> Span:
        start = self.starts[k]
        return new_tuple(Span, (start, start + len(self.texts[k])))

    def close(self, open_: int, close: int) -> Span:
        """The span of the list from token `open_` to the `)` at token `close`, which must be one."""
        if self.texts[close] != ")":
            raise GiveUp
        return new_tuple(Span, (self.starts[open_], self.starts[close] + 1))

    def name(self, k: int) -> Name:
        t = self.texts[k]
        if t[0] != "$" or t == "$":
            raise GiveUp
        start = self.starts[k]
        return Name(t[1:], new_tuple(Span, (start, start + len(t))))

    def member_head(self, j: int, keyword: str) -> tuple[int, str, Name | None]:
        """The doc comments from token `j`, then `(keyword $name` (a record's field, a variant's
        case): the index of the `(keyword` token, the docs and the name; no name when the next
        list is not such a member."""
        docs = ""
        if self.texts[j][0] == ";":
            j, docs = self.comments(j)
        if self.texts[j] != keyword:
            return j, docs, None
        return j, docs, self.name(j + 1)

    def string(self, k: int) -> str:
        """The value of the well-formed string token `k`."""
        t = self.texts[k]
        if len(t) > 1 and t[0] == '"' and t[-1] == '"' and "\\" not in t and t.isprintable():
            return t[1:-1]  # the common case: no escapes, no control characters (a whole STRING token)
        start = self.starts[k]
        if t[0] != '"' or string_end(self.text, start) != ("STRING", start + len(t)) or check_string(t):
            raise GiveUp
        return decode_string(t)

    def expect(self, k: int, word: str) -> int:
        if self.texts[k] != word:
            raise GiveUp
        return k + 1

    # --- types (lower_types.py) -----------------------------------------------------------

    def typedef(self, k: int, depth: int) -> tuple[Typedef, int]:
        if depth > MAX_TYPE_DEPTH:
            raise GiveUp
        t = self.texts[k]
        if t[0] == "(":
            form = _FORMS.get(t)
            if form is None:
                raise GiveUp
            return form(self, k, depth + 1)
        start = self.starts[k]
        span = new_tuple(Span, (start, start + len(t)))
        if t[0] == "$" and t != "$":
            return TdRef(Name(t[1:], span)), k + 1
        builtin = BUILTIN_VALUES.get(t)
        if builtin is not None:
            return TdBuiltin(builtin, span), k + 1
        if t == "string":
            return TdString(span), k + 1
        if t == "bool":
            return TdBool(span), k + 1
        raise GiveUp

    def tag(self, k: int, depth: int) -> tuple[Typedef | None, int]:
        """`(@witx tag type)` at `k`: the type and the index after the annotation; or nothing."""
        if self.texts[k] == "(@witx" and self.texts[k + 1] == "tag":
            t, j = self.typedef(k + 2, depth)
            return t, self.expect(j, ")")
        return None, k

    def int_repr(self, k: int, word: str) -> tuple[Builtin | None, Span | None, int]:
        """The repr of an enum (`tag`) or flags (`repr`) at `k`: `(@witx word u8)`, or nothing."""
        texts = self.texts
        if texts[k] == "(@witx" and texts[k + 1] == word:
            b = BUILTIN_VALUES.get(texts[k + 2])
            if b is None:
                raise GiveUp
            return b, self.span(k + 2), self.expect(k + 3, ")")
        if texts[k] in BUILTIN_VALUES:  # `(enum u8 …)`, witx 0.8
            raise GiveUp
        return None, None, k

    def members(self, k: int) -> tuple[list[Member], int]:
        texts, starts = self.texts, self.starts
        out: list[Member] = []
        while True:
            docs = ""
            t = texts[k]
            if t[0] == ";":
                k, docs = self.comments(k)
                t = texts[k]
            if t == ")":
                return out, k
            if t[0] != "$" or t == "$":
                raise GiveUp
            start = starts[k]
            out.append(Member(Name(t[1:], new_tuple(Span, (start, start + len(t)))), docs))
            k += 1

    def enum(self, k: int, depth: int) -> tuple[Typedef, int]:
        repr_, repr_span, j = self.int_repr(k + 1, "tag")
        members, j = self.members(j)
        if not members:
            raise GiveUp
        return TdEnum(repr_, repr_span, members, self.close(k, j)), j + 1

    def flags(self, k: int, depth: int) -> tuple[Typedef, int]:
        repr_, repr_span, j = self.int_repr(k + 1, "repr")
        members, j = self.members(j)
        return TdFlags(repr_, repr_span, members, self.close(k, j)), j + 1

    def record(self, k: int, depth: int) -> tuple[Typedef, int]:
        texts, starts = self.texts, self.starts
        fields: list[Field] = []
        j = k + 1
        while True:
            j, docs, name = self.member_head(j, "(field")
            if name is None:
                break
            t, end = self.typedef(j + 2, depth)
            if texts[end] != ")":
                raise GiveUp
            fields.append(Field(name, t, docs, new_tuple(Span, (starts[j], starts[end] + 1))))
            j = end + 1
        if not fields:
            raise GiveUp
        return TdRecord(fields, self.close(k, j)), j + 1

    def tuple_(self, k: int, depth: int) -> tuple[Typedef, int]:
        texts = self.texts
        types: list[Typedef] = []
        j = k + 1
        while True:
            if texts[j][0] == ";":
                j, _ = self.comments(j)
            if texts[j] == ")":
                return TdTuple(types, self.close(k, j)), j + 1
            t, j = self.typedef(j, depth)
            types.append(t)

    def union(self, k: int, depth: int) -> tuple[Typedef, int]:
        texts = self.texts
        tag, j = self.tag(k + 1, depth)
        if tag is None and texts[j] == "(@witx":
            raise GiveUp  # a `(@witx …)` first in a union must be its tag
        members: list[UnionMember] = []
        while True:
            docs = ""
            if texts[j][0] == ";":
                j, docs = self.comments(j)
            if texts[j] == ")":
                return TdUnion(tag, members, self.close(k, j)), j + 1
            t, j = self.typedef(j, depth)  # (a witx 0.8 `(field …)` member gives up here)
            members.append(UnionMember(t, docs))

    def variant(self, k: int, depth: int) -> tuple[Typedef, int]:
        texts = self.texts
        tag, j = self.tag(k + 1, depth)
        cases: list[CaseSyntax] = []
        while True:
            j, docs, name = self.member_head(j, "(case")
            if name is None:
                break
            payload: Typedef | None = None
            end = j + 2
            if texts[end] != ")":
                payload, end = self.typedef(end, depth)
            cases.append(CaseSyntax(name, payload, docs, self.close(j, end)))
            j = end + 1
        return TdVariant(tag, cases, self.close(k, j)), j + 1

    def expected(self, k: int, depth: int) -> tuple[Typedef, int]:
        texts, starts = self.texts, self.starts
        ok: Typedef | None = None
        j = k + 1
        if texts[j] != "(error":
            ok, j = self.typedef(j, depth)
            if texts[j] != "(error":
                raise GiveUp
        j += 1
        err: Typedef | None = None
        if texts[j] != ")":
            err, j = self.typedef(j, depth)
        if texts[j] != ")" or texts[j + 1] != ")":
            raise GiveUp
        return TdExpected(ok, err, new_tuple(Span, (starts[k], starts[j + 1] + 1))), j + 2

    def handle(self, k: int, depth: int) -> tuple[Typedef, int]:
        return TdHandle(self.close(k, k + 1)), k + 2

    def list_(self, k: int, depth: int) -> tuple[Typedef, int]:
        t, j = self.typedef(k + 1, depth)
        return TdList(t, self.close(k, j)), j + 1

    def witx(self, k: int, depth: int) -> tuple[Typedef, int]:
        word = self.texts[k + 1]
        if word == "pointer" or word == "const_pointer":
            t, j = self.typedef(k + 2, depth)
            return TdPointer(t, word == "const_pointer", self.close(k, j)), j + 1
        if word == "usize" or word == "char8":
            return TdBuiltin(_USIZE if word == "usize" else _CHAR8, self.close(k, k + 2)), k + 3
        raise GiveUp


_FORMS: dict[str, Callable[[TypeReader, int, int], tuple[Typedef, int]]] = {
    "(enum": TypeReader.enum, "(flags": TypeReader.flags, "(record": TypeReader.record, "(tuple": TypeReader.tuple_,
    "(union": TypeReader.union, "(variant": TypeReader.variant, "(expected": TypeReader.expected,
    "(handle": TypeReader.handle, "(list": TypeReader.list_, "(@witx": TypeReader.witx,
}

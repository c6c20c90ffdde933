"""The fast path of the lowering, for well-formed witx 0.9 files: text -> `Decl`s straight
from the scanner's token pieces, without the S-expression tree (which is built only if
something asks for it: `SourceTree.deferred`).

It accepts only what the tree lowering (`lower.py`, `lower_types.py`: the description of the
grammar and of every diagnostic) accepts without reporting anything, and builds the very same
declarations, spans and docs included. At the first thing it does not expect (any error, a
legacy or unreleased form, an unknown annotation, a block comment, a bad token, and a few
unusual layouts: blanks between `(` and its keyword, a comment where no documentation goes)
it gives up and returns None; the caller then parses and lowers the tree, which reports.
tests/model/test_lower_fast.py checks that both paths agree on the corpus, on generated files
and on their mutants.

Most of an analysis went into making and walking the tree, two Python objects per token,
before the declarations were made; the witx 0.9.1 parser (tools/witx/src/parser.rs, on
wast 35's token buffer) also reads its declarations straight from the tokens. The pieces
join a `(` with the keyword after it (`(param`), so a list's opening is one token here.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate

from witx_lsp.base.span import Span
from witx_lsp.model.lower import LoweredFile, drop_trailing_consts, integer_value
from witx_lsp.model.lower_base import BUILTIN_VALUES, MAX_TYPE_DEPTH, Reporter
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
from witx_lsp.model.types import Builtin, BuiltinKind
from witx_lsp.syntax.scanner import atom_kind, blanks, check_string, decode_string, piece_pattern, string_end
from witx_lsp.syntax.tree import RUST_WHITESPACE, doc_text

_new = tuple.__new__  # `_new(Span, (start, end))`: Span(start, end) without its Python-level __new__
_END = "\x00"  # after the last token: matches nothing, so what is missing gives up
_U64_MAX = (1 << 64) - 1
_PYTHON_ONLY_BLANKS = "\x1c\x1d\x1e\x1f"
_EMPTY = Span(0, 0)  # (replaced once the end of the list is known)
_USIZE = Builtin(BuiltinKind.U32, lang_ptr_size=True)
_CHAR8 = Builtin(BuiltinKind.U8, lang_c_char=True)


class _GiveUp(Exception):
    """Something the fast path does not accept: the tree lowering takes over."""


def lower_text(text: str, path: str) -> LoweredFile | None:
    """The lowered declarations of a well-formed file, or None (see the module's doc)."""
    if "(;" in text:
        return None
    decls = read_decls(text, 0, len(text))
    if decls is None:
        return None
    r = Reporter(path, text)
    dropped = drop_trailing_consts(decls, r)
    return LoweredFile(decls, r.diagnostics, False, dropped)


def read_decls(text: str, start: int, end: int) -> list[Decl] | None:
    """The declarations of `text[start:end]`, at their offsets in `text`, or None where the fast
    path gives up (also on a block comment, which `lower_text` looks for in the whole text). The
    range begins where the file does or right after a top-level `)` (model/lower_incremental.py),
    where the scanner starts afresh; its trailing constants are kept."""
    start = blanks().match(text, start, end).end()  # type: ignore[union-attr]  # it matches the empty string
    pieces = piece_pattern(heads=True).findall(text, start, end)
    starts = list(accumulate(map(len, pieces), initial=start))
    # The tokens: a piece without its blanks. `str.rstrip()` strips more than the blanks (any
    # Unicode whitespace), which only matters for the end of a comment (`comments` reads those
    # from the pieces) and of bad characters (the reader gives up on those anyway).
    texts = list(map(str.rstrip, pieces))
    texts += [_END] * 8
    try:
        return _Reader(text, pieces, texts, starts).file()
    except (_GiveUp, IndexError):
        return None


class _Reader:
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
                raise _GiveUp  # a lone `;`
            k += 1
            t = texts[k]
        return k, doc_text(docs)

    def span(self, k: int) -> Span:
        start = self.starts[k]
        return _new(Span, (start, start + len(self.texts[k])))

    def close(self, open_: int, close: int) -> Span:
        """The span of the list from token `open_` to the `)` at token `close`, which must be one."""
        if self.texts[close] != ")":
            raise _GiveUp
        return _new(Span, (self.starts[open_], self.starts[close] + 1))

    def name(self, k: int) -> Name:
        t = self.texts[k]
        if t[0] != "$" or t == "$":
            raise _GiveUp
        start = self.starts[k]
        return Name(t[1:], _new(Span, (start, start + len(t))))

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
            raise _GiveUp
        return decode_string(t)

    def expect(self, k: int, word: str) -> int:
        if self.texts[k] != word:
            raise _GiveUp
        return k + 1

    # --- declarations (lower.py) ----------------------------------------------------------

    def file(self) -> list[Decl]:
        texts = self.texts
        decls: list[Decl] = []
        k = 0
        while True:
            docs = ""
            if texts[k][0] == ";":
                k, docs = self.comments(k)
            t = texts[k]
            d: Decl
            if t == "(typename":
                d, k = self.typename(k, docs)
            elif t == "(module":
                d, k = self.module(k, docs)
            elif t == "(use":
                d, k = self.use(k)
            elif t == "(@witx":
                d, k = self.const(k, docs)
            elif t == _END:
                return decls
            else:
                raise _GiveUp
            decls.append(d)

    def typename(self, k: int, docs: str) -> tuple[TypenameDecl, int]:
        name = self.name(k + 1)
        t, j = self.typedef(k + 2, 0)
        if self.texts[j] != ")":
            raise _GiveUp
        return TypenameDecl(name, t, docs, _new(Span, (self.starts[k], self.starts[j] + 1))), j + 1

    def use(self, k: int) -> tuple[UseDecl, int]:
        return UseDecl(self.string(k + 1), self.span(k + 1), self.close(k, k + 2)), k + 3

    def const(self, k: int, docs: str) -> tuple[ConstDecl, int]:
        self.expect(k + 1, "const")
        ty, name = self.name(k + 2), self.name(k + 3)
        v = self.texts[k + 4]
        value = integer_value(v) if atom_kind(v) == "NUMBER" else None
        if value is None or value < 0 or value > _U64_MAX:
            raise _GiveUp
        return ConstDecl(ty, name, value, self.span(k + 4), docs, self.close(k, k + 5)), k + 6

    def module(self, k: int, docs: str) -> tuple[ModuleDecl, int]:
        texts = self.texts
        mod = ModuleDecl(self.name(k + 1), [], [], docs, _EMPTY)
        j = k + 2
        while True:
            docs = ""
            if texts[j][0] == ";":
                j, docs = self.comments(j)
            t = texts[j]
            if t == "(@interface":
                f, j = self.func(j, docs)
                mod.funcs.append(f)
                mod.order.append(f)
            elif t == "(import":
                imp, j = self.import_(j, docs)
                mod.imports.append(imp)
                mod.order.append(imp)
            else:
                break
        mod.span = self.close(k, j)
        return mod, j + 1

    def import_(self, k: int, docs: str) -> tuple[ImportDecl, int]:
        name = self.string(k + 1)
        self.expect(self.expect(k + 2, "(memory"), ")")
        return ImportDecl(name, self.span(k + 1), docs, self.close(k, k + 4)), k + 5

    def func(self, k: int, docs: str) -> tuple[FuncDecl, int]:
        texts, starts = self.texts, self.starts
        if texts[k + 1] != "func" or texts[k + 2] != "(export" or texts[k + 4] != ")":
            raise _GiveUp
        start = starts[k + 3]
        f = FuncDecl(self.string(k + 3), _new(Span, (start, start + len(texts[k + 3]))), [], [], False, docs,
                     _EMPTY)
        j = k + 5
        while True:
            docs = ""
            if texts[j][0] == ";":
                j, docs = self.comments(j)
            t = texts[j]
            if t == "(param" or t == "(result":
                n = texts[j + 1]
                if n[0] != "$" or n == "$":
                    raise _GiveUp
                start = starts[j + 1]
                name = Name(n[1:], _new(Span, (start, start + len(n))))
                ty = texts[j + 2]
                if ty[0] == "$" and ty != "$" and texts[j + 3] == ")":  # the common case: a type name
                    start = starts[j + 2]
                    typ: Typedef = TdRef(Name(ty[1:], _new(Span, (start, start + len(ty)))))
                    end = j + 3
                else:
                    typ, end = self.typedef(j + 2, 0)
                if texts[end] != ")":
                    raise _GiveUp
                param = FuncParam(name, typ, docs, _new(Span, (starts[j], starts[end] + 1)))
                (f.params if t == "(param" else f.results).append(param)
                j = end + 1
            elif t == "(@witx" and texts[j + 1] == "noreturn" and texts[j + 2] == ")":
                f.noreturn = True
                j += 3
            else:
                break
        if texts[j] != ")":
            raise _GiveUp
        f.span = _new(Span, (starts[k], starts[j] + 1))
        return f, j + 1

    # --- types (lower_types.py) -----------------------------------------------------------

    def typedef(self, k: int, depth: int) -> tuple[Typedef, int]:
        if depth > MAX_TYPE_DEPTH:
            raise _GiveUp
        t = self.texts[k]
        if t[0] == "(":
            form = _FORMS.get(t)
            if form is None:
                raise _GiveUp
            return form(self, k, depth + 1)
        start = self.starts[k]
        span = _new(Span, (start, start + len(t)))
        if t[0] == "$" and t != "$":
            return TdRef(Name(t[1:], span)), k + 1
        builtin = BUILTIN_VALUES.get(t)
        if builtin is not None:
            return TdBuiltin(builtin, span), k + 1
        if t == "string":
            return TdString(span), k + 1
        if t == "bool":
            return TdBool(span), k + 1
        raise _GiveUp

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
                raise _GiveUp
            return b, self.span(k + 2), self.expect(k + 3, ")")
        if texts[k] in BUILTIN_VALUES:  # `(enum u8 …)`, witx 0.8
            raise _GiveUp
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
                raise _GiveUp
            start = starts[k]
            out.append(Member(Name(t[1:], _new(Span, (start, start + len(t)))), docs))
            k += 1

    def enum(self, k: int, depth: int) -> tuple[Typedef, int]:
        repr_, repr_span, j = self.int_repr(k + 1, "tag")
        members, j = self.members(j)
        if not members:
            raise _GiveUp
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
                raise _GiveUp
            fields.append(Field(name, t, docs, _new(Span, (starts[j], starts[end] + 1))))
            j = end + 1
        if not fields:
            raise _GiveUp
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
            raise _GiveUp  # a `(@witx …)` first in a union must be its tag
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
                raise _GiveUp
        j += 1
        err: Typedef | None = None
        if texts[j] != ")":
            err, j = self.typedef(j, depth)
        if texts[j] != ")" or texts[j + 1] != ")":
            raise _GiveUp
        return TdExpected(ok, err, _new(Span, (starts[k], starts[j + 1] + 1))), j + 2

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
        raise _GiveUp


_FORMS: dict[str, Callable[[_Reader, int, int], tuple[Typedef, int]]] = {
    "(enum": _Reader.enum, "(flags": _Reader.flags, "(record": _Reader.record, "(tuple": _Reader.tuple_,
    "(union": _Reader.union, "(variant": _Reader.variant, "(expected": _Reader.expected,
    "(handle": _Reader.handle, "(list": _Reader.list_, "(@witx": _Reader.witx,
}

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
The reader of tokens and types is `lower_fast_types.TypeReader`; this module reads the
declarations on top of it.
"""

from __future__ import annotations

from itertools import accumulate

from witx_lsp.base.span import Span
from witx_lsp.model.lower import LoweredFile, drop_trailing_consts, integer_value
from witx_lsp.model.lower_base import Reporter
from witx_lsp.model.lower_fast_types import EMPTY, END, GiveUp, TypeReader, new_tuple
from witx_lsp.model.syntax_ast import (
    ConstDecl,
    Decl,
    FuncDecl,
    FuncParam,
    ImportDecl,
    ModuleDecl,
    Name,
    TdRef,
    Typedef,
    TypenameDecl,
    UseDecl,
)
from witx_lsp.syntax.scanner import atom_kind, blanks, piece_pattern

_U64_MAX = (1 << 64) - 1


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
    texts += [END] * 8
    try:
        return _Reader(text, pieces, texts, starts).file()
    except (GiveUp, IndexError):
        return None


class _Reader(TypeReader):
    """The declarations (lower.py), read on top of the tokens and types of TypeReader."""

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
            elif t == END:
                return decls
            else:
                raise GiveUp
            decls.append(d)

    def typename(self, k: int, docs: str) -> tuple[TypenameDecl, int]:
        name = self.name(k + 1)
        t, j = self.typedef(k + 2, 0)
        if self.texts[j] != ")":
            raise GiveUp
        return TypenameDecl(name, t, docs, new_tuple(Span, (self.starts[k], self.starts[j] + 1))), j + 1

    def use(self, k: int) -> tuple[UseDecl, int]:
        return UseDecl(self.string(k + 1), self.span(k + 1), self.close(k, k + 2)), k + 3

    def const(self, k: int, docs: str) -> tuple[ConstDecl, int]:
        self.expect(k + 1, "const")
        ty, name = self.name(k + 2), self.name(k + 3)
        v = self.texts[k + 4]
        value = integer_value(v) if atom_kind(v) == "NUMBER" else None
        if value is None or value < 0 or value > _U64_MAX:
            raise GiveUp
        return ConstDecl(ty, name, value, self.span(k + 4), docs, self.close(k, k + 5)), k + 6

    def module(self, k: int, docs: str) -> tuple[ModuleDecl, int]:
        texts = self.texts
        mod = ModuleDecl(self.name(k + 1), [], [], docs, EMPTY)
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
            raise GiveUp
        start = starts[k + 3]
        f = FuncDecl(self.string(k + 3), new_tuple(Span, (start, start + len(texts[k + 3]))), [], [], False, docs,
                     EMPTY)
        j = k + 5
        while True:
            docs = ""
            if texts[j][0] == ";":
                j, docs = self.comments(j)
            t = texts[j]
            if t == "(param" or t == "(result":
                n = texts[j + 1]
                if n[0] != "$" or n == "$":
                    raise GiveUp
                start = starts[j + 1]
                name = Name(n[1:], new_tuple(Span, (start, start + len(n))))
                ty = texts[j + 2]
                if ty[0] == "$" and ty != "$" and texts[j + 3] == ")":  # the common case: a type name
                    start = starts[j + 2]
                    typ: Typedef = TdRef(Name(ty[1:], new_tuple(Span, (start, start + len(ty)))))
                    end = j + 3
                else:
                    typ, end = self.typedef(j + 2, 0)
                if texts[end] != ")":
                    raise GiveUp
                param = FuncParam(name, typ, docs, new_tuple(Span, (starts[j], starts[end] + 1)))
                (f.params if t == "(param" else f.results).append(param)
                j = end + 1
            elif t == "(@witx" and texts[j + 1] == "noreturn" and texts[j + 2] == ")":
                f.noreturn = True
                j += 3
            else:
                break
        if texts[j] != ")":
            raise GiveUp
        f.span = new_tuple(Span, (starts[k], starts[j] + 1))
        return f, j + 1


"""Shared machinery of the syntax lowering: diagnostics, wording, dialect edits."""

from __future__ import annotations

import re
from typing import Any

from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import Span
from witx_lsp.model.syntax_ast import Name
from witx_lsp.model.types import Builtin, BuiltinKind
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind

BUILTINS: dict[str, BuiltinKind] = {k.value: k for k in BuiltinKind}
# One (immutable) Builtin value per builtin word, shared, as `types.STRING` and `types.BOOL` are.
BUILTIN_VALUES: dict[str, Builtin] = {k.value: Builtin(k) for k in BuiltinKind}
# Every word that names a builtin type: the builtins, `string` and `bool`, and the `(@witx usize)` and
# `(@witx char8)` words (tools/witx/src/parser.rs, witx 0.9.1, `BuiltinType` and `TypedefSyntax`).
BUILTIN_TYPE_WORDS = frozenset(BUILTINS) | {"string", "bool", "usize", "char8"}
MAX_TYPE_DEPTH = 100
_WS = re.compile(r"\s+")
_FIRST_FORM = re.compile(r"\(?[^\s()]{1,40}")  # `(typename`, or a word


_new = tuple.__new__  # `_new(Span, (start, end))`: Span(start, end) without its Python-level __new__


def builtin_of(atom: Node | None) -> Builtin | None:
    if isinstance(atom, Atom) and atom.kind is TokenKind.KEYWORD:
        return BUILTIN_VALUES.get(atom.text)
    return None


def name_of(node: Node | None) -> Name | None:
    if isinstance(node, Atom) and node.kind is TokenKind.ID:
        return Name(node.text[1:], _new(Span, (node.start, node.end)))
    return None


def describe(node: Node | None) -> str:
    """How a found item is named in 'expected …, found …' messages."""
    if node is None:
        return "`)`"
    if isinstance(node, Atom):
        text = node.text if len(node.text) <= 40 else node.text[:40] + "…"
        return f"`{text}`"
    head = node.head
    if head is None:
        return "`(`"
    return f"`({head.text}`" + (" …" if len(node.items) > 1 else "")


def is_annotation(node: Node | None, name: str) -> bool:
    """`(@name ...)`."""
    if not isinstance(node, SList) or not node.items:
        return False
    head = node.items[0]
    return isinstance(head, Atom) and head.kind is TokenKind.ANNOTATION and head.text == name


class Reporter:
    """Collects the lowering's diagnostics for one file."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self.dialect_reported: set[str] = set()

    def error(self, code: str, message: str, span: Span, *, data: dict[str, Any] | None = None,
              related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, message, self.path, span, related, data=data))

    def warn(self, code: str, message: str, span: Span, severity: Severity = Severity.WARNING,
             data: dict[str, Any] | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, severity, message, self.path, span, data=data))

    def context(self, lst: SList, upto: int) -> str:
        """The source of `lst` from its `(` to before offset `upto`, on one line."""
        raw = _WS.sub(" ", self.text[lst.start:upto]).strip()
        if len(raw) > 40:
            raw = raw[:39] + "…"
        return raw

    def expected(self, what: str, lst: SList, index: int) -> None:
        """Report that item `index` of `lst` (or the list's end) is not `what`."""
        found = lst.items[index] if index < len(lst.items) else None
        if found is None:
            at = lst.end - 1 if lst.closed else lst.end
            span = Span(max(at, lst.start), max(at, lst.start) + (1 if lst.closed else 0))
            ctx_end = at
        else:
            span = found.span
            ctx_end = found.start
        ctx = self.context(lst, ctx_end)
        found_text = describe(found) if found is not None or lst.closed else self.after_unclosed(lst)
        self.error("E0101", f"expected {what} after `{ctx}`, found {found_text}", span)

    def after_unclosed(self, lst: SList) -> str:
        """What ended an unclosed list: the end of the file, or the declaration before
        which recovery closed it."""
        rest = self.text[lst.end:].lstrip()
        if not rest:
            return "the end of the file"
        word = _FIRST_FORM.match(rest)
        shown = word.group(0) if word is not None else rest[:1]
        return f"`{shown}` (a `)` is missing before it)"

    def extra(self, lst: SList, index: int, form: str) -> None:
        """Report items from `index` on as not belonging to `form`."""
        if index < len(lst.items):
            first, last = lst.items[index], lst.items[-1]
            self.error("E0102", f"unexpected {describe(first)}: nothing more belongs in `({form} …)`",
                       Span(first.start, last.end))

    def dialect(self, code: str, message: str, span: Span, edits: list[tuple[Span, str]], dialect: str) -> None:
        """A legacy form, with the edits that migrate it to witx 0.9."""
        data = {"dialect": dialect,
                "edits": [{"start": s.start, "end": s.end, "newText": t} for s, t in edits]}
        self.error(code, message, span, data=data)

    def dialect_once(self, code: str, message: str, span: Span) -> bool:
        """An unreleased dialect is reported once per file; True if this is the first."""
        if code in self.dialect_reported:
            return False
        self.dialect_reported.add(code)
        self.error(code, message, span, data={"dialect": code})
        return True

"""Reading `.witxt` files into directives (WebAssembly/WASI
tools/witx/tests/witxt.rs, witx 0.9.1). The file is an
S-expression text, so it goes through the same syntax layer as witx."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from witx_lsp.base.span import Span
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.scanner import decode_string
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind


@dataclass
class WitxDoc:
    """A `(witx $id? decl*)` or `(witx $id? (load "path"+))` form."""

    id: str | None
    span: Span
    inline_text: str | None = None  # the declarations, as written
    inline_offset: int = 0  # where `inline_text` starts in the .witxt file
    load_paths: list[str] = field(default_factory=list)  # absolute


@dataclass
class Directive:
    kind: str  # "witx" | "assert_invalid" | "assert_representable" | "assert_abi"
    span: Span
    line: int  # 1-based, for reports
    doc: WitxDoc | None = None
    expected_message: str = ""
    # assert_representable: (relation, doc id A, type A, doc id B, type B)
    representable: tuple[str, str, str, str, str] | None = None
    # assert_abi: the raw forms after the witx document
    abi_forms: list[SList] = field(default_factory=list)


@dataclass
class WitxtFile:
    path: str
    text: str
    directives: list[Directive]
    errors: list[str]


def _witx_doc(lst: SList, text: str, base_dir: str) -> WitxDoc:
    items = lst.items[1:]
    doc_id = None
    if items and isinstance(items[0], Atom) and items[0].kind is TokenKind.ID:
        doc_id = items[0].name
        items = items[1:]
    if len(items) == 1 and isinstance(items[0], SList) and items[0].head_is("load"):
        paths = [os.path.normpath(os.path.join(base_dir, decode_string(a.text)))
                 for a in items[0].items[1:] if isinstance(a, Atom) and a.kind is TokenKind.STRING]
        return WitxDoc(doc_id, lst.span, load_paths=paths)
    if not items:
        return WitxDoc(doc_id, lst.span, inline_text="", inline_offset=lst.end)
    start = min([c.start for c in items[0].leading] + [items[0].start])
    return WitxDoc(doc_id, lst.span, inline_text=text[start:items[-1].end], inline_offset=start)


def read_witxt(path: str, text: str) -> WitxtFile:
    tree = parse(text, path)
    base_dir = os.path.dirname(path)
    errors = [f"{path}: {e.message}" for e in tree.errors]
    directives: list[Directive] = []
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(offset: int) -> int:
        import bisect

        return bisect.bisect_right(line_starts, offset)

    for node in tree.items:
        if not isinstance(node, SList) or node.head is None:
            errors.append(f"{path}:{line_of(node.start)}: expected a directive")
            continue
        kw = node.head.text
        d = Directive(kw, node.span, line_of(node.start))
        args: list[Node] = node.items[1:]
        if kw == "witx":
            d.doc = _witx_doc(node, text, base_dir)
        elif kw in ("assert_invalid", "assert_abi") and args and isinstance(args[0], SList) and args[0].head_is("witx"):
            d.doc = _witx_doc(args[0], text, base_dir)
            if kw == "assert_invalid":
                msg = args[1] if len(args) > 1 else None
                d.expected_message = decode_string(msg.text) if isinstance(msg, Atom) else ""
            else:
                d.abi_forms = [a for a in args[1:] if isinstance(a, SList)]
        elif kw == "assert_representable" and len(args) == 5:
            vals = [a.name if isinstance(a, Atom) and a.kind is TokenKind.ID else
                    decode_string(a.text) if isinstance(a, Atom) and a.kind is TokenKind.STRING else
                    (a.text if isinstance(a, Atom) else "") for a in args]
            d.representable = (vals[0], vals[1], vals[2], vals[3], vals[4])
        else:
            errors.append(f"{path}:{d.line}: malformed `{kw}` directive")
            continue
        directives.append(d)
    return WitxtFile(path, text, directives, errors)

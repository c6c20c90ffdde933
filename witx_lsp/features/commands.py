"""The editor commands: `witx.showLayout` (text table, SVG diagram and JSON of
one typename or of every typename a file defines), `witx.renderDocs` (the
docs.md of the document) and `witx.showSyntaxTree` (the S-expression tree with
ranges)."""

from __future__ import annotations

from witx_lsp.abi import AbiError, call_interface, call_wasm, wasm_signature, witxt_names
from witx_lsp.abi.instructions import Instruction
from witx_lsp.base.text import PositionEncoding
from witx_lsp.features.command_names import RENDER_DOCS as RENDER_DOCS
from witx_lsp.features.command_names import SHOW_ABI as SHOW_ABI
from witx_lsp.features.command_names import SHOW_LAYOUT as SHOW_LAYOUT
from witx_lsp.features.command_names import SHOW_SYNTAX_TREE as SHOW_SYNTAX_TREE
from witx_lsp.features.sexpr_nav import typename_around
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.layout import Layout, engine_for, typename_layout
from witx_lsp.layout.report import layout_json, layout_text
from witx_lsp.layout.svg import render_svg
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.symbols import SymbolKind
from witx_lsp.model.types import NamedType
from witx_lsp.syntax.tree import Atom, Comment, Node, TokenKind

COMMANDS = (SHOW_LAYOUT, RENDER_DOCS, SHOW_SYNTAX_TREE, SHOW_ABI)

# Kinds drawn in the whole-file SVG (as `witx-lsp layout --format svg`); one named type is always drawn.
SVG_KINDS = frozenset({"record", "tuple", "variant"})
MAX_TREE_LINES = 50_000
MAX_TREE_ERRORS = 1_000
# Deeper nodes are indented as deep as this and carry their depth (`[depth] `): the
# answer stays linear in the size of the file, not quadratic in its nesting.
MAX_TREE_INDENT = 32
_ATOM_TEXT = 60

_OWNED = (SymbolKind.TYPENAME, SymbolKind.FIELD, SymbolKind.CASE, SymbolKind.FLAG)


def type_at(snapshot: Snapshot, offset: int) -> str | None:
    """The typename a position is about: a typename (or one of its members)
    under the cursor, else the typename definition around it."""
    offset = max(0, min(offset, len(snapshot.text)))
    found = snapshot.analysis.symbols.at(snapshot.path, offset)
    if found is not None and found[0].kind in _OWNED:
        return found[0].names[0]
    f = snapshot.file
    return typename_around(f.tree.items, offset) if f is not None else None


def show_layout(snapshot: Snapshot, type_name: str | None = None, offset: int | None = None
                ) -> dict[str, object] | None:
    """{"text", "svg", "json", "type"} for one typename (by name, or the one at `offset`: `type_at`,
    which the VS Code client relies on instead of reading witx itself), or for every typename the
    file defines ("type" None); None for an unknown name."""
    doc = snapshot.analysis.document
    if type_name is None and offset is not None:
        type_name = type_at(snapshot, offset)
    picked: list[NamedType]
    if type_name is not None:
        named = doc.typename(type_name.removeprefix("$"))
        if named is None:
            return None
        picked = [named]
    else:
        picked = [t for t in doc.typenames if t.span is not None and t.span.path == snapshot.path]
    engine = engine_for(doc)
    layouts: list[tuple[NamedType, Layout]] = [(t, typename_layout(t, engine)) for t in picked]
    text = "\n\n".join(layout_text(t.name, lay, t.tref) for t, lay in layouts)
    drawn = [(t.name, lay) for t, lay in layouts if type_name is not None or lay.kind in SVG_KINDS]
    return {
        "text": text + ("\n" if text else ""),
        "svg": render_svg(drawn),
        "json": {"types": {t.name: layout_json(lay) for t, lay in layouts}},
        "type": picked[0].name if type_name is not None else None,
    }


def stream_line(label: str, got: tuple[Instruction, ...] | AbiError) -> str:
    """One instruction stream as a comment line (witxt spellings), as `witx-lsp abi --streams` prints it."""
    if isinstance(got, AbiError):
        return f"  ;; {label}: no stream: {got.message}"
    return f"  ;; {label}: {' '.join(witxt_names(got))}"


def abi_text(snapshot: Snapshot, func: str | None = None) -> str:
    """The core wasm signature and the call_wasm / call_interface streams of each function
    the file defines (or of the one named `func` or `module::func`)."""
    lines: list[str] = []
    for m in snapshot.analysis.document.modules:
        for f in m.funcs:
            if f.span is None or f.span.path != snapshot.path:
                continue
            if func is not None and func.removeprefix("$") not in (f.name, f"{m.name}::{f.name}"):
                continue
            sig = wasm_signature(f)
            lines.append(f";; ${f.name}: no core signature: {sig.message}" if isinstance(sig, AbiError)
                         else sig.func_text(f.name))
            lines.append(stream_line("call_wasm", call_wasm(f, m.name)))
            lines.append(stream_line("call_interface", call_interface(f, m.name)))
    return "".join(line + "\n" for line in lines)


def render_docs_markdown(analysis: Analysis) -> str:
    """docs.md of the analysis' document (raises render.DocsError where the reference panics)."""
    from witx_lsp.printers import render_docs

    return render_docs(analysis.document, engine_for(analysis.document))


_KIND_NAMES = {TokenKind.STRING: "string", TokenKind.ID: "id", TokenKind.KEYWORD: "keyword",
               TokenKind.NUMBER: "number", TokenKind.ANNOTATION: "annotation", TokenKind.RESERVED: "reserved"}


def syntax_tree_text(snapshot: Snapshot, encoding: PositionEncoding = PositionEncoding.UTF16) -> str:
    """An indented dump of the file's S-expression tree: one node per line with
    its range as 0-based `line:character` positions in `encoding`, comments
    included, then the syntax errors."""
    f = snapshot.file
    if f is None:
        return ""
    lines_index = f.lines

    def rng(start: int, end: int) -> str:
        a, b = lines_index.position(start, encoding), lines_index.position(end, encoding)
        return f"{a.line}:{a.character}-{b.line}:{b.character}"

    def indent(depth: int) -> str:
        return "  " * depth if depth <= MAX_TREE_INDENT else f"{'  ' * MAX_TREE_INDENT}[{depth}] "

    def comment_line(c: Comment, depth: int) -> str:
        kind = "doc-comment" if c.is_doc else "comment"
        return f"{indent(depth)}{kind} {_short(c.text)} {rng(c.start, c.end)}"

    out = [f";; syntax tree of {snapshot.path} (ranges: line:character, 0-based, {encoding.value})"]
    # Entries: a node with its depth, or a finished line (trailing comments of a list).
    stack: list[tuple[Node, int] | str] = [(n, 0) for n in reversed(f.tree.items)]
    while stack:
        if len(out) > MAX_TREE_LINES:
            out.append(f";; … truncated after {MAX_TREE_LINES} lines")
            break
        entry = stack.pop()
        if isinstance(entry, str):
            out.append(entry)
            continue
        node, depth = entry
        pad = indent(depth)
        out += [comment_line(c, depth) for c in node.leading[:MAX_TREE_LINES]]
        if isinstance(node, Atom):
            out.append(f"{pad}{_KIND_NAMES.get(node.kind, 'atom')} {_short(node.text)} {rng(node.start, node.end)}")
            continue
        out.append(f"{pad}list {rng(node.start, node.end)}{'' if node.closed else ' (unclosed)'}")
        stack += [comment_line(c, depth + 1) for c in reversed(node.trailing[:MAX_TREE_LINES])]
        stack += [(c, depth + 1) for c in reversed(node.items)]
    out += [comment_line(c, 0) for c in f.tree.trailing[:MAX_TREE_LINES]]
    if f.tree.errors:
        out.append("errors:")
        out += [f"  {d.code} {rng(d.span.start, d.span.end)} {d.message}" for d in f.tree.errors[:MAX_TREE_ERRORS]]
        if len(f.tree.errors) > MAX_TREE_ERRORS:
            out.append(f"  … and {len(f.tree.errors) - MAX_TREE_ERRORS} more")
    return "\n".join(out) + "\n"


def _short(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= _ATOM_TEXT else text[:_ATOM_TEXT] + "…"

"""Completion: what may be written at the cursor, from the syntax of the text
before it (as it parses on its own, so unfinished forms such as `(field $x `
or `(typename $t (rec` give their context: see completion_context.py) and the
analysis of the file.

Offered: type names in scope and builtins where a type is expected, the
keywords and annotation forms valid at the cursor, the unused members of the
enum that tags a `variant`, and snippets for `typename`, `record`, `variant`,
`module` and `@interface func`.

Names defined after the cursor are not offered: witx has no forward
references (definition before use: WebAssembly/WASI tools/witx/src/validate.rs,
witx 0.9.1), so any of them would be an
"Unknown name" error where it is inserted. Names come in load order: the
typenames of files `use`d earlier (and, for a file analysed in an includer's
context, everything the includer loaded before it) count.
"""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.features.completion_context import Context, context, in_trivia, list_at
from witx_lsp.features.completion_scope import describe, names_in_scope, typename_kind
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.types import VariantType, resolve
from witx_lsp.syntax.tree import Atom, SList, TokenKind

BUILTIN_DOCS = {
    "u8": "unsigned 8-bit integer", "u16": "unsigned 16-bit integer", "u32": "unsigned 32-bit integer",
    "u64": "unsigned 64-bit integer", "s8": "signed 8-bit integer", "s16": "signed 16-bit integer",
    "s32": "signed 32-bit integer", "s64": "signed 64-bit integer", "f32": "32-bit float", "f64": "64-bit float",
    "char": "a Unicode scalar value (4 bytes)", "string": "`(list char)`: a pointer and a length",
    "bool": "`(variant (case $false) (case $true))`, a u32 tag: 4 bytes",
}
_INT_REPRS = ("u8", "u16", "u32", "u64")
_STRUCT = ("enum", "flags", "record", "union", "handle")
_ANON = ("variant", "tuple", "expected", "list")


@dataclass(frozen=True, slots=True)
class CompletionItem:
    label: str
    kind: str  # typename, builtin, keyword, snippet, enumMember, annotation
    detail: str
    documentation: str  # Markdown
    insert_text: str  # plain text
    replace: Span  # what the item replaces (the partial word before the cursor)
    snippet: str | None = None  # LSP snippet syntax, when the item has placeholders
    filter_text: str | None = None
    sort_text: str | None = None
    type_kind: str | None = None  # of a typename: completion_scope.typename_kind


# --- items ------------------------------------------------------------------------------------


def complete(snapshot: Snapshot, offset: int) -> list[CompletionItem]:
    """Completion items at `offset` of the snapshot's file."""
    f = snapshot.file
    if f is None:
        return []
    offset = max(0, min(offset, len(f.text)))
    if in_trivia(f.tree, offset):
        return []
    ctx = context(f.tree, f.text, offset)
    b = _Builder(ctx, snapshot, offset)
    b.build()
    snippets = {i.label for i in b.items if i.kind == "snippet"}
    return [i for i in b.items if i.kind == "snippet" or i.label not in snippets]


class _Builder:
    def __init__(self, ctx: Context, snapshot: Snapshot, offset: int) -> None:
        self.ctx = ctx
        self.snapshot = snapshot
        self.offset = offset
        self.items: list[CompletionItem] = []

    def add(self, label: str, kind: str, detail: str = "", docs: str = "", insert: str | None = None,
            snippet: str | None = None, filter_text: str | None = None, sort: str = "5",
            type_kind: str | None = None) -> None:
        self.items.append(CompletionItem(label, kind, detail, docs, insert if insert is not None else label,
                                         self.ctx.word, snippet, filter_text, sort + label, type_kind))

    def form(self, keyword: str, body: str, plain: str, detail: str, docs: str = "", sort: str = "3") -> None:
        """A form as a snippet: after `(` only its inside, elsewhere with parentheses."""
        if self.ctx.head_position:
            close = ")" if self.ctx.needs_close else ""
            self.add(keyword, "snippet", detail, docs, plain + close, body + close, keyword, sort)
        else:
            self.add(f"({keyword} …)", "snippet", detail, docs, f"({plain})", f"({body})", keyword, sort)

    def keywords(self, words: tuple[str, ...], detail: str = "keyword") -> None:
        for w in words:
            self.add(w, "annotation" if w.startswith("@") else "keyword", detail, sort="2")

    def build(self) -> None:
        slot = self.ctx.slot
        if self.ctx.head_position:
            self.head(slot)
        else:
            self.argument(slot)

    # form keywords after `(`
    def head(self, slot: str) -> None:
        if slot == "toplevel":
            self.keywords(("typename", "module", "use", "@witx"))
            self.toplevel_snippets()
        elif slot.startswith("type"):
            named = slot == "type:named"
            self.keywords((*(k for k in (*_STRUCT, *_ANON) if named or k not in _STRUCT), "@witx"))
            if slot == "type|error":
                self.keywords(("error",))
            if named:
                self.type_snippets()
        elif slot in ("case|tagann", "case"):
            self.keywords(("case", "@witx") if slot == "case|tagann" else ("case",))
            self.case_snippets()
        elif slot in ("member|tagann", "flag|reprann"):
            self.keywords(("@witx",))
        elif slot == "fielditem":
            self.keywords(("field",))
        elif slot == "error":
            self.keywords(("error",))
        elif slot == "moduleitem":
            self.keywords(("import", "@interface"))
            self.module_snippets()
        elif slot == "funcfield":
            self.keywords(("param", "result", "@witx"))
        elif slot == "export":
            self.keywords(("export",))
        elif slot == "memory":
            self.keywords(("memory",))

    # items after the form keyword
    def argument(self, slot: str) -> None:
        if slot == "toplevel":
            self.toplevel_snippets()
        elif slot in ("type", "type:named", "type|tagann", "type|error", "typeref"):
            self.type_names()
            if slot == "typeref":
                return
            self.builtins()
            self.form("list", "list ${1:u8}", "list u8", "a list (pointer and length)")
            self.form("@witx pointer", "@witx pointer ${1:u8}", "@witx pointer u8", "a mutable pointer")
            self.form("@witx const_pointer", "@witx const_pointer ${1:u8}", "@witx const_pointer u8",
                      "a const pointer")
            self.add("(@witx usize)", "annotation", "a pointer-sized u32", insert="(@witx usize)",
                     filter_text="usize")
            self.add("(@witx char8)", "annotation", "a u8 that is a C char", insert="(@witx char8)",
                     filter_text="char8")
            if slot == "type:named":
                self.type_snippets()
            if slot == "type|tagann":
                self.form("@witx tag", "@witx tag ${1:u8}", "@witx tag u8", "the tag type (an enum or u8…u64)")
            if slot == "type|error":
                self.form("error", "error ${1:\\$errno}", "error $errno", "the error payload")
        elif slot == "case|tagann":
            self.form("@witx tag", "@witx tag ${1:\\$tag}", "@witx tag u32", "the tag type (an enum or u8…u64)")
            self.case_snippets()
        elif slot == "case":
            self.case_snippets()
        elif slot == "casename":
            for name in self.unused_members():
                self.add("$" + name, "enumMember", "member of the tag enum", sort="1")
        elif slot == "member|tagann":
            self.form("@witx tag", "@witx tag ${1|u8,u16,u32,u64|}", "@witx tag u8", "the enum's tag type")
        elif slot == "flag|reprann":
            self.form("@witx repr", "@witx repr ${1|u8,u16,u32,u64|}", "@witx repr u32", "the flags' integer type")
        elif slot == "reprtype":
            for r in _INT_REPRS:
                self.add(r, "builtin", BUILTIN_DOCS[r], sort="1")
        elif slot == "fielditem":
            self.form("field", "field \\$${1:name} ${2:u32}", "field $name u32", "a record field")
        elif slot == "error":
            self.form("error", "error ${1:\\$errno}", "error $errno", "the error payload")
        elif slot == "moduleitem":
            self.module_snippets()
        elif slot == "funcfield":
            self.form("param", "param \\$${1:name} ${2:u32}", "param $name u32", "a parameter")
            self.form("result", "result \\$${1:error} ${2:(expected (error \\$errno))}",
                      "result $error (expected (error $errno))", "the result")
            self.add("(@witx noreturn)", "annotation", "the function does not return", insert="(@witx noreturn)",
                     filter_text="noreturn")
        elif slot == "func":
            self.add("func", "keyword", "keyword", sort="1")
        elif slot == "export":
            self.form("export", "export \"${1:name}\"", 'export "name"', "the exported name")
        elif slot == "memory":
            self.add("(memory)", "keyword", "memory is the only importable thing", filter_text="memory")
        elif slot.startswith("witxword:"):
            self.witx_words(slot.split(":", 1)[1])

    def witx_words(self, outer: str) -> None:
        if outer.startswith("type"):
            self.keywords(("pointer", "const_pointer", "usize", "char8"), "@witx type form")
        if outer in ("case|tagann", "type|tagann", "member|tagann"):
            self.keywords(("tag",), "@witx annotation")
        if outer == "flag|reprann":
            self.keywords(("repr",), "@witx annotation")
        if outer == "toplevel":
            self.keywords(("const",), "@witx declaration")
        if outer == "funcfield":
            self.keywords(("noreturn",), "@witx annotation")

    def type_names(self) -> None:
        doc = self.snapshot.analysis.document
        for n in names_in_scope(self.snapshot.analysis, self.snapshot.path, self.offset):
            if n.kind != "typename":
                continue
            named = doc.typename(n.name)
            detail = describe(named) if named is not None else "typename"
            self.add("$" + n.name, "typename", detail, n.docs.strip(), sort="0",
                     type_kind=typename_kind(named) if named is not None else None)

    def builtins(self) -> None:
        for b, d in BUILTIN_DOCS.items():
            self.add(b, "builtin", d, sort="1")

    def toplevel_snippets(self) -> None:
        self.form("typename", "typename \\$${1:name} ${2:u32}", "typename $name u32", "a type definition", sort="3")
        self.form("typename record", "typename \\$${1:name}\n  (record\n    (field \\$${2:field} ${3:u32})\n  )\n",
                  "typename $name\n  (record\n    (field $field u32)\n  )\n", "a record type", sort="3")
        self.form("typename variant", "typename \\$${1:name}\n  (variant\n    (case \\$${2:case} ${3:u32})\n  )\n",
                  "typename $name\n  (variant\n    (case $case u32)\n  )\n", "a variant type", sort="3")
        self.form("typename enum", "typename \\$${1:name}\n  (enum (@witx tag ${2|u8,u16,u32,u64|})\n"
                  "    \\$${3:member}\n  )\n", "typename $name\n  (enum (@witx tag u8)\n    $member\n  )\n",
                  "an enum type", sort="3")
        self.form("module", "module \\$${1:name}\n  (import \"memory\" (memory))\n  $0\n",
                  "module $name\n  (import \"memory\" (memory))\n", "a module", sort="3")
        self.form("use", "use \"${1:typenames.witx}\"", 'use "typenames.witx"', "include another file", sort="3")
        self.form("@witx const", "@witx const \\$${1:type} \\$${2:name} ${3:0}", "@witx const $type $name 0",
                  "a constant", sort="3")

    def type_snippets(self) -> None:
        self.form("record", "record\n  (field \\$${1:name} ${2:u32})\n", "record\n  (field $name u32)\n",
                  "a record type")
        self.form("variant", "variant\n  (case \\$${1:name} ${2:u32})\n", "variant\n  (case $name u32)\n",
                  "a variant type")
        self.form("enum", "enum (@witx tag ${1|u8,u16,u32,u64|})\n  \\$${2:member}\n",
                  "enum (@witx tag u8)\n  $member\n", "an enum type")
        self.form("flags", "flags (@witx repr ${1|u8,u16,u32,u64|})\n  \\$${2:flag}\n",
                  "flags (@witx repr u32)\n  $flag\n", "a flags type")

    def module_snippets(self) -> None:
        self.form("@interface func", "@interface func (export \"${1:name}\")\n  (param \\$${2:arg} ${3:u32})\n"
                  "  (result \\$${4:error} (expected (error \\$${5:errno})))\n",
                  "@interface func (export \"name\")\n  (result $error (expected (error $errno)))\n",
                  "a function", sort="3")
        self.form("import", "import \"memory\" (memory)", 'import "memory" (memory)', "import the memory", sort="3")

    def case_snippets(self) -> None:
        unused = self.unused_members()
        for name in unused:
            self.form(f"case ${name}", f"case \\${name}$0", f"case ${name}", "member of the tag enum", sort="1")
        if not unused:
            self.form("case", "case \\$${1:name} ${2:u32}", "case $name u32", "a variant case")

    def unused_members(self) -> list[str]:
        """Members of the enum tagging the innermost `variant`, not used by its cases yet."""
        variant = next((lst for lst in reversed(self.ctx.chain) if lst.head_is("variant")), None)
        if variant is None or len(variant.items) < 2:
            return []
        tag = variant.items[1]
        if not (isinstance(tag, SList) and tag.head_is("@witx") and len(tag.items) == 3
                and isinstance(tag.items[2], Atom) and tag.items[2].kind is TokenKind.ID):
            return []
        named = self.snapshot.analysis.document.typename(tag.items[2].name)
        t = resolve(named) if named is not None else None
        if not (isinstance(t, VariantType) and t.is_enum()):
            return []
        f = self.snapshot.file
        full = list_at(f.tree, variant.start) if f is not None else None
        used = set()
        for case in (full or variant).items[2:]:
            name = case.items[1] if isinstance(case, SList) and case.head_is("case") and len(case.items) > 1 else None
            if isinstance(name, Atom) and not name.start <= self.offset <= name.end:
                used.add(name.name)
        return [c.name for c in t.cases if c.name not in used]

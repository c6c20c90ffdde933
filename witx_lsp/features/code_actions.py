"""Code actions: quick fixes for the diagnostics at a range, and the whole-file
migration of witx 0.8 syntax.

* "Migrate this file to witx 0.9": every dialect edit of the file (from the
  diagnostics' `data`, witx_lsp/model/migrate.py), applied again on the result
  until nothing legacy is left (an edit can reveal another legacy form); kinds
  `quickfix` (at a dialect diagnostic) and `source.fixAll.witx` (anywhere).
* "Replace with witx 0.9 syntax": the edits of one dialect diagnostic.
* "Did you mean `$x`?" for an unknown name (E0301): the typenames in scope at
  the use (load order, no forward references) closest by edit distance.
* "Create typename `$x`" (E0301): `(typename $x u32)` inserted above the
  top-level form holding the use, since witx has no forward references.
* "Reorder the fields of `t`" (W0503): the record's fields, each with its
  comments, in the smallest order the layout diagnostic found (`data.order`).
* "Insert the missing `)`" (E0005): after the last token of the unclosed form
  (on its last line, before any comment there, which would swallow it).

Each action is a value: title, kind, edits per path, the diagnostics it fixes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import Span
from witx_lsp.features.command_names import FIX_ALL as FIX_ALL
from witx_lsp.features.completion_scope import names_in_scope
from witx_lsp.features.formatting import Edit, token_stream
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.model.lower import lower
from witx_lsp.model.migrate import apply_edits, migration_edits
from witx_lsp.model.symbols import SymbolKey, SymbolKind
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

QUICKFIX = "quickfix"
MAX_MIGRATION_ROUNDS = 8
_DIALECT = "witx-0.8"


@dataclass(frozen=True)
class CodeAction:
    title: str
    kind: str
    edits: dict[str, list[Edit]]
    diagnostics: tuple[Diagnostic, ...] = ()
    preferred: bool = False
    # The same edits in LSP snippet syntax, for clients that accept snippet edits.
    snippet_edits: dict[str, list[Edit]] | None = field(default=None)


def code_actions(snapshot: Snapshot, span: Span, only: tuple[str, ...] | None = None) -> list[CodeAction]:
    """The actions available for `span` of the snapshot's file."""
    f = snapshot.file
    if f is None:
        return []
    path = snapshot.path
    mine = [d for d in snapshot.analysis.diagnostics if d.path == path]
    at = [d for d in mine if _touches(d.span, span)]
    out: list[CodeAction] = []
    for d in at:
        if _is_dialect(d):
            out.extend(_replace_dialect(d, path))
        elif d.code == "E0301":
            out.extend(_unknown_name(snapshot, d))
        elif d.code == "E0005":
            out.extend(_close_paren(f.tree, d, path))
    out.extend(_reorder(snapshot, span))
    legacy = [d for d in mine if _is_dialect(d)]
    if legacy:
        migrated = migrate_text(f.text, path)
        edits = _diff(f.text, migrated)
        if edits:
            if any(_touches(d.span, span) for d in legacy):
                out.append(CodeAction("Migrate this file to witx 0.9", QUICKFIX, {path: edits}, tuple(legacy)))
            out.append(CodeAction("Migrate this file to witx 0.9", FIX_ALL, {path: edits}, tuple(legacy)))
    if only:
        out = [a for a in out if any(a.kind == o or a.kind.startswith(o + ".") for o in only)]
    return out


def _touches(a: Span, b: Span) -> bool:
    return a.start <= b.end and b.start <= a.end


def _is_dialect(d: Diagnostic) -> bool:
    return bool(d.data) and d.data is not None and d.data.get("dialect") == _DIALECT and bool(d.data.get("edits"))


def migrate_text(text: str, path: str) -> str:
    """The text with every witx 0.8 form rewritten in 0.9 syntax."""
    for _ in range(MAX_MIGRATION_ROUNDS):
        tree = parse(text, path)
        diags = [*tree.errors, *lower(tree, path).diagnostics]
        edits = migration_edits(diags, path)
        if not edits:
            break
        text = apply_edits(text, edits)
    return text


def _diff(old: str, new: str) -> list[Edit]:
    if old == new:
        return []
    p = 0
    n = min(len(old), len(new))
    while p < n and old[p] == new[p]:
        p += 1
    s = 0
    while s < n - p and old[-1 - s] == new[-1 - s]:
        s += 1
    return [(Span(p, len(old) - s), new[p:len(new) - s])]


def _replace_dialect(d: Diagnostic, path: str) -> list[CodeAction]:
    assert d.data is not None
    edits = [(Span(int(e["start"]), int(e["end"])), str(e["newText"])) for e in d.data["edits"]]
    title = f"Replace with `{edits[0][1]}`" if len(edits) == 1 else "Rewrite in witx 0.9 syntax"
    return [CodeAction(title, QUICKFIX, {path: edits}, (d,), preferred=True)]


# --- unknown names ------------------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (optimal string alignment)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def suggestions(name: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The candidates close to `name`, closest first."""
    bound = max(1, len(name) // 3)
    scored = sorted((edit_distance(name.lower(), c.lower()), c) for c in set(candidates) if c != name)
    return [c for dist, c in scored if dist <= bound and dist < max(len(name), 2)][:limit]


def _unknown_name(snapshot: Snapshot, d: Diagnostic) -> list[CodeAction]:
    text = snapshot.text
    word = text[d.span.start:d.span.end]
    if not word.startswith("$") or len(word) < 2:
        return []
    name = word[1:]
    path = snapshot.path
    scope = [n.name for n in names_in_scope(snapshot.analysis, path, d.span.start) if n.kind == "typename"]
    out = [CodeAction(f"Did you mean `${c}`?", QUICKFIX, {path: [(d.span, "$" + c)]}, (d,), preferred=k == 0)
           for k, c in enumerate(suggestions(name, scope))]
    defined = snapshot.analysis.symbols.definitions
    if (SymbolKey(SymbolKind.TYPENAME, (name,)) not in defined and SymbolKey(SymbolKind.MODULE, (name,)) not in defined
            and snapshot.file is not None):
        # Above the first use in this file: witx has no forward references.
        uses = [u for u in snapshot.analysis.diagnostics if u.code == "E0301" and u.path == path
                and text[u.span.start:u.span.end] == word]
        first = min((u.span.start for u in uses), default=d.span.start)
        at = _line_start(text, _form_start(snapshot.file.tree, first))
        if at is not None:
            plain = f"(typename ${name} u32)\n\n"
            snippet = f"(typename \\${name} ${{1:u32}})\n\n"
            out.append(CodeAction(f"Create typename `${name}`", QUICKFIX, {path: [(Span(at, at), plain)]},
                                  tuple(uses) or (d,), snippet_edits={path: [(Span(at, at), snippet)]}))
    return out


def _form_start(tree: SourceTree, offset: int) -> int | None:
    """Where the top-level form holding `offset` starts, its own-line comments included."""
    for item in tree.items:
        if item.start <= offset <= item.end:
            own = [c for c in item.leading if not _after_token(tree.text, c.start)]
            return own[0].start if own else item.start
    return None


def _after_token(text: str, offset: int) -> bool:
    """Whether something precedes `offset` on its line."""
    i = offset - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i >= 0 and text[i] not in "\r\n"


def _line_start(text: str, offset: int | None) -> int | None:
    if offset is None:
        return None
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


# --- missing `)` ----------------------------------------------------------------------------------


def _close_paren(tree: SourceTree, d: Diagnostic, path: str) -> list[CodeAction]:
    lst = _unclosed_at(tree, d.span.start)
    if lst is None:
        return []
    end = _last_token_end(lst)
    return [CodeAction("Insert the missing `)`", QUICKFIX, {path: [(Span(end, end), ")")]}, (d,), preferred=True)]


def _unclosed_at(tree: SourceTree, start: int) -> SList | None:
    stack: list[Node] = list(tree.items)
    while stack:
        n = stack.pop()
        if isinstance(n, SList):
            if n.start == start and not n.closed:
                return n
            if n.start <= start <= n.end:
                stack.extend(n.items)
    return None


def _last_token_end(lst: SList) -> int:
    node: Node = lst
    while isinstance(node, SList) and not node.closed:
        if not node.items:
            return node.start + 1
        node = node.items[-1]
    return node.end


# --- field order ----------------------------------------------------------------------------------


def _reorder(snapshot: Snapshot, span: Span) -> list[CodeAction]:
    f = snapshot.file
    assert f is not None
    forms = {item.items[1].start: item for item in f.tree.items
             if isinstance(item, SList) and item.head_is("typename") and len(item.items) > 2
             and isinstance(item.items[1], Atom) and _touches(item.span, span)}
    if not forms:
        return []
    out = []
    for d in layout_diagnostics(snapshot.analysis):
        if d.code != "W0503" or d.path != snapshot.path or d.span.start not in forms or not d.data:
            continue
        body = forms[d.span.start].items[2]
        if not isinstance(body, SList) or not body.head_is("record"):
            continue
        edit = reorder_fields(f.text, body, [str(n) for n in d.data.get("order", [])])
        if edit is None:
            continue
        name = forms[d.span.start].items[1]
        assert isinstance(name, Atom)
        title = (f"Reorder the fields of `{name.text}` to remove padding ({d.data.get('size_now')} → "
                 f"{d.data.get('size_min')} bytes; this changes the ABI)")
        out.append(CodeAction(title, QUICKFIX, {snapshot.path: [edit]}, (d,)))
    return out


def reorder_fields(text: str, record: SList, order: list[str]) -> Edit | None:
    """The edit putting a record's fields (each with its comments) in `order`."""
    fields = record.items[1:]
    names: list[str] = []
    for fl in fields:
        if not (isinstance(fl, SList) and fl.head_is("field") and len(fl.items) > 1
                and isinstance(fl.items[1], Atom) and fl.items[1].kind is TokenKind.ID):
            return None
        names.append(fl.items[1].name)
    if sorted(names) != sorted(order) or len(set(names)) != len(names) or names == order:
        return None
    chunks: list[tuple[int, int]] = []
    line_comment_end: dict[str, bool] = {}
    for k, fl in enumerate(fields):
        start = fl.start
        own = [c for c in fl.leading if not (k > 0 and _trails(text, c, fields[k - 1]))]
        if own:
            start = own[0].start
        following = fields[k + 1].leading if k + 1 < len(fields) else record.trailing
        end = fl.end
        line_comment_end[names[k]] = False
        for c in following:
            if _trails(text, c, fl):
                end = c.end
                line_comment_end[names[k]] = c.kind is TokenKind.LINE_COMMENT
        chunks.append((start, end))
    pieces = {n: text[s:e] for n, (s, e) in zip(names, chunks, strict=True)}
    seps = [text[chunks[k][1]:chunks[k + 1][0]] for k in range(len(chunks) - 1)]
    new = pieces[order[0]]
    for k, n in enumerate(order[1:]):
        sep = seps[k]
        if line_comment_end[order[k]] and not _has_newline(sep):
            sep = "\n" + sep
        new += sep + pieces[n]
    after = text[chunks[-1][1]:record.end]
    if line_comment_end[order[-1]] and not _has_newline(after.split(")", 1)[0]):
        new += "\n"
    edit = (Span(chunks[0][0], chunks[-1][1]), new)
    changed = text[:edit[0].start] + new + text[edit[0].end:]
    if sorted(token_stream(parse(changed))) != sorted(token_stream(parse(text))):
        return None  # never risk damage
    return edit


def _has_newline(s: str) -> bool:
    return "\n" in s or "\r" in s


def _trails(text: str, c: Comment, prev: Node) -> bool:
    """A comment on the same line as the end of `prev`, after it."""
    between = text[prev.end:c.start]
    return c.start >= prev.end and "\n" not in between and "\r" not in between

"""The document to convert: witx 0.9 as loaded, or witx <= 0.8 files migrated to 0.9
first (the whole-file migration of `model/migrate.py`, the server's quick fix), with
every diagnostic mapped back onto the text as the user wrote it.

One more 0.8 form is rewritten here: several results, `(result $error $errno) (result
$nread $size)`, which witx 0.9 refuses (E0306 "more than one result"). They become one
result as WASI's own move to witx 0.9 wrote them (WebAssembly/WASI, the 0.9 `phases/`
files): `(result $error (expected $size (error $errno)))`, with a `(tuple ...)` for
several values. And `(typename $t (int u64 (const $a 0)))`, for which the editor's migration
has no edit (its constants must move out of the typename), becomes `(typename $t u64)` followed
by `(@witx const $t $a 0)`, each constant with its `;;;` documentation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import DiskProvider, ReadFailure, SourceProvider
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.model.migrate import TextEdit, apply_edits, migration_edits
from witx_lsp.model.types import Document
from witx_lsp.syntax.tree import Node, SList
from witx_lsp.wit.convert import WitOptions, convert, default_package

# Migration rounds: the dialect edits, then the `(int ...)` typenames, then the results (refused
# only once the types are 0.9), and one more for a form that only an earlier round's output exposes.
MAX_ROUNDS = 5


class _Overlay:
    """A SourceProvider: the migrated texts over another provider."""

    def __init__(self, base: SourceProvider, texts: Mapping[str, str]) -> None:
        self.base = base
        self.texts = texts

    def canonical(self, path: str) -> str:
        return self.base.canonical(path)

    def read(self, path: str) -> str | ReadFailure:
        return self.texts[path] if path in self.texts else self.base.read(path)


def _map_offset(x: int, edits: Sequence[TextEdit], end: bool) -> int:
    """An offset in the edited text -> the offset in the text before the edits (an offset inside
    a replacement goes to the start, or for a range's end, the end of what it replaced)."""
    delta = 0
    for e in edits:
        start = e.start + delta
        if x < start or (x == start and not end):
            return x - delta
        stop = start + len(e.new_text)
        if x <= stop:
            return e.end if end else e.start
        delta += len(e.new_text) - (e.end - e.start)
    return x - delta


def _funcs(items: Sequence[Node]) -> list[SList]:
    """Every `(@interface func ...)` list under `items` (iteratively)."""
    out, stack = [], list(items)
    while stack:
        node = stack.pop()
        if isinstance(node, SList):
            if node.head_is("@interface"):
                out.append(node)
            else:
                stack.extend(node.items)
    return out


def several_results_edits(analysis: Analysis, path: str) -> list[TextEdit]:
    """Edits that fold the several results of a witx 0.8 function into one `expected`
    (only for functions that the validator refused for "more than one result" and whose
    first result is `$error`, the 0.8 convention); a lone `(result $error $errno)` becomes
    `(result $error (expected (error $errno)))` the same way."""
    refused = {d.span.start for d in analysis.diagnostics if d.path == path and d.code == "E0306"
               and d.message.endswith(("more than one result", "invalid return type"))}
    source = analysis.files.get(path)
    if not refused or source is None:
        return []
    text = source.text
    edits = []
    for func in _funcs(source.tree.items):
        if not any(func.start <= at < func.end for at in refused):
            continue
        results = [i for i in func.items if isinstance(i, SList) and i.head_is("result") and len(i.items) == 3]
        if not results or text[results[0].items[1].start:results[0].items[1].end] != "$error":
            continue
        types = [text[r.items[2].start:r.items[2].end] for r in results]
        if any(t.startswith("(") for t in types):
            continue  # already an `expected` (or another form): not the 0.8 shape
        ok = "" if len(types) == 1 else f"{types[1]} " if len(types) == 2 else f"(tuple {' '.join(types[1:])}) "
        edits.append(TextEdit(results[0].start, results[-1].end,
                              f"(result $error (expected {ok}(error {types[0]})))"))
    return sorted(edits, key=lambda e: e.start)


def int_edits(analysis: Analysis, path: str) -> list[TextEdit]:
    """Edits that turn each witx 0.8 `(typename $t (int REPR (const $c N) ...))` of a file the
    validator reported E0203 in into the typename and its `(@witx const ...)` declarations."""
    source = analysis.files.get(path)
    if source is None or not any(d.path == path and d.code == "E0203" for d in analysis.diagnostics):
        return []
    text = source.text
    edits = []
    for node in source.tree.items:
        if not (isinstance(node, SList) and node.head_is("typename") and len(node.items) == 3):
            continue
        body = node.items[2]
        if not (isinstance(body, SList) and body.head_is("int") and len(body.items) >= 2):
            continue
        name, repr_ = (text[n.start:n.end] for n in (node.items[1], body.items[1]))
        out = [f"(typename {name} {repr_})"]
        for c in body.items[2:]:
            if not (isinstance(c, SList) and c.head_is("const") and len(c.items) == 3):
                break
            docs = [text[d.start:d.end] for d in c.leading if d.is_doc]
            out += [*docs, f"(@witx const {name} {text[c.items[1].start:c.items[1].end]} "
                           f"{text[c.items[2].start:c.items[2].end]})"]
        else:
            edits.append(TextEdit(node.start, node.end, "\n".join(out)))
    return edits


def _to_original(rounds: Sequence[Mapping[str, list[TextEdit]]], d: Diagnostic) -> Diagnostic:
    """A diagnostic of the migrated texts, placed in the texts as written."""
    start, end = d.span
    for edits in reversed(rounds):
        path_edits = edits.get(d.path, [])
        start, end = _map_offset(start, path_edits, False), _map_offset(end, path_edits, True)
    return d if (start, end) == tuple(d.span) else replace(d, span=Span(start, max(start, end)))


@dataclass(frozen=True)
class MigratedAnalysis:
    analysis: Analysis  # of the files as written: diagnostics point into these texts
    document: Document  # the model to convert (of the migrated texts when there were 0.8 forms)
    migrated: tuple[str, ...]  # canonical paths that were migrated from witx 0.8
    errors: tuple[Diagnostic, ...]  # the errors left after the migration, placed in the texts as written
    rounds: tuple[dict[str, list[TextEdit]], ...] = ()  # the edits of each round, per path

    def original(self, d: Diagnostic) -> Diagnostic:
        return _to_original(self.rounds, d)


def analyze_migrated(roots: Sequence[str], provider: SourceProvider | None = None) -> MigratedAnalysis:
    base = provider or DiskProvider()
    first = analyze(roots, base)
    current = first
    texts: dict[str, str] = {}
    rounds: list[dict[str, list[TextEdit]]] = []
    for _ in range(MAX_ROUNDS):
        edits = {p: e for p in current.files
                 if (e := migration_edits(current.diagnostics, p) or int_edits(current, p)
                     or several_results_edits(current, p))}
        if not edits:
            break
        rounds.append(edits)
        for path, path_edits in edits.items():
            texts[path] = apply_edits(current.files[path].text, path_edits)
        current = analyze(roots, _Overlay(base, texts))
    errors = tuple(_to_original(rounds, d) for d in current.diagnostics if d.severity is Severity.ERROR)
    return MigratedAnalysis(first, current.document, tuple(sorted(texts)), errors, tuple(rounds))


def conversion_diagnostics(analysis: Analysis) -> list[Diagnostic]:
    """The W07xx diagnostics of converting an analysed document with the default options."""
    if not analysis.roots:
        return []
    return list(convert(analysis.document, WitOptions(default_package(analysis.roots[0]))).diagnostics)

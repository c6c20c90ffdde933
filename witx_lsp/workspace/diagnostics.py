"""The diagnostics of an editor session's analyses (features/diagnostics.collect), computed
once per analysis and settings, and, within that, once per declaration where the result
provably cannot change.

One analysis serves every file it read, so its collected diagnostics are kept with it
(held weakly: they go when the host drops the analysis). Between analyses, what is kept
is the work on declarations that did not change: the generator hazards of a typename or a
function (wiggle/codegen/hazards.py `typename_hazards`, `function_hazards`) and the layout
diagnostics of a function (layout/diagnostics.py `function_layout_diagnostics`; those of
typenames are kept by the layout package itself). Each depends only on the declaration's
validated value, the syntax tree of its file and the configuration, and the value of a
declaration outlives an edit exactly when its file and everything loaded before it is
unchanged (validation resumes after them, model/incremental.py): then its lowered file, and
with it its tree, is the one the parse cache holds for the unchanged text. So the results are
kept by the identity of the value (each entry holds its value, so an id is never reused while
it is kept), and for one configuration at a time. What is assembled from them is what a full
computation gives (tests/workspace/test_incremental.py compares the two).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Generic, TypeVar

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import FileSpan, Span
from witx_lsp.features.diagnostics import collect
from witx_lsp.features.preview import read_config
from witx_lsp.layout.diagnostics import function_layout_diagnostics
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.syntax_ast import Decl, ModuleDecl, TypenameDecl
from witx_lsp.model.types import InterfaceFunc, NamedType
from witx_lsp.wiggle.codegen import Config
from witx_lsp.wiggle.codegen.hazards import DeclHazards, assemble, function_hazards, typename_hazards

D = TypeVar("D", NamedType, InterfaceFunc)
R = TypeVar("R")
K = TypeVar("K")
V = TypeVar("V")


def _places(decls: Sequence[Decl]) -> tuple[dict[int, Span], dict[int, Span]]:
    """Where the values of a file's declarations start (a typename's name; a function's export
    name: the spans model/validate.py gives NamedType and InterfaceFunc), and the span of the
    list holding each: the declaration, the module's function. Read off the file's lowered
    declarations, whose spans are those of their lists in the tree (model/lower.py,
    lower_fast.py), so that a keystroke never builds the deferred tree of a well-formed file."""
    typenames: dict[int, Span] = {}
    funcs: dict[int, Span] = {}
    for d in decls:
        if isinstance(d, TypenameDecl):
            typenames[d.name.span.start] = d.span
        elif isinstance(d, ModuleDecl):
            for f in d.funcs:
                funcs[f.export_span.start] = f.span
    return typenames, funcs


class Lookups:
    """What was found about one analysis' values, shared by the memos (a function has its
    hazards and its layout diagnostics): the form of each value with its text, and which kept
    values each one equals."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._forms: dict[int, tuple[object, Span | None, str]] = {}
        self._equal: dict[tuple[int, int], tuple[object, object, bool]] = {}
        self._places: dict[str, tuple[dict[int, Span], dict[int, Span]]] = {}

    def form(self, value: D, at: FileSpan, depth: int) -> tuple[Span | None, str]:
        hit = self._forms.get(id(value))
        if hit is None:
            f = self.analysis.files.get(at.path)
            places = self._places.get(at.path)
            if places is None and f is not None:
                places = self._places[at.path] = _places(f.decls)
            form = places[depth - 1].get(at.span.start) if places is not None else None
            text = f.text[form.start:form.end] if form is not None and f is not None else ""
            hit = self._forms[id(value)] = (value, form, text)
        return hit[1], hit[2]

    def equal(self, kept: D, value: D) -> bool:
        hit = self._equal.get((id(kept), id(value)))
        if hit is None:
            hit = self._equal[(id(kept), id(value))] = (kept, value, kept == value)
        return hit[2]


def _shift(d: Diagnostic, delta: int) -> Diagnostic:
    related = tuple(replace(r, span=Span(r.span.start + delta, r.span.end + delta)) for r in d.related)
    return replace(d, span=Span(d.span.start + delta, d.span.end + delta), related=related)


def _inside(diags: Iterable[Diagnostic], path: str, form: Span) -> bool:
    return all(d.path == path and form.start <= d.span.start <= d.span.end <= form.end
               and all(r.path == path and form.start <= r.span.start <= r.span.end <= form.end for r in d.related)
               for d in diags)


class _Recent(Generic[K, V]):
    """The entries put or found lately: at most `capacity`, at least the last half of that
    (two generations of plain dicts: cheaper than a least-recently-used order kept exactly)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._new: dict[K, V] = {}
        self._old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        hit = self._new.get(key)
        if hit is None:
            hit = self._old.get(key)
            if hit is not None:
                self.put(key, hit)
        return hit

    def put(self, key: K, value: V) -> None:
        self._new[key] = value
        if len(self._new) >= self.capacity // 2:
            self._old, self._new = self._new, {}

    def clear(self) -> None:
        self._new.clear()
        self._old.clear()


class DeclarationMemo(Generic[D, R]):
    """The results of a per-declaration computation, kept for recent declarations.

    By identity: the same value (a typename or function of a file validated before the
    edit) has the same results. By text: a value equal to a kept one (equality ignores
    positions) whose form in its file has the same text, only somewhere else (a declaration
    after the edit point, moved by it), has the kept results moved by the same distance, when
    they all lie inside the form: the computation reads nothing but the value, the positions
    in its form's subtree and the configuration."""

    def __init__(self, capacity: int, depth: int, diagnostics: Callable[[R], Iterable[Diagnostic]],
                 shift: Callable[[R, int], R]) -> None:
        self.capacity = capacity
        self.depth = depth  # 1: a typename's declaration holds its value; 2: a module's function
        self._diagnostics = diagnostics
        self._shift = shift
        self._by_id: _Recent[int, tuple[D, R]] = _Recent(capacity)
        self._by_text: _Recent[tuple[str, str, str], tuple[D, int, R]] = _Recent(capacity)
        self.computed = 0  # results computed (not reused): for tests

    def get(self, lookups: Lookups, value: D, context: str, compute: Callable[[D], R]) -> R:
        """`compute(value)`, or its kept result; `context`: what else the result depends on."""
        hit = self._by_id.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        at = value.span
        form, text = lookups.form(value, at, self.depth) if at is not None else (None, "")
        if at is None or form is None:
            self.computed += 1
            result = compute(value)
            self._by_id.put(id(value), (value, result))
            return result
        key = (at.path, context, text)
        kept = self._by_text.get(key)
        if kept is not None and lookups.equal(kept[0], value):
            # (inside the form, as the kept results were inside the kept one's, of the same text)
            result = self._shift(kept[2], form.start - kept[1])
            self._by_text.put(key, (value, form.start, result))
        else:
            self.computed += 1
            result = compute(value)
            if _inside(self._diagnostics(result), at.path, form):
                self._by_text.put(key, (value, form.start, result))
        self._by_id.put(id(value), (value, result))
        return result

    def clear(self) -> None:
        self._by_id.clear()
        self._by_text.clear()


def _hazard_diagnostics(h: DeclHazards) -> Iterable[Diagnostic]:
    return (*h.own, *h.names)


def _shift_hazards(h: DeclHazards, delta: int) -> DeclHazards:
    if not (delta and (h.own or h.names)):
        return h  # (nothing to move: kept results are shared as they are)
    return DeclHazards(tuple(_shift(d, delta) for d in h.own), tuple(_shift(d, delta) for d in h.names), h.rust)


def _shift_all(diags: Sequence[Diagnostic], delta: int) -> Sequence[Diagnostic]:
    return [_shift(d, delta) for d in diags] if delta and diags else diags


class DeclarationResults:
    """Hazards and function layout diagnostics of recent declarations (one configuration)."""

    def __init__(self, capacity: int = 8192) -> None:
        self.config: Config | None = None
        self.typenames: DeclarationMemo[NamedType, DeclHazards] = DeclarationMemo(
            capacity, 1, _hazard_diagnostics, _shift_hazards)
        self.functions: DeclarationMemo[InterfaceFunc, DeclHazards] = DeclarationMemo(
            capacity, 2, _hazard_diagnostics, _shift_hazards)
        self.layouts: DeclarationMemo[InterfaceFunc, Sequence[Diagnostic]] = DeclarationMemo(
            capacity, 2, lambda ds: ds, _shift_all)
        self._lookups: Lookups | None = None

    def lookups(self, analysis: Analysis) -> Lookups:
        """Those of `analysis`, kept until `forget_lookups`."""
        if self._lookups is None or self._lookups.analysis is not analysis:
            self._lookups = Lookups(analysis)
        return self._lookups

    def forget_lookups(self) -> None:
        self._lookups = None

    def hazards(self, analysis: Analysis, config: Config) -> list[Diagnostic]:
        """`hazard_diagnostics(analysis, config)`, from the kept results of unchanged declarations."""
        if config != self.config:
            self.typenames.clear()
            self.functions.clear()
            self.config = config
        doc, lookups = analysis.document, self.lookups(analysis)
        typenames = [self.typenames.get(lookups, t, "", lambda t: typename_hazards(analysis, t, config))
                     for t in doc.typenames]
        functions = [[self.functions.get(lookups, f, "", lambda f: function_hazards(analysis, f, config))
                      for f in m.funcs] for m in doc.modules]
        return assemble(analysis, config, typenames, functions)

    def layout_of_function(self, analysis: Analysis, module: str, func: InterfaceFunc) -> Sequence[Diagnostic]:
        """`function_layout_diagnostics` (its messages name the module)."""
        return self.layouts.get(self.lookups(analysis), func, module,
                                lambda f: function_layout_diagnostics(analysis, module, f))


Overrides = Mapping[str, Severity | None]


class SessionDiagnostics:
    """`collect` of each analysis under the session's settings: the severity overrides and the
    text of the `wiggle::from_witx!` configuration (features/preview.py `read_config`)."""

    def __init__(self) -> None:
        self.declarations = DeclarationResults()
        self._collected: dict[int, tuple[weakref.ref[Analysis], list[Diagnostic]]] = {}
        self._settings: tuple[dict[str, Severity | None], str | None] = ({}, None)
        self._config = read_config(None)[0]

    def of(self, analysis: Analysis, overrides: Overrides, config_text: str | None) -> list[Diagnostic]:
        if (dict(overrides), config_text) != self._settings:
            self._settings = (dict(overrides), config_text)
            self._config = read_config(config_text)[0]
            self._collected.clear()
        hit = self._collected.get(id(analysis))
        if hit is not None and hit[0]() is analysis:
            return hit[1]
        decls = self.declarations
        diags = collect(analysis, overrides, self._config, decls.hazards, decls.layout_of_function)
        decls.forget_lookups()
        if len(self._collected) >= 16:
            self._collected.clear()
        self._collected[id(analysis)] = (weakref.ref(analysis), diags)
        weakref.finalize(analysis, self._collected.pop, id(analysis), None)
        return diags

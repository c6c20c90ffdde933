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
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.features.diagnostics import collect
from witx_lsp.features.preview import read_config
from witx_lsp.layout.diagnostics import function_layout_diagnostics
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import InterfaceFunc, NamedType
from witx_lsp.wiggle.codegen import Config
from witx_lsp.wiggle.codegen.hazards import DeclHazards, assemble, function_hazards, typename_hazards

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """Results by the identity of an immutable value, least recently used first out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[K, V]] = OrderedDict()
        self.misses = 0

    def get(self, key: K, compute: Callable[[K], V]) -> V:
        hit = self._entries.get(id(key))
        if hit is not None and hit[0] is key:
            self._entries.move_to_end(id(key))
            return hit[1]
        self.misses += 1
        value = compute(key)
        self._entries[id(key)] = (key, value)
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


class DeclarationResults:
    """Hazards and function layout diagnostics of recent declarations (one configuration)."""

    def __init__(self, capacity: int = 8192) -> None:
        self.config: Config | None = None
        self.typenames: IdentityMemo[NamedType, DeclHazards] = IdentityMemo(capacity)
        self.functions: IdentityMemo[InterfaceFunc, DeclHazards] = IdentityMemo(capacity)
        self.layouts: IdentityMemo[InterfaceFunc, Sequence[Diagnostic]] = IdentityMemo(capacity)

    def hazards(self, analysis: Analysis, config: Config) -> list[Diagnostic]:
        """`hazard_diagnostics(analysis, config)`, from the kept results of unchanged declarations."""
        if config != self.config:
            self.typenames.clear()
            self.functions.clear()
            self.config = config
        doc = analysis.document
        typenames = [self.typenames.get(t, lambda t: typename_hazards(analysis, t, config)) for t in doc.typenames]
        functions = [[self.functions.get(f, lambda f: function_hazards(analysis, f, config)) for f in m.funcs]
                     for m in doc.modules]
        return assemble(analysis, config, typenames, functions)

    def layout_of_function(self, analysis: Analysis, module: str, func: InterfaceFunc) -> Sequence[Diagnostic]:
        """`function_layout_diagnostics`, kept (a function value belongs to one module)."""
        return self.layouts.get(func, lambda f: function_layout_diagnostics(analysis, module, f))


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
        if len(self._collected) >= 16:
            self._collected.clear()
        self._collected[id(analysis)] = (weakref.ref(analysis), diags)
        weakref.finalize(analysis, self._collected.pop, id(analysis), None)
        return diags

"""Running `.witxt` files as the reference test harness does
(WebAssembly/WASI tools/witx/tests/witxt.rs, witx 0.9.1).

* `(witx …)` counts three tests: the document validates; it round-trips (the
  S-expression rendering, re-analysed from memory, gives an equal Document);
  and its docs.md renders. With an `$id` the document is kept for later
  `assert_representable` directives of the same file.
* `(assert_invalid (witx …) "text")`: some error contains the text.
* `(assert_representable eq|noteq|superset $a "x" $b "y")`: representation
  equality (§8) of two kept documents' types.
* `(assert_abi (witx …) (wasm …) (call_wasm …) (call_interface …))`: the core
  signature and both instruction streams of the first function of the first
  module, exactly.

Validation means what witx 0.9.1 validates: the model's extra checks that the
reference does not make (`LENIENT_CODES`) do not make a document invalid here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from witx_lsp.abi import AbiError, Instruction, call_interface, call_wasm, wasm_signature, witxt_names
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.vfs import DiskProvider, MemoryProvider, ReadFailure
from witx_lsp.model.analysis import Analysis, analyze
from witx_lsp.model.representation import RepEquality, representable
from witx_lsp.model.types import Document, InterfaceFunc, NamedType
from witx_lsp.printers import DocsError, render_docs, render_document
from witx_lsp.syntax.tree import Atom, SList
from witx_lsp.witxt.directives import Directive, WitxDoc, read_witxt
from witx_lsp.witxt.load import analyze_doc

# Errors of our model that witx 0.9.1 does not report while validating: duplicate
# case names without a tag, constant checks, layout limits (the reference only
# fails on E0312/E0314 later, when it renders docs).
LENIENT_CODES = frozenset({"E0311", "E0312", "E0313", "E0314", "E0501", "E0502"})

# Codes the reference reports as parse errors; in an inline document they make the
# whole .witxt file unreadable for the reference.
_PARSE_PREFIXES = ("E00", "E01", "E02")

WITX_TESTS = 3  # validation, round trip, docs (witxt.rs counts a `witx` directive thrice)


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    line: int  # 1-based; 0 when the failure concerns the whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"FAIL {where}: {self.reason}"


@dataclass
class WitxtReport:
    passed: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"

    def extend(self, other: WitxtReport) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.failures += other.failures


def reference_errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The error diagnostics witx 0.9.1 would also report."""
    return [d for d in diagnostics if d.severity is Severity.ERROR and d.code not in LENIENT_CODES]


def _category(code: str) -> str:
    # lib.rs `WitxError` variants: how the reference's error chain starts.
    if code.startswith("E04"):
        return "IO error"
    if code.startswith(_PARSE_PREFIXES):
        return "Parse error"
    return "Validation error"


def _error_text(d: Diagnostic) -> str:
    """The error as `format!("{:?}", anyhow::Error::from(err))` shows it: the
    error kind, then its cause."""
    return f"{_category(d.code)}\n\nCaused by:\n    {d.message}"


def _first_difference(a: Document, b: Document) -> str:
    for x, y in zip(a.typenames, b.typenames, strict=False):
        if x != y:
            return f"typename `{x.name}` reads back as `{y.name}` with a different definition"
    if len(a.typenames) != len(b.typenames):
        return f"{len(a.typenames)} typenames read back as {len(b.typenames)}"
    for m, n in zip(a.modules, b.modules, strict=False):
        if m != n:
            return f"module `{m.name}` reads back differently"
    return f"{len(a.modules)} modules read back as {len(b.modules)}"


def round_trip(doc: Document, name: str = "/roundtrip.witx") -> str | None:
    """Render the document, analyse the text again and compare: None when the
    result is equal, else why not."""
    text = render_document(doc)
    again = analyze([name], MemoryProvider({name: text}))
    errors = reference_errors(again.diagnostics)
    if errors:
        return f"round trip: the rendered text does not load: {errors[0].message}"
    if again.document != doc:
        return f"round trip: {_first_difference(doc, again.document)}"
    return None


class _FileRunner:
    def __init__(self, path: str) -> None:
        self.path = path
        self.report = WitxtReport()
        self.docs: dict[str, Document] = {}

    def passed(self, n: int = 1) -> None:
        self.report.passed += n

    def fail(self, d: Directive, reason: str, n: int = 1) -> None:
        self.report.failed += n
        self.report.failures.append(Failure(self.path, d.line, reason))

    def load(self, doc: WitxDoc) -> tuple[Analysis, list[Diagnostic], str | None]:
        """The analysis, its reference errors, and a reason the reference could
        not even read the .witxt file (a parse error in an inline document)."""
        analysis = analyze_doc(doc, self.path)
        errors = reference_errors(analysis.diagnostics)
        if doc.inline_text is not None:
            bad = next((e for e in errors if e.code.startswith(_PARSE_PREFIXES)), None)
            if bad is not None:
                return analysis, errors, f"inline witx does not parse: {bad.message}"
        return analysis, errors, None

    def run(self, directives: Sequence[Directive]) -> None:
        for d in directives:
            try:
                getattr(self, f"d_{d.kind}")(d)
            except Exception as e:  # a bug of ours must not hide the other directives
                self.fail(d, f"internal error: {type(e).__name__}: {e}", WITX_TESTS if d.kind == "witx" else 1)

    def d_witx(self, d: Directive) -> None:
        assert d.doc is not None
        analysis, errors, unreadable = self.load(d.doc)
        if unreadable or errors:
            self.fail(d, unreadable or f"invalid witx: {errors[0].message}", WITX_TESTS)
            return
        self.passed()
        doc = analysis.document
        problem = round_trip(doc, f"{self.path}#{d.span.start}.roundtrip")
        if problem:
            self.fail(d, problem)
        else:
            self.passed()
        try:
            render_docs(doc)
        except DocsError as e:
            self.fail(d, f"docs: {e}")
            return
        self.passed()
        # witxt.rs keeps the document only when every step succeeded.
        if d.doc.id is not None and not problem:
            self.docs[d.doc.id] = doc

    def d_assert_invalid(self, d: Directive) -> None:
        assert d.doc is not None
        _, errors, unreadable = self.load(d.doc)
        if unreadable:
            self.fail(d, unreadable)
        elif not errors:
            self.fail(d, "witx was valid when it shouldn't be")
        elif not any(d.expected_message in _error_text(e) for e in errors):
            self.fail(d, f"expected error {d.expected_message!r}, found {errors[0].message!r}")
        else:
            self.passed()

    def d_assert_representable(self, d: Directive) -> None:
        assert d.representable is not None
        relation, doc_a, type_a, doc_b, type_b = d.representable
        try:
            expected = RepEquality(relation)
        except ValueError:
            self.fail(d, f"unknown relation `{relation}` (expected eq, noteq or superset)")
            return
        found: list[NamedType] = []
        for doc_id, tname in ((doc_a, type_a), (doc_b, type_b)):
            doc = self.docs.get(doc_id)
            if doc is None:
                self.fail(d, f"no document named ${doc_id}")
                return
            named = doc.typename(tname)
            if named is None:
                self.fail(d, f"no type named {tname!r} in ${doc_id}")
                return
            found.append(named)
        result = representable(found[0], found[1])
        if result is not expected:
            self.fail(d, f"expected {expected.value}, found {result.value} for ${doc_a} {type_a!r} "
                         f"and ${doc_b} {type_b!r}")
        else:
            self.passed()

    def d_assert_abi(self, d: Directive) -> None:
        assert d.doc is not None
        analysis, errors, unreadable = self.load(d.doc)
        if unreadable or errors:
            self.fail(d, unreadable or f"invalid witx: {errors[0].message}")
            return
        doc = analysis.document
        if not doc.modules or not doc.modules[0].funcs:
            self.fail(d, "no funcs")
            return
        module = doc.modules[0]
        func = module.funcs[0]
        forms = {f.head.text: f for f in d.abi_forms if f.head is not None}
        missing = [k for k in ("wasm", "call_wasm", "call_interface") if k not in forms]
        if missing:
            self.fail(d, f"malformed assert_abi: no ({missing[0]} …)")
            return
        problem = self.check_signature(func, forms["wasm"]) or self.check_stream(
            "call_wasm", call_wasm(func, module.name), forms["call_wasm"]) or self.check_stream(
            "call_interface", call_interface(func, module.name), forms["call_interface"])
        if problem:
            self.fail(d, problem)
        else:
            self.passed()

    @staticmethod
    def check_signature(func: InterfaceFunc, form: SList) -> str | None:
        want: dict[str, list[str]] = {"param": [], "result": []}
        for item in form.items[1:]:
            if isinstance(item, SList) and item.head is not None and item.head.text in want:
                want[item.head.text] += [a.text for a in item.items[1:] if isinstance(a, Atom)]
        sig = wasm_signature(func)
        if isinstance(sig, AbiError):
            return f"no wasm signature: {sig}"
        if list(sig.params) != want["param"]:
            return f"expected params {want['param']}, found {list(sig.params)}"
        if list(sig.results) != want["result"]:
            return f"expected results {want['result']}, found {list(sig.results)}"
        return None

    @staticmethod
    def check_stream(which: str, stream: tuple[Instruction, ...] | AbiError, form: SList) -> str | None:
        want = [a.text for a in form.items[1:] if isinstance(a, Atom)]
        if isinstance(stream, AbiError):
            return f"{which}: the adapter fails: {stream}"
        got = witxt_names(stream)
        for i, (w, g) in enumerate(zip(want, got, strict=False)):
            if w != g:
                return f"{which}: instruction {i + 1}: expected `{w}` but adapter produced `{g}`"
        if len(got) > len(want):
            return f"{which}: extra instruction `{got[len(want)]}` found when none was expected"
        if len(want) > len(got):
            return f"{which}: expected `{want[len(got)]}` but the adapter stopped"
        return None


def run_text(path: str, text: str) -> WitxtReport:
    """Run the directives of one .witxt text (`path` locates `(load …)` files)."""
    wf = read_witxt(path, text)
    if wf.errors:
        # The reference cannot parse the file, so none of its directives runs.
        report = WitxtReport(failed=1)
        report.failures = [Failure(path, 0, f"cannot read the file: {e}") for e in wf.errors]
        return report
    runner = _FileRunner(path)
    runner.run(wf.directives)
    return runner.report


def run_file(path: str) -> WitxtReport:
    text = DiskProvider().read(path)  # bounded, regular files only, as witx files are read
    if isinstance(text, ReadFailure):
        return WitxtReport(failed=1, failures=[Failure(path, 0, f"cannot read the file: {text.message}")])
    return run_text(os.path.abspath(path), text)

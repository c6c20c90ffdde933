"""Every witx document of ../shared/corpus and of examples/ converted to WIT and handed to
the real wit-parser (componentize-py): every witx 0.9 document and every legacy (0.8)
document that migrates cleanly must parse and resolve. Then, type by type, the Python
bindings that componentize-py generates from the WIT (an independent reading of it) must
have the members, cases and flags of the witx model, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SHARED
from tests.wit.witparser import Checked, check_wit, needs_componentize
from witx_lsp.model.types import Document, RecordKind, RecordType, VariantType
from witx_lsp.wit import MigratedAnalysis, WitOptions, WitPackage, analyze_migrated, convert, default_package

pytestmark = needs_componentize
MAX_FLAGS = 32  # the component model's limit (a component with more fails validation)


def documents() -> list[Path]:
    found = sorted(ROOT.joinpath("examples").rglob("*.witx"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.rglob("*.witx"))
    return found


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _binding_class(pkg: WitPackage, witx_name: str) -> str:
    """The class componentize-py generates for a typename: its WIT name in CamelCase."""
    return "types." + "".join(w.capitalize() for w in pkg.names[f"typename {witx_name}"].split("-"))


def compare_members(doc: Document, pkg: WitPackage, checked: Checked) -> list[str]:
    """Differences between the model and the bindings, for every record, flags, enum and variant
    typename. A member name must be the witx name (up to case and separators) unless a W0701
    says it was renamed; the count and order must always agree."""
    renamed = {(d.path, d.span.start) for d in pkg.diagnostics if d.code == "W0701"}
    problems = []
    for named in doc.typenames:
        if not isinstance(named.tref, (RecordType, VariantType)):
            continue  # aliases and builtins: nothing to compare
        t = named.tref
        if isinstance(t, VariantType) and t.form in ("expected", "bool"):
            continue  # `type x = result<...>` / `bool`: no class of its own
        if isinstance(t, RecordType) and t.kind is RecordKind.TUPLE:
            continue
        kind = ("flags" if t.kind is RecordKind.BITFLAGS else "record") if isinstance(t, RecordType) \
            else ("enum" if t.is_enum() else "variant")
        members = t.members if isinstance(t, RecordType) else t.cases
        cls = _binding_class(pkg, named.name)
        got = checked.types.get(cls)
        if kind == "flags" and len(members) > MAX_FLAGS and got is not None and got[0] == "record":
            # Split (W0705): a record whose fields are the parts, each a flags type, in order.
            parts = [checked.types.get(f"{cls}Part{i}", ("missing", [])) for i in range(1, len(got[1]) + 1)]
            got = ("flags", [n for k, names in parts if k == "flags" for n in names])
        if got is None:
            problems.append(f"{named.name}: no binding class {cls}")
            continue
        if got[0] != kind or len(got[1]) != len(members):
            problems.append(f"{named.name}: witx {kind} of {len(members)}, bindings {got[0]} of {len(got[1])}")
            continue
        for m, b in zip(members, got[1], strict=True):
            if _norm(m.name) != _norm(b.rstrip("_")) and (m.span is None or (m.span.path, m.span.span.start)
                                                          not in renamed):
                problems.append(f"{named.name}: member `{m.name}` is `{b}` in the bindings")
    return problems


def convert_path(path: Path) -> tuple[MigratedAnalysis, WitPackage]:
    migrated = analyze_migrated([str(path)])
    return migrated, convert(migrated.document, WitOptions(default_package(str(path))))


def test_every_document_converts_and_wit_parser_accepts_it() -> None:
    paths = documents()
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    counts = {"0.9": 0, "0.8 migrated": 0, "invalid (skipped)": 0}
    failures = []
    compared = 0
    for path in paths:
        migrated, pkg = convert_path(path)
        if migrated.errors:
            counts["invalid (skipped)"] += 1  # witx test files that are meant to fail, 0.8 forms left over
            continue
        counts["0.8 migrated" if migrated.migrated else "0.9"] += 1
        checked = check_wit(pkg.text, pkg.world, pkg.file_name)
        if not checked.ok:
            failures.append(f"{path}: {checked.message}")
            continue
        problems = compare_members(migrated.document, pkg, checked)
        failures += [f"{path}: {p}" for p in problems]
        compared += sum(1 for n in migrated.document.typenames if isinstance(n.tref, (RecordType, VariantType)))
    print(f"\nwitx -> WIT over {len(paths)} documents: {counts}; structured typenames compared: {compared}")
    assert not failures, "\n".join(failures[:20])
    # Measured 2026-12 on the shared corpus (and examples/): 122 of 0.9, 81 migrated from 0.8; the
    # others are in the unreleased dialects ("use ... from", "witx 0.10"), need files they do not
    # `use`, or are invalid in any version.
    assert counts["0.9"] >= 120 and counts["0.8 migrated"] >= 80, counts


@pytest.mark.parametrize("path", sorted(ROOT.joinpath("examples").rglob("*.witx")), ids=lambda p: p.name)
def test_examples(path: Path) -> None:
    migrated, pkg = convert_path(path)
    assert not migrated.errors
    checked = check_wit(pkg.text, pkg.world, pkg.file_name)
    assert checked.ok, checked.message
    assert compare_members(migrated.document, pkg, checked) == []



def scoreboard_roots() -> list[Path]:
    """The witx 0.9 roots of the public scoreboard (../shared/tools/conformance.py): its root
    files, and every file of its 0.9 directories that no other file of the directory `use`s."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("conformance", SHARED / "tools" / "conformance.py")
    assert spec is not None and spec.loader is not None
    conformance = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conformance)
    roots = [CORPUS / rel for rel in conformance.LOAD_09]
    for rel in conformance.DIRS_09:
        files = sorted((CORPUS / rel).rglob("*.witx"))
        used = {u for f in files for sf in analyze_migrated([str(f)]).analysis.files.values() for u in sf.uses}
        roots += [f for f in files if str(f.resolve()) not in used]
    return roots


@pytest.mark.skipif(not (SHARED / "tools" / "conformance.py").is_file(), reason="../shared/tools is not present")
def test_every_09_root_of_the_scoreboard_converts() -> None:
    roots = scoreboard_roots()
    failures = []
    for root in roots:
        migrated, pkg = convert_path(root)
        if migrated.errors or migrated.migrated:
            failures.append(f"{root}: does not load as witx 0.9: {migrated.errors[:1]}")
            continue
        checked = check_wit(pkg.text, pkg.world, pkg.file_name)
        if not checked.ok:
            failures.append(f"{root}: {checked.message}")
    print(f"\nthe scoreboard's witx 0.9 roots: {len(roots)} converted and accepted by wit-parser")
    assert not failures, "\n".join(failures[:20])
    assert len(roots) >= 50

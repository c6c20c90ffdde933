"""How an outcome of this project is compared with the reference's, and the one list of
deliberate differences.

Compared: the verdict (ok or error); for a reference validation error, that the project
reports the same message at the same line and byte column of the same file (the project
reports every error, the reference only its first); for a parse error, that the project
reports a syntax error too; for a valid document, every typename's size, alignment, member
offsets and payload offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.differential.oracle import Outcome, line_and_byte_column, reference_layouts


@dataclass(frozen=True)
class Deliberate:
    code: str
    why: str
    example: dict[str, str]  # files (the root is `a.witx`) the reference accepts; the project reports `code`


# Every deliberate difference from witx 0.9.1: the document loads in the reference, and the
# project reports an error (with this code) because the reference misses something that
# breaks it later (a panic in its layout or docs code) or breaks what wiggle generates.
DELIBERATE: tuple[Deliberate, ...] = (
    Deliberate("E0311", "duplicate case names in a variant without an enum tag: not checked by the reference "
               "(validate.rs), and wiggle generates two Rust variants of one name",
               {"a.witx": "(typename $v (variant (case $a) (case $a u8)))\n"}),
    Deliberate("E0312", "a constant whose type is not defined: not checked by the reference (a TODO in "
               "validate.rs); its docs generator panics on it (docs/ast.rs)",
               {"a.witx": "(@witx const $nothing $c 1)\n(typename $z u8)\n"}),
    Deliberate("E0313", "a constant of a type that holds no integers, or whose value does not fit: not checked "
               "by the reference (same TODO)",
               {"a.witx": "(typename $s string)\n(@witx const $s $c 1)\n(typename $z u8)\n"}),
    Deliberate("E0314", "an empty tuple, or a zero-case variant held by another type, has alignment 0: the "
               "reference loads it and then divides by zero laying it out (layout.rs)",
               {"a.witx": "(typename $t (tuple))\n"}),
    Deliberate("E0501", "a variant with more cases than its tag type can number: the reference does not check it",
               {"a.witx": "(typename $e (enum (@witx tag u8) " + " ".join(f"$c{i}" for i in range(257)) + "))\n"}),
    Deliberate("E0502", "a flags type with more flags than its repr has bits: the reference does not check it",
               {"a.witx": "(typename $f (flags (@witx repr u8) " + " ".join(f"$f{i}" for i in range(9)) + "))\n"}),
    Deliberate("E0406", "a cycle of `use`s: the reference reads each file once and so loads a cycle silently; "
               "the project names the `use` that closes it",
               {"a.witx": '(use "b.witx")\n(typename $a u8)\n', "b.witx": '(use "a.witx")\n(typename $b u8)\n'}),
)
DELIBERATE_CODES = frozenset(d.code for d in DELIBERATE)

# Project codes that mean "this text does not parse as witx 0.9.1" (syntax, structure,
# legacy dialects), the counterpart of the reference's parse errors.
_PARSE_PREFIXES = ("E00", "E01", "E02")


def _parse_errors_in(outcome: Outcome, path: str) -> list[str]:
    return [f"{d.code} {d.message}" for d in outcome.errors if d.path == path and d.code.startswith(_PARSE_PREFIXES)]


def judge(outcome: Outcome) -> tuple[list[str], frozenset[str]]:
    """(disagreements, deliberate codes that explain a difference) of one case."""
    ref, errors = outcome.ref, outcome.errors
    codes = frozenset(d.code for d in errors)
    if ref.ok:
        if errors:
            if codes <= DELIBERATE_CODES:
                return [], codes
            return [f"the reference accepts it; the project reports "
                    f"{[(d.code, d.message) for d in errors if d.code not in DELIBERATE_CODES][:3]}"], frozenset()
        theirs = reference_layouts(ref.types)
        problems = [f"layout of `{name}`: reference {want}, project {outcome.layouts.get(name)}"
                    for name, want in theirs.items() if outcome.layouts.get(name) != want]
        problems += [f"layout of `{name}`: the reference has no such typename"
                     for name in outcome.layouts if name not in theirs]
        return problems[:5], frozenset()
    if not errors:
        return [f"the reference fails ({ref.kind}: {ref.message}); the project reports no error"], frozenset()
    if ref.kind == "validation":
        problems = []
        where = (ref.line, ref.column)
        same = [d for d in errors if d.message == ref.message and d.path in outcome.texts
                and line_and_byte_column(outcome.texts[d.path], d.span.start) == where]
        if not same:
            got = [(d.code, d.message, d.path, line_and_byte_column(outcome.texts.get(d.path, ""), d.span.start))
                   for d in errors[:4]]
            problems.append(f"the reference reports `{ref.message}` at line {ref.line}, byte column "
                            f"{ref.column}; the project reports {got}")
        # The reference parsed the whole root file (and the erroneous one) before validating it.
        for path in {outcome.case.root, *(d.path for d in same)}:
            parse = _parse_errors_in(outcome, path)
            if parse:
                problems.append(f"the reference parses {path}; the project reports {parse[:3]}")
        return problems, frozenset()
    if ref.kind == "parse" and not any(d.code.startswith(_PARSE_PREFIXES) for d in errors):
        return [f"the reference cannot parse it ({ref.message}); the project reports only "
                f"{[(d.code, d.message) for d in errors[:3]]}"], frozenset()
    if ref.kind == "io" and not any(d.code.startswith("E04") for d in errors):
        return [f"the reference cannot read a file ({ref.message}); the project reports "
                f"{[(d.code, d.message) for d in errors[:3]]}"], frozenset()
    return [], frozenset()

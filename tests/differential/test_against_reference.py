"""Differential tests against the reference witx 0.9.1 crate (the `witx-oracle` command built
by ../shared/tools/oracle/build.sh; $WITX_ORACLE names another build).

Over 10,000 cases per run: documents generated from the whole 0.9.1 grammar (valid and
invalid, tests/differential/strategies.py) and mutants of every corpus file (token-level
edits that break names, order, types and representations, plus the character-level
mutations of the robustness tests). Each case is judged by tests/differential/compare.py;
the only accepted differences are the ones listed there (DELIBERATE), each with its code.
Seeds are fixed, so every run checks the same cases.
"""

from __future__ import annotations

import random
import re
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import CORPUS, needs_corpus
from tests.differential.compare import DELIBERATE, DELIBERATE_CODES, judge
from tests.differential.oracle import Case, Outcome, oracle_path, project, run_case, run_cases
from tests.differential.strategies import document_batch
from tests.robustness.test_corpus_mutations import MUTATIONS

ORACLE = oracle_path()
pytestmark = pytest.mark.skipif(
    ORACLE is None, reason="the reference oracle is not built: run ../shared/tools/oracle/build.sh "
    "(writes /tmp/witx-oracle/bin/witx-oracle) or set WITX_ORACLE to a witx-oracle binary")

BATCH = 40  # generated documents per hypothesis example (the oracle runs them in parallel)
BATCHES = 150
MUTANTS_PER_FILE = 14
MIN_CASES = 10_000
CASES: Counter[str] = Counter()  # cases judged in this session, by origin
SEEN_DELIBERATE: set[str] = set()


def _judge_all(outcomes: list[Outcome], origin: str) -> None:
    failures = []
    for o in outcomes:
        problems, deliberate = judge(o)
        SEEN_DELIBERATE.update(deliberate)
        if problems:
            files = "\n".join(f"--- {rel}\n{text}" for rel, text in o.case.files.items() if rel == o.case.root)
            failures.append(f"{o.case.name}: {problems}\n{files[:3000]}")
    CASES[origin] += len(outcomes)
    assert not failures, f"{len(failures)} disagreement(s) with the reference:\n\n" + "\n\n".join(failures[:5])


@settings(max_examples=BATCHES, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate),  # a batch is not shrunk: the failure shows the document
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(document_batch(BATCH))
def test_generated_documents(batch: list[str]) -> None:
    assert ORACLE is not None
    cases = [Case(f"generated #{CASES['generated'] + i}", {"a.witx": text}, "a.witx") for i, text in enumerate(batch)]
    _judge_all(run_cases(ORACLE, cases), "generated")


# --- mutants of the corpus ------------------------------------------------------------------------

_ID = re.compile(r"\$[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+")
_BUILTIN = re.compile(r"(?<![\w$@-])(u8|u16|u32|u64|s8|s16|s32|s64|f32|f64|char|string|bool)(?![\w-])")
_BUILTINS = ["u8", "u16", "u32", "u64", "s8", "s64", "f32", "char", "string", "bool", "(handle)", "(tuple)",
             "(@witx usize)", "(list u8)", "(record (field $q u8))", "(enum $q)", "(variant)"]


def _top_level(text: str) -> list[tuple[int, int]]:
    """Offsets of the top-level `( … )` forms (comments and strings are not parsed: close enough
    for mutation, which only needs plausible cut points)."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"[()]", text):
        if m.group() == "(":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((start, m.end()))
    return out


def _rename(rng: random.Random, text: str) -> str:
    """One `$name` becomes another name of the file (or a new one)."""
    ids = list(_ID.finditer(text))
    if not ids:
        return text
    m = rng.choice(ids)
    other = rng.choice(ids).group() if rng.random() < 0.8 else "$undefined_" + str(rng.randrange(9))
    return text[:m.start()] + other + text[m.end():]


def _drop_decl(rng: random.Random, text: str) -> str:
    forms = _top_level(text)
    if not forms:
        return text
    a, b = rng.choice(forms)
    return text[:a] + text[b:]


def _double_decl(rng: random.Random, text: str) -> str:
    forms = _top_level(text)
    if not forms:
        return text
    a, b = rng.choice(forms)
    at = rng.choice(forms)[rng.randrange(2)]
    return text[:at] + "\n" + text[a:b] + "\n" + text[at:]


def _move_decl(rng: random.Random, text: str) -> str:
    forms = _top_level(text)
    if len(forms) < 2:
        return text
    a, b = rng.choice(forms)
    rest = text[:a] + text[b:]
    at = rng.choice(_top_level(rest) or [(0, 0)])[0]
    return rest[:at] + text[a:b] + "\n" + rest[at:]


def _retype(rng: random.Random, text: str) -> str:
    """A builtin type becomes another type (or a structured one)."""
    found = list(_BUILTIN.finditer(text))
    if not found:
        return text
    m = rng.choice(found)
    return text[:m.start()] + rng.choice(_BUILTINS) + text[m.end():]


TOKEN_MUTATIONS: list[Callable[[random.Random, str], str]] = [_rename, _drop_decl, _double_decl, _move_decl, _retype]


def corpus_mutants(path: Path, text: str, count: int) -> list[str]:
    rng = random.Random(zlib.crc32(b"differential:" + str(path.relative_to(CORPUS)).encode()))
    out = []
    for i in range(count):
        mutant = text
        if i % 4 == 3:  # a quarter at the character level (mostly parse errors)
            chars = list(mutant)
            rng.choice(MUTATIONS)(rng, chars)
            mutant = "".join(chars)
        else:  # the rest at the level of names, declarations and types
            for _ in range(1 + (i % 3 == 2)):
                mutant = rng.choice(TOKEN_MUTATIONS)(rng, mutant)
        out.append(mutant)
    return out


CORPUS_FILES = sorted(CORPUS.rglob("*.witx")) if CORPUS.is_dir() else []
DIRECTORIES = sorted({p.parent for p in CORPUS_FILES})


def _directory_cases(directory: Path) -> list[Case]:
    """Each file of the directory as it is, then its mutants; the files the original
    reads (found by the project's own load) are written beside each one."""
    cases = []
    for path in (p for p in CORPUS_FILES if p.parent == directory):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        analysis, _ = project(path)
        siblings = {}
        for p, f in analysis.files.items():
            rel = Path(p).resolve().relative_to(directory.resolve()) if Path(p).resolve().is_relative_to(
                directory.resolve()) else None
            if rel is not None and Path(p).resolve() != path.resolve():
                siblings[str(rel)] = f.text
        name = str(path.relative_to(CORPUS))
        cases.append(Case(name, {**siblings, path.name: text}, path.name))
        for i, mutant in enumerate(corpus_mutants(path, text, MUTANTS_PER_FILE)):
            cases.append(Case(f"{name} mutant {i}", {**siblings, path.name: mutant}, path.name))
    return cases


@needs_corpus
@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: str(d.relative_to(CORPUS)))
def test_corpus_files_and_mutants(directory: Path) -> None:
    assert ORACLE is not None
    _judge_all(run_cases(ORACLE, _directory_cases(directory)), "corpus")


# --- the list of deliberate differences, and the size of the run ----------------------------------

@pytest.mark.parametrize("entry", DELIBERATE, ids=lambda d: d.code)
def test_each_deliberate_difference_is_real(entry: object) -> None:
    """The reference accepts the entry's example, and the project reports exactly the
    entry's code on it: the list neither hides a bug nor keeps a stale entry."""
    from tests.differential.compare import Deliberate

    assert isinstance(entry, Deliberate) and ORACLE is not None
    outcome = run_case(ORACLE, Case(f"deliberate {entry.code}", entry.example, "a.witx"))
    assert outcome.ref.ok, (outcome.ref.kind, outcome.ref.message)
    assert {d.code for d in outcome.errors} == {entry.code}, [(d.code, d.message) for d in outcome.errors]
    problems, codes = judge(outcome)
    assert not problems and codes == {entry.code}


def test_codes_of_the_list_are_unique() -> None:
    assert len(DELIBERATE_CODES) == len(DELIBERATE)


def test_case_count() -> None:
    """Runs after the generated and corpus tests of this module (pytest keeps the order)."""
    if not CASES:
        pytest.skip("the generated and corpus differential tests did not run in this session")
    total = sum(CASES.values())
    print(f"differential cases: {dict(CASES)} = {total}; deliberate differences met: {sorted(SEEN_DELIBERATE)}")
    if CASES["generated"] and CASES["corpus"]:
        assert total >= MIN_CASES, dict(CASES)
    assert SEEN_DELIBERATE <= DELIBERATE_CODES

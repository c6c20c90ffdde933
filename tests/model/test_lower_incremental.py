"""Incremental lowering (`model/lower_incremental.py`: a new text lowered from the previous one,
reusing the declarations whose chunk of text is found again): it answers exactly what the fast
path answers on the new text from scratch (`lower_text`, which `test_lower_fast` compares with the
tree path), on random edit sequences of the fixtures and corpus files, with edits of whole
declarations and of their lexical corners; and it really reuses. Through broken states (`lower_edit`:
the pieces the fast path gives up on are parsed alone), it answers what the whole file's tree
lowering does, on the same random edits and on typing sequences (auto-closed brackets and quotes,
then backspaces), and the whole analyses and diagnostics of an editor session typing so equal
from-scratch ones."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PREVIEW1, needs_corpus
from tests.model.test_lower_fast import SNIPPETS as LEXICAL
from tests.workspace.test_incremental import COMPUTE_AT_EDGE, _workspace, check_against_scratch, edit
from witx_lsp.model.load import ParseCache
from witx_lsp.model.lower import LoweredFile, lower
from witx_lsp.model.lower_fast import lower_text
from witx_lsp.model.lower_incremental import lower_edit, relower
from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import SList
from witx_lsp.workspace.host import AnalysisHost

CORNERS = [*LEXICAL, "\x1c", "\"(typename $s u8)\n", ";; (typename $c u8)\n", "(typename $dup u8)",
           "\n(typename $dup u8)\n", ")\n(typename $x u8)", "\n(@witx const $a $b 1)\n"]


def _step(rng: random.Random, text: str, history: list[str]) -> str:
    """An edit of whole forms (mostly), or of characters."""
    if rng.random() < 0.7:
        return edit(rng, text, history)
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(CORNERS) * rng.randint(0, 2) + text[at + rng.randint(0, 6):]


def _check(old_text: str, old: LoweredFile, text: str) -> LoweredFile | None:
    got = relower(old_text, old, text, "/f.witx")
    assert repr(got) == repr(lower_text(text, "/f.witx"))
    return got


def _check_edit(old_text: str, old: LoweredFile, text: str) -> bool:
    """`lower_edit` answers what the whole-file path does (the fast path's lowering, else the tree's
    of a text without syntax errors), or nothing; True when it read a piece by the tree lowering."""
    got = lower_edit(old_text, old, text, "/f.witx")
    if got is None:
        return False
    fast = lower_text(text, "/f.witx")
    tree = parse(text, "/f.witx")
    assert tree.errors == []  # (the cache gives it a deferred tree: errors known to be none)
    assert repr(got[0]) == repr(fast if fast is not None else lower(tree, "/f.witx"))
    assert got[1] == (fast is not None)
    return not got[1]


def run(text: str, seed: int, steps: int) -> int:
    """A random edit sequence from `text`; how many steps lowered a well-formed text from the
    previous one's lowering."""
    rng = random.Random(seed)
    history: list[str] = []
    lowered = lower_text(text, "/f.witx")
    assert lowered is not None
    incremental = 0
    for _ in range(steps):
        history.append(text)
        new = _step(rng, text, history)
        got = _check(text, lowered, new)
        _check_edit(text, lowered, new)
        if got is not None:  # (the edits go on from well-formed texts only: the others have no fast lowering)
            incremental += 1
            text, lowered = new, got
    return incremental


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.witx")))
def test_random_edit_sequences_of_the_fixtures(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    done = sum(run(text, seed, 25) for seed in range(zlib.crc32(name.encode()) % 1000, 1000)[:6])
    assert done > 60


@needs_corpus
@pytest.mark.parametrize("path", [PREVIEW1, COMPUTE_AT_EDGE / "compute-at-edge.witx"], ids=lambda p: p.name)
def test_random_edit_sequences_of_big_files(path: Path) -> None:
    assert run(path.read_text(encoding="utf-8"), 7, 20) > 3


def test_unchanged_declarations_are_reused() -> None:
    """Those before an edit are the same objects; those after it are moved copies."""
    text = (FIXTURES / "greenhouse.witx").read_text(encoding="utf-8")
    old = lower_text(text, "/f.witx")
    assert old is not None and len(old.decls) > 10
    middle = old.decls[len(old.decls) // 2].span.start
    new_text = text[:middle] + "(typename $inserted u8)\n" + text[middle:]
    new = _check(text, old, new_text)
    assert new is not None and len(new.decls) == len(old.decls) + 1
    half = len(old.decls) // 2
    assert all(a is b for a, b in zip(old.decls[:half], new.decls[:half], strict=True))
    after = zip(old.decls[half:], new.decls[half + 1:], strict=True)
    assert all(a is not b and a.span.start + 24 == b.span.start for a, b in after)


def test_the_parse_cache_lowers_from_the_previous_text() -> None:
    cache = ParseCache()
    text = (FIXTURES / "greenhouse.witx").read_text(encoding="utf-8")
    tree, first = cache.get("/g.witx", text)
    assert not tree.built
    tree, second = cache.get("/g.witx", text + "\n(typename $appended u8)\n")
    assert not tree.built and second.decls[0] is first.decls[0]
    assert repr(second) == repr(lower_text(text + "\n(typename $appended u8)\n", "/g.witx"))
    tree, _ = cache.get("/g.witx", text + "(")
    assert tree.built and tree.errors  # the tree path reports
    broken = text + "\n(typename $t (recor))\n"  # balanced, without syntax errors: only the end is read again
    tree, third = cache.get("/g.witx", broken)
    assert not tree.built and [d.code for d in third.diagnostics] == ["E0101"] and third.decls[0] is first.decls[0]
    assert repr(third) == repr(lower(parse(broken, "/g.witx"), "/g.witx")) and tree == parse(broken, "/g.witx")
    _, again = cache.get("/g.witx", text)
    assert again.decls[0] is first.decls[0]  # (from the last text that had a fast lowering, kept meanwhile)


_OLD = "".join(f"(typename $t{i} u8)\n" for i in range(-9, 5)) + '(module $m (@interface func (export "f")))\n'
BROKEN = [  # (what replaces `(typename $t1 u8)`, what replaces `(typename $t3 u8)`)
    ("(typename $t1 (recor)) ;;; the doc of $t2\n", "(typename $t3)"),  # a comment after the piece read again
    ("(typename $t1 (record (@foo) (field $a u8)))", "(typename $t3 (@bar (x)) (enum $a))"),  # unknown annotations
    ("(@baz) (typename $t1 (@foo))", "(module $n (@interface func (export \"g\") (@qux) (param $x u32)))"),
    ("(resource $r)", "(resource $s) (typename $t3 (list))"),  # a dialect is reported once per file
    ("(use $x from $y)", "(typename $t3 (@witx const $a))"),
    ("(typename $t1 (tuple (list))) (@witx const $x $y 1)", "(@witx const $x $y 2) (typename)"),  # constants
    ("(typename $t1 u8) x", "(typename $t3 u8) 12"),  # atoms at the top level
]


@pytest.mark.parametrize("first,second", BROKEN)
def test_pieces_read_by_the_tree_lowering(first: str, second: str) -> None:
    """Two pieces read again by the tree lowering, between chunks found again: the diagnostics
    (and their order), docs, dialects and dropped constants are the whole file's."""
    old = lower_text(_OLD, "/f.witx")
    assert old is not None
    new = _OLD.replace("(typename $t1 u8)", first).replace("(typename $t3 u8)", second)
    assert _check_edit(_OLD, old, new)
    new_end = new[:new.index("(typename $t4")]
    assert _check_edit(_OLD, old, new_end)  # (then the second piece is at the end, and its constants dropped)


MODULE_ITEM = '(@interface func (export "typed_fn") (param $x u32) (result $r (expected (error $no_such))))\n'
TOP_LEVEL = "(typename $typed (record (field $a u8) (field $b (list string))))\n"


def typing(text: str, at: int, typed: str) -> list[str]:
    """The texts an editor makes while `typed` is typed at `at` with brackets and quotes closed
    automatically (typing the closing one steps over it), then taken away with backspaces."""
    out, buf, cur = [], "", 0
    for ch in typed:
        if ch in ')"' and buf[cur:cur + 1] == ch:
            cur += 1
        else:
            pair = {"(": "()", '"': '""'}.get(ch, ch)
            buf, cur = buf[:cur] + pair + buf[cur:], cur + 1
        out.append(text[:at] + buf + text[at:])
    assert buf == typed
    return out + [text[:at] + typed[:i] + text[at:] for i in range(len(typed) - 1, -1, -1)]


def sites(text: str, big: bool = False) -> list[tuple[int, str]]:
    """Where to type what: before a module's first item, between and around top-level forms (in
    a big file, before a module's item and between top-level forms only)."""
    items = parse(text, "/f.witx").items
    out = [] if big else [(0, TOP_LEVEL), (len(text), TOP_LEVEL)]
    if len(items) > 2:
        out.append((items[len(items) // 2].start, TOP_LEVEL))
    modules = [n for n in items if isinstance(n, SList) and n.head_is("module") and len(n.items) > 2]
    if modules:
        module = modules[len(modules) // 2]
        out.append((module.items[len(module.items) // 2].start, MODULE_ITEM))
    return out


def _typing_through(text: str, big: bool = False) -> int:
    """Type at every site of `text`, lowering each state from the last fast lowering (in a big
    file, every other state is checked); how many states had a piece read by the tree lowering."""
    base = lower_text(text, "/f.witx")
    assert base is not None
    done = 0
    for at, typed in sites(text, big):
        base_text, lowered = text, base
        for i, new in enumerate(typing(text, at, typed)):
            if not big or i % 2:
                done += _check_edit(base_text, lowered, new)
            fast = lower_text(new, "/f.witx")
            if fast is not None:
                base_text, lowered = new, fast
    return done


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.witx")))
def test_typing_through_broken_states_in_the_fixtures(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if lower_text(text, "/f.witx") is None:
        pytest.skip(f"{name} has no fast lowering to type from")
    assert _typing_through(text) > 20


@needs_corpus
@pytest.mark.parametrize("path", [PREVIEW1, COMPUTE_AT_EDGE / "compute-at-edge.witx"], ids=lambda p: p.name)
def test_typing_through_broken_states_in_big_files(path: Path) -> None:
    assert _typing_through(path.read_text(encoding="utf-8"), big=True) > 20


def _session(files: list[str], main: str, every: int, big: bool = False) -> None:
    """An editor session types at every site of `main`: its analyses and diagnostics equal
    from-scratch ones (every `every`-th state, and the last), and some states were lowered
    from pieces without parsing the whole file."""
    host = AnalysisHost()
    host.add_files(files)
    text = Path(main).read_text(encoding="utf-8")
    from_pieces = 0
    for at, typed in sites(text, big)[-1:] if big else sites(text):
        states = typing(text, at, typed)
        for i, new in enumerate(states):
            host.set_text(main, new)
            host.diagnostics.of(host.analysis_for(main), {}, None)
            entry = host.cache.peek(main)
            assert entry is not None
            from_pieces += not entry[1].built and bool(entry[2].diagnostics)
            if i % every == 0 or i == len(states) - 1:
                check_against_scratch(host, files, {main: new}, {}, None)
    assert from_pieces > 10


def test_typing_session_on_the_fixtures(tmp_path: Path) -> None:
    names = ("greenhouse.witx", "garden_status.witx")
    files = _workspace(tmp_path, [FIXTURES / n for n in names], None)
    _session(files, str(tmp_path / "greenhouse.witx"), 3)


@needs_corpus
def test_typing_session_on_preview1(tmp_path: Path) -> None:
    files = _workspace(tmp_path, [PREVIEW1, PREVIEW1.parent / "typenames.witx"], None)
    _session(files, str(tmp_path / PREVIEW1.name), 7, big=True)


@needs_corpus
def test_typing_session_on_compute_at_edge(tmp_path: Path) -> None:
    files = _workspace(tmp_path, sorted(COMPUTE_AT_EDGE.glob("*.witx")), None)
    _session(files, str(tmp_path / "compute-at-edge.witx"), 11, big=True)

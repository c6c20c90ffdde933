"""Hypothesis strategies for witx 0.9.1 documents: the whole grammar of the reference
parser (witx-language.md §3, from WebAssembly/WASI tools/witx/src/parser.rs at 0.9.1),
valid and invalid.

Names come from small pools, so references to undefined names, redefinitions, names of
the wrong kind and recursion arise by themselves; some documents are then damaged at the
token level (a token dropped, doubled or replaced), which gives parse errors. Every
document draws its names with a prefix of its own (`$d3_a`), so several valid documents
can be loaded together in one reference run without clashing.
"""

from __future__ import annotations

from hypothesis import strategies as st

BUILTINS = ["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string", "bool",
            "(@witx usize)", "(@witx char8)"]
INT_REPRS = ["u8", "u16", "u32", "u64"]
BAD_REPRS = ["s8", "s32", "f32", "char", "bool", "string", "u128", "$x"]
TYPE_NAMES = ["a", "b", "c", "d", "e", "errno", "t"]
MEMBER_NAMES = ["x", "y", "z", "w", "ok", "err", "v"]
MODULE_NAMES = ["m", "n", "a"]
EXPORTS = ["f", "g", "h", "f"]


def _id(prefix: str, name: str) -> str:
    return f"${prefix}{name}"


@st.composite
def typedef(draw: st.DrawFn, prefix: str, depth: int = 0, known: tuple[str, ...] = ()) -> str:
    """Any `typedef` of the grammar (sometimes slightly wrong). References name
    `known` typenames (defined earlier) more often than others."""
    names = st.sampled_from(TYPE_NAMES).map(lambda n: _id(prefix, n))
    if known:
        names = st.one_of(st.sampled_from(known), st.sampled_from(known), st.sampled_from(known), names)
    leaf = st.one_of(st.sampled_from(BUILTINS), names, names, st.just("(handle)"))
    if depth >= 3 or draw(st.integers(0, 9)) < 4:
        return draw(leaf)
    sub = typedef(prefix, depth + 1, known)
    # Mostly non-empty (an empty enum or record is a parse error), sometimes empty.
    min_size = 0 if draw(st.integers(0, 7)) == 0 else 1
    members = st.lists(st.sampled_from(MEMBER_NAMES), min_size=min_size, max_size=5)
    kind = draw(st.sampled_from(["enum", "flags", "record", "tuple", "union", "variant", "expected", "list",
                                 "pointer", "const_pointer"]))
    if kind == "enum":
        tag = draw(st.sampled_from(["", "", *[f"(@witx tag {r}) " for r in INT_REPRS], "(@witx tag s8) "]))
        names = draw(members)
        return f"(enum {tag}{' '.join('$' + n for n in names)})"
    if kind == "flags":
        repr_ = draw(st.sampled_from(["", *[f"(@witx repr {r}) " for r in INT_REPRS],
                                      *[f"(@witx repr {r}) " for r in BAD_REPRS[:2]]]))
        names = draw(st.one_of(members, st.lists(st.sampled_from([f"f{i}" for i in range(40)]),
                                                   min_size=7, max_size=40, unique=True)))
        return f"(flags {repr_}{' '.join('$' + n for n in names)})"
    if kind == "record":
        fields = draw(st.lists(st.tuples(st.sampled_from(MEMBER_NAMES), sub), min_size=min_size, max_size=4))
        return "(record " + " ".join(f"(field ${n} {t})" for n, t in fields) + ")"
    if kind == "tuple":
        return "(tuple " + " ".join(draw(st.lists(sub, max_size=4))) + ")"
    if kind in ("union", "variant"):
        tag = draw(st.one_of(st.just(""), st.sampled_from(INT_REPRS).map(lambda r: f"(@witx tag {r}) "),
                             sub.map(lambda t: f"(@witx tag {t}) ")))
        if kind == "union":
            return f"(union {tag}" + " ".join(draw(st.lists(sub, max_size=4))) + ")"
        cases = draw(st.lists(st.tuples(st.sampled_from(MEMBER_NAMES), st.one_of(st.just(""), sub)), max_size=4))
        return f"(variant {tag}" + " ".join(f"(case ${n}{' ' + t if t else ''})" for n, t in cases) + ")"
    if kind == "expected":
        ok = draw(st.one_of(st.just(""), sub.map(lambda t: t + " ")))
        err = draw(st.one_of(st.just(""), sub.map(lambda t: " " + t)))
        return f"(expected {ok}(error{err}))"
    if kind == "list":
        return f"(list {draw(sub)})"
    return f"(@witx {kind} {draw(sub)})"


@st.composite
def func(draw: st.DrawFn, prefix: str, known: tuple[str, ...]) -> str:
    fields = []
    for _ in range(draw(st.integers(0, 4))):
        what = draw(st.sampled_from(["param", "param", "result", "noreturn"]))
        if what == "noreturn":
            fields.append("(@witx noreturn)")
        else:
            fields.append(f"({what} ${draw(st.sampled_from(MEMBER_NAMES))} {draw(typedef(prefix, 1, known))})")
    export = draw(st.sampled_from(EXPORTS))
    docs = draw(st.sampled_from(["", ";;; does things\n    "]))
    return f"{docs}(@interface func (export \"{export}\")\n      " + "\n      ".join(fields) + ")"


@st.composite
def module(draw: st.DrawFn, prefix: str, known: tuple[str, ...]) -> str:
    items = []
    if draw(st.booleans()):
        items.append(f'(import "{draw(st.sampled_from(["memory", "mem"]))}" (memory))')
    items += draw(st.lists(func(prefix, known), max_size=3))
    name = _id(prefix, draw(st.sampled_from(MODULE_NAMES)))
    return f"(module {name}\n    " + "\n    ".join(items) + ")"


@st.composite
def declaration(draw: st.DrawFn, prefix: str, known: list[str]) -> str:
    """One top-level declaration; a typename's name is added to `known`."""
    kind = draw(st.sampled_from(["typename"] * 6 + ["module", "const"]))
    docs = draw(st.sampled_from(["", ";;; A type.\n", ";; not a doc\n", "(;; block doc ;)\n"]))
    if kind == "typename":
        fresh = [n for n in TYPE_NAMES if _id(prefix, n) not in known]
        name = _id(prefix, draw(st.sampled_from(fresh if fresh and draw(st.integers(0, 5)) else TYPE_NAMES)))
        decl = f"{docs}(typename {name} {draw(typedef(prefix, 0, tuple(known)))})"
        known.append(name)
        return decl
    if kind == "module":
        return docs + draw(module(prefix, tuple(known)))
    value = draw(st.sampled_from(["0", "1", "0x10", "255", "18446744073709551615"]))
    return (f"(@witx const {_id(prefix, draw(st.sampled_from(TYPE_NAMES)))} "
            f"${draw(st.sampled_from(MEMBER_NAMES))} {value})")


_NOISE = ["(", ")", "$", "typename", "(field $q u8)", '"s"', "u8", "(case $k)", "42", "record", "(@witx tag u8)"]


@st.composite
def document(draw: st.DrawFn, prefix: str = "") -> str:
    """A whole document: mostly grammatical, sometimes damaged at one token."""
    known: list[str] = []
    text = "\n".join(draw(declaration(prefix, known)) for _ in range(draw(st.integers(1, 6)))) + "\n"
    if draw(st.integers(0, 14)) == 0:
        tokens = text.replace("(", " ( ").replace(")", " ) ").split()
        i = draw(st.integers(0, len(tokens) - 1))
        how = draw(st.sampled_from(["drop", "double", "replace"]))
        if how == "drop":
            del tokens[i]
        elif how == "double":
            tokens.insert(i, tokens[i])
        else:
            tokens[i] = draw(st.sampled_from(_NOISE))
        text = " ".join(tokens) + "\n"
    return text


@st.composite
def document_batch(draw: st.DrawFn, size: int) -> list[str]:
    """`size` documents, each with names of its own."""
    return [draw(document(f"d{i}_")) for i in range(size)]

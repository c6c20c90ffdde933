"""Rust names exactly as wiggle-generate makes them (bytecodealliance/wasmtime
crates/wiggle/generate/src/names.rs, v19.0.2).

Case conversion is heck 0.4 with its `unicode` feature (as the wasmtime
workspace builds it): words come from UAX #29 word segmentation
(`unicode_words`), then each word is split further at lower→Upper
transitions and before the last capital of an acronym run, and underscores
separate words. `XMLHttp` is `XmlHttp` in upper camel case.

Escaping mirrors bytecodealliance/wasmtime crates/wiggle/generate/src/names.rs
(`escape_id`, `handle_2big_enum_variant`): snake-case names that are strict or
reserved keywords get a trailing `_`; the witx id `self` is `Self_` in camel
case; the enum variant `2big` is `TooBig`. Names that are still no Rust
identifier (`0`, `2big` outside an enum, ``) make the generator's
`format_ident!` panic; `ident_problem` says why.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator

# names.rs `escaping::STRICT` and `escaping::RESERVED` (Rust 2018 keywords).
STRICT = ("as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
          "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
          "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while")
RESERVED = ("abstract", "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized",
            "virtual", "yield")
KEYWORDS = frozenset(STRICT + RESERVED)


# --- UAX #29 word segmentation (unicode-segmentation `unicode_words`) --------------------------------------

_OTHER, _LETTER, _NUMERIC, _EXTEND_NUM_LET, _MID_LETTER, _MID_NUM_LET, _MID_NUM = range(7)


def _word_class(c: str) -> int:
    if c == "_":
        return _EXTEND_NUM_LET
    if c in ".'":
        return _MID_NUM_LET  # FULL STOP is MidNumLet; APOSTROPHE is Single_Quote, which the rules treat alike
    if c == ":":
        return _MID_LETTER
    if c in ",;":
        return _MID_NUM
    if c.isdigit() and unicodedata.category(c) == "Nd":
        return _NUMERIC
    if c.isalpha():
        return _LETTER
    return _OTHER


def _joins(classes: list[int], i: int) -> bool:
    """Whether there is no word boundary between positions i-1 and i (WB5-WB13b)."""
    prev, cur = classes[i - 1], classes[i]
    after = classes[i + 1] if i + 1 < len(classes) else _OTHER
    before = classes[i - 2] if i >= 2 else _OTHER
    mid_letter = (_MID_LETTER, _MID_NUM_LET)
    mid_num = (_MID_NUM, _MID_NUM_LET)
    word = (_LETTER, _NUMERIC)
    if prev in word and cur in word:  # WB5, WB8, WB9, WB10
        return True
    if prev == _LETTER and cur in mid_letter and after == _LETTER:  # WB6
        return True
    if before == _LETTER and prev in mid_letter and cur == _LETTER:  # WB7
        return True
    if before == _NUMERIC and prev in mid_num and cur == _NUMERIC:  # WB11
        return True
    if prev == _NUMERIC and cur in mid_num and after == _NUMERIC:  # WB12
        return True
    if prev in (*word, _EXTEND_NUM_LET) and cur == _EXTEND_NUM_LET:  # WB13a
        return True
    return prev == _EXTEND_NUM_LET and cur in word  # WB13b


def unicode_words(s: str) -> Iterator[str]:
    """The segments of `s` that contain an alphanumeric character."""
    if not s:
        return
    classes = [_word_class(c) for c in s]
    start = 0
    for i in range(1, len(s) + 1):
        if i < len(s) and _joins(classes, i):
            continue
        segment = s[start:i]
        if any(c.isalnum() for c in segment):
            yield segment
        start = i


# --- heck 0.4 `transform` ----------------------------------------------------------------------------------


def _is_lower(c: str) -> bool:
    return c.islower()


def _is_upper(c: str) -> bool:
    return c.isupper()


def _transform(s: str, with_word: Callable[[str], str], boundary: str) -> str:
    out: list[str] = []
    first_word = True
    for word in unicode_words(s):
        init = 0
        mode = "boundary"
        n = len(word)
        for i, c in enumerate(word):
            if c == "_":
                if init == i:
                    init += 1
                continue
            if i + 1 < n:
                nxt = word[i + 1]
                next_mode = "lower" if _is_lower(c) else "upper" if _is_upper(c) else mode
                if nxt == "_" or (next_mode == "lower" and _is_upper(nxt)):
                    if not first_word:
                        out.append(boundary)
                    out.append(with_word(word[init:i + 1]))
                    first_word = False
                    init = i + 1
                    mode = "boundary"
                elif mode == "upper" and _is_upper(c) and _is_lower(nxt):
                    if first_word:
                        first_word = False
                    else:
                        out.append(boundary)
                    out.append(with_word(word[init:i]))
                    init = i
                    mode = "boundary"
                else:
                    mode = next_mode
            else:
                if not first_word:
                    out.append(boundary)
                else:
                    first_word = False
                out.append(with_word(word[init:]))
                break
    return "".join(out)


def _lowercase(word: str) -> str:
    out = []
    for i, c in enumerate(word):
        out.append("ς" if c == "Σ" and i == len(word) - 1 else c.lower())
    return "".join(out)


def _uppercase(word: str) -> str:
    return "".join(c.upper() for c in word)


def _capitalize(word: str) -> str:
    return word[:1].upper() + _lowercase(word[1:]) if word else ""


@functools.lru_cache(maxsize=8192)
def upper_camel(s: str) -> str:
    """heck `to_upper_camel_case`."""
    return _transform(s, _capitalize, "")


@functools.lru_cache(maxsize=8192)
def snake(s: str) -> str:
    """heck `to_snake_case`."""
    return _transform(s, _lowercase, "_")


@functools.lru_cache(maxsize=8192)
def shouty_snake(s: str) -> str:
    """heck `to_shouty_snake_case`."""
    return _transform(s, _uppercase, "_")


# --- wiggle's names.rs -------------------------------------------------------------------------------------


def escape_camel(id_: str) -> str:
    """`escape_id(id, CamelCase)`: only the witx id `self` is escaped."""
    return "Self_" if id_ == "self" else upper_camel(id_)


def escape_snake(id_: str) -> str:
    """`escape_id(id, SnakeCase)`: a keyword gets a trailing `_`."""
    s = snake(id_)
    return s + "_" if s in KEYWORDS else s


def type_name(id_: str) -> str:
    """names.rs `type_` and `trait_name`."""
    return escape_camel(id_)


def module_name(id_: str) -> str:
    """names.rs `module` (also `func`, `func_param`, `struct_member`)."""
    return escape_snake(id_)


def enum_variant(id_: str) -> str:
    """names.rs `enum_variant`: `2big` is `TooBig`."""
    return "TooBig" if id_ == "2big" else escape_camel(id_)


def flag_member(id_: str) -> str:
    """names.rs `flag_member` (and `int_member`): shouty snake case, never escaped."""
    return shouty_snake(id_)


def constant_name(type_id: str, name: str) -> str:
    """generate/src/lib.rs: `{SHOUTY(type)}_{SHOUTY(name)}`."""
    return f"{shouty_snake(type_id)}_{shouty_snake(name)}"


def user_error_method(abi_type: str, rich_ident: str) -> str:
    """names.rs `user_error_conversion_method`: `<snake(abi)>_from_<snake(rich)>` (never escaped)."""
    return f"{snake(abi_type)}_from_{snake(rich_ident)}"


def ident_problem(ident: str) -> str | None:
    """Why `format_ident!` (proc_macro2 `Ident::new`) rejects `ident`, or None when it is an identifier.
    A keyword is accepted there; it only breaks the Rust that uses it."""
    if ident == "":
        return "Ident is not allowed to be empty; use Option<Ident>"
    if ident.isascii() and ident.isdigit():
        return "Ident cannot be a number; use Literal instead"
    if not (ident == "_" or ident.isidentifier()):
        return f'"{ident}" is not a valid Ident'
    return None


__all__ = [
    "KEYWORDS",
    "RESERVED",
    "STRICT",
    "constant_name",
    "enum_variant",
    "escape_camel",
    "escape_snake",
    "flag_member",
    "ident_problem",
    "module_name",
    "shouty_snake",
    "snake",
    "type_name",
    "unicode_words",
    "upper_camel",
    "user_error_method",
]

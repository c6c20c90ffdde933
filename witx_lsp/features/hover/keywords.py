"""What witx keywords, forms and builtin types mean, for hover (witx 0.9.1
semantics: WebAssembly/WASI tools/witx/src/{parser,layout,abi}.rs; wiggle as of
bytecodealliance/wasmtime crates/wiggle v19.0.2)."""

from __future__ import annotations

from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind

# name -> (size, align, core wasm type, Rust type, description)
BUILTINS: dict[str, tuple[int, int, str, str, str]] = {
    "u8": (1, 1, "i32", "u8", "unsigned 8-bit integer"),
    "u16": (2, 2, "i32", "u16", "unsigned 16-bit integer"),
    "u32": (4, 4, "i32", "u32", "unsigned 32-bit integer"),
    "u64": (8, 8, "i64", "u64", "unsigned 64-bit integer"),
    "s8": (1, 1, "i32", "i8", "signed 8-bit integer"),
    "s16": (2, 2, "i32", "i16", "signed 16-bit integer"),
    "s32": (4, 4, "i32", "i32", "signed 32-bit integer"),
    "s64": (8, 8, "i64", "i64", "signed 64-bit integer"),
    "f32": (4, 4, "f32", "f32", "32-bit IEEE 754 float"),
    "f64": (8, 8, "f64", "f64", "64-bit IEEE 754 float"),
    "char": (4, 4, "i32", "char", "a Unicode scalar value. wiggle has no `GuestType` for `char`: a `char` param "
             "makes its generator panic, and a `char` field does not compile"),
}

_LIST = ("8 bytes, align 4, in memory: the offset as a u32 @0 and the length as a u32 @4. As a function param it "
         "becomes two core `i32`s (pointer, length)")

KEYWORDS: dict[str, str] = {
    "typename": "`(typename $name TYPE)` defines a named type. All files of a load share one namespace, and a name "
                "must be defined before it is used. A typename whose body is another typename is an alias with the "
                "same layout. `record`, `enum`, `flags`, `union` and `handle` types must be named.",
    "record": "`(record (field $name TYPE) …)`: a struct with C layout: each field at the next multiple of its "
              "alignment, the size rounded up to the largest field alignment. As a function param it is passed "
              "by pointer (one core `i32`); wiggle generates a `pub struct` and passes `&T` to trait methods.",
    "field": "`(field $name TYPE)`: a record member, placed at the next multiple of its type's alignment.",
    "variant": "`(variant (@witx tag T)? (case $name TYPE?) …)`: a tagged union. The tag (default `u32`) is at "
               "offset 0; every payload is stored at one common offset, the largest `align_to(tag size, payload "
               "align)`. witx 0.9.1 takes the size as the largest *per-case* size, which can be smaller than the "
               "payload area (witx 0.9.1 layout.rs, `impl Layout for Variant`). "
               "With an enum tag, case names must be the enum's cases and "
               "the cases take its order. As a param it is passed by pointer (core `i32`).",
    "case": "`(case $name TYPE?)`: a variant case; its tag value is its index (in the tag enum's order when the "
            "tag is an enum).",
    "enum": "`(enum (@witx tag u8|u16|u32|u64)? $a $b …)`: a variant without payloads. Member *i* has value *i*; "
            "size and alignment are the tag's (default `u32`). A param is one core `i32` (even with a `u64` tag); "
            "wiggle generates a Rust `enum` and rejects unknown values with `InvalidEnumValue`.",
    "flags": "`(flags (@witx repr u8|u16|u32|u64)? $a $b …)`: a bit set; flag *i* is bit *i* (mask `1 << i`). Size "
             "and alignment are the repr's (default `u32`); a param is a core `i32`, or `i64` for a `u64` repr. "
             "wiggle generates a `bitflags!` struct and rejects unknown bits with `InvalidFlagValue`.",
    "union": "`(union (@witx tag T)? TYPE …)`: a variant whose cases are the listed types, in order. With an enum "
             "tag the case names are the enum's and the counts must match; without one they are `0`, `1`, ….",
    "expected": "`(expected OK? (error ERR)?)`: a variant with cases `ok` and `err` and a `u32` tag. It is the "
                "result shape of the Preview1 ABI: the function returns the error as its core `i32` (0 means ok) "
                "and writes an ok payload through out-pointer params appended after the others. wiggle returns "
                "`Result<Ok, Err>` from the trait method.",
    "error": "`(error TYPE)` inside `expected`: the payload of the `err` case (named, and for wiggle an enum).",
    "tuple": "`(tuple T …)`: a record whose members are named `0`, `1`, …; same layout rules as `record`. An "
             "`expected` whose ok payload is a tuple gets one out-pointer per member.",
    "list": "`(list T)`: a pointer and an element count, " + _LIST + ". wiggle: `GuestPtr<'a, [T]>`, carried as "
            "an (offset, length) pair of u32; the length counts elements.",
    "string": "`string` is `(list char)`: a pointer and a byte length (UTF-8), " + _LIST + ". wiggle: "
              "`GuestPtr<'a, str>` (but a *named* string typedef becomes `GuestPtr<'a, [char]>`).",
    "handle": "`(handle)`: an opaque resource index, 4 bytes (laid out as a `u32`), core `i32`. wiggle generates "
              "`pub struct T(u32)` without validation.",
    "bool": "`bool` is a 4-byte variant with a `u32` tag: `false` = 0, `true` = 1 (size 4, align 4, core `i32`). "
            "wiggle only handles a *named* bool (`enum B { False, True }`); an anonymous `bool` param or field "
            "makes its generator panic.",
    "@witx pointer": "`(@witx pointer T)`: a pointer into the guest's linear memory, carried as one u32 offset (4 "
                     "bytes, align 4, core `i32`). wiggle: `GuestPtr<'a, T>`.",
    "@witx const_pointer": "`(@witx const_pointer T)`: a read-only pointer into the guest's linear memory, carried "
                           "as one u32 offset (4 bytes, align 4, core `i32`). wiggle: `GuestPtr<'a, T>`.",
    "@witx tag": "`(@witx tag T)`: the tag of an `enum`, `variant` or `union`: `u8`, `u16`, `u32`, `u64`, or an "
                 "enum typename whose cases the variant must then use. Without it the tag is `u32`.",
    "@witx repr": "`(@witx repr T)`: the integer that holds a `flags` set: `u8`, `u16`, `u32` or `u64` (default "
                  "`u32`).",
    "@witx usize": "`(@witx usize)`: a `u32` that stands for a pointer-sized integer (size 4, align 4, core `i32`; "
                   "Rust `u32`).",
    "@witx char8": "`(@witx char8)`: a `u8` that stands for a C `char` (size 1, align 1, core `i32`; Rust `u8`).",
    "@witx noreturn": "`(@witx noreturn)`: the function never returns (like `proc_exit`). The core signature is "
                      "unchanged; the wiggle trait method returns `wiggle::anyhow::Error`.",
    "@witx const": "`(@witx const $type $name VALUE)`: a named integer constant of an integer, enum or flags "
                   "type. witx 0.9.1 drops its doc comment, and ignores a constant that comes after the last other "
                   "declaration of a file. wiggle: `pub const TYPE_NAME: Type = VALUE;`.",
    "@witx bitflags": "`(@witx bitflags T)` is pre-0.9 syntax; witx 0.9 writes `(@witx repr T)`.",
    "@witx": "`(@witx …)` annotations: `pointer`, `const_pointer`, `tag`, `repr`, `usize`, `char8`, `noreturn` "
             "and `const`.",
    "@interface func": "`(@interface func (export \"name\") (param $p T)* (result $r T)? (@witx noreturn)?)`: a "
                       "function of the module. The Preview1 ABI allows at most one result: a scalar, handle, "
                       "pointer, flags, or an `expected` with named payloads.",
    "@interface": "`(@interface func …)`: a function of a module.",
    "export": "`(export \"name\")`: the function's name, as the core wasm import field.",
    "param": "`(param $name TYPE)`: a function argument. It becomes one core value (`i32`, `i64`, `f32` or `f64`); "
             "a list or string becomes two `i32`s; records and non-enum variants are passed by pointer.",
    "result": "`(result $name TYPE)`: the function's result (at most one). An `expected` result returns its "
              "error as the core `i32` and writes the ok payload through out-pointer params.",
    "use": "`(use \"file.witx\")`: loads another file, relative to this one, at this point into the same "
           "namespace. Each file is read once per load; a cycle is an error.",
    "module": "`(module $name (import \"memory\" (memory)) (@interface func …)*)`: a set of functions. wiggle "
              "generates `pub mod name` with a trait named after the module.",
    "import": "`(import \"name\" (memory))`: the linear memory the module's pointers refer to.",
    "memory": "`(memory)`: a linear memory; the only thing a witx module can import.",
    "struct": "`struct` is witx 0.8 syntax; witx 0.9 writes `record`.",
    "array": "`(array T)` is witx 0.8 syntax; witx 0.9 writes `(list T)`.",
    "int": "`(int …)` is witx 0.8 syntax, removed in 0.9; use an integer typename and `(@witx const …)` forms.",
    "char8": "bare `char8` is witx 0.8 syntax; witx 0.9 writes `(@witx char8)`.",
    "usize": "bare `usize` is not a type; witx 0.9 writes `(@witx usize)`.",
}


def builtin_markdown(name: str) -> str | None:
    b = BUILTINS.get(name)
    if b is None:
        return None
    size, align, core, rust, what = b
    return (f"```witx\n{name}\n```\n\n**{name}**: {what}.\n\nsize {size}, align {align} · core wasm `{core}` · "
            f"Rust `{rust}`")


def keyword_key(chain: list[Node]) -> str | None:
    """The `KEYWORDS` key of the atom at the end of `chain`: annotation forms are
    keyed with their first word (`@witx pointer`)."""
    if not chain or not isinstance(chain[-1], Atom):
        return None
    atom = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None
    if atom.kind is TokenKind.ANNOTATION and isinstance(parent, SList):
        nxt = parent.items[1] if len(parent.items) > 1 else None
        if isinstance(nxt, Atom) and f"{atom.text} {nxt.text}" in KEYWORDS:
            return f"{atom.text} {nxt.text}"
        return atom.text
    if atom.kind is not TokenKind.KEYWORD:
        return None
    if isinstance(parent, SList):
        head = parent.head
        if head is not None and head.kind is TokenKind.ANNOTATION and len(parent.items) > 1 \
                and parent.items[1] is atom and f"{head.text} {atom.text}" in KEYWORDS:
            return f"{head.text} {atom.text}"
    return atom.text


def keyword_markdown(chain: list[Node]) -> str | None:
    """The explanation of the keyword, annotation or builtin under the cursor."""
    key = keyword_key(chain)
    if key is None:
        return None
    if key in BUILTINS:
        return builtin_markdown(key)
    text = KEYWORDS.get(key)
    if text is None:
        return None
    return f"**`{key}`** (witx 0.9.1)\n\n{text}"

"""The registry of every diagnostic code: code -> (title, default severity, summary).

Ranges:
  E00xx  syntax (tokens and parentheses; witx_lsp.syntax)
  E01xx  structure of witx forms (witx_lsp.model.lower*)
  E02xx  legacy (witx <= 0.8) and unreleased dialects (witx_lsp.model.lower*)
  E03xx  validation, mirroring the reference witx 0.9.1 (witx_lsp.model.validate*)
  E04xx  file loading (witx_lsp.base.vfs, witx_lsp.model.load)
  E05xx, W05xx  memory layout (witx_lsp.layout)
  W01xx  warnings and hints about forms the reference ignores
  W06xx  wiggle generator hazards (witx_lsp.wiggle.codegen.hazards)
  W07xx  what does not carry over from witx to WIT (witx_lsp.wit)

Every code has a page docs/diagnostics/<CODE>.md; `docs_url` links to it.
tests/test_codes.py checks that every code used in witx_lsp/ is registered and
documented, and that every registered code is used.
"""

from __future__ import annotations

from typing import NamedTuple

from witx_lsp.base.diagnostic import Severity

DOCS_BASE_URL = "https://github.com/witx-lsp/witx-lsp/blob/main/docs/diagnostics/"


class CodeInfo(NamedTuple):
    title: str
    severity: Severity  # the default; users may override it per code
    summary: str


_E = Severity.ERROR
_W = Severity.WARNING
_I = Severity.INFORMATION
_H = Severity.HINT

CODES: dict[str, CodeInfo] = {
    # --- E00xx syntax ------------------------------------------------------------------------
    "E0001": CodeInfo("unexpected character", _E,
                      "A character or run of characters that is no witx token (such as `[`, `,` or a lone `;`)."),
    "E0002": CodeInfo("unterminated string", _E, "A string has no closing `\"` on its line."),
    "E0003": CodeInfo("invalid string", _E,
                      "A string holds an invalid escape, an invalid `\\u{…}` value or a control character."),
    "E0004": CodeInfo("unterminated block comment", _E, "A `(;` block comment has no matching `;)`."),
    "E0005": CodeInfo("unclosed parenthesis", _E, "A `(` has no matching `)`."),
    "E0006": CodeInfo("unmatched closing parenthesis", _E, "A `)` has no open `(` to close."),
    "E0007": CodeInfo("empty identifier", _E, "A `$` is not followed by any identifier character."),
    # --- E01xx structure ---------------------------------------------------------------------
    "E0101": CodeInfo("unexpected item", _E, "A form is missing something, or holds something else where witx "
                      "expects a particular item (a name, a type, a keyword, `)`)."),
    "E0102": CodeInfo("extra items", _E, "A form holds more items than its syntax allows."),
    "E0103": CodeInfo("declaration expected", _E, "A bare word at the top level of a file, outside any `( … )`."),
    "E0104": CodeInfo("unknown declaration", _E, "A top-level form is not `typename`, `module`, `use` or "
                      "`@witx const` (or `@interface func` is outside a module)."),
    "E0105": CodeInfo("constant out of range", _E, "A `(@witx const …)` value is not an integer from 0 to 2^64-1."),
    "E0108": CodeInfo("type nested too deeply", _E, "A type is nested more than 100 levels deep."),
    # --- E02xx legacy and unreleased dialects --------------------------------------------------
    "E0201": CodeInfo("witx 0.8 `struct`", _E, "`struct` is witx 0.8 syntax; witx 0.9 calls it `record`."),
    "E0202": CodeInfo("witx 0.8 `array`", _E, "`array` is witx 0.8 syntax; witx 0.9 calls it `list`."),
    "E0203": CodeInfo("witx 0.8 `int`", _E, "`(int …)` is witx 0.8 syntax; witx 0.9 uses an integer type and "
                      "`(@witx const …)` declarations."),
    "E0204": CodeInfo("witx 0.8 enum representation", _E,
                      "`(enum u8 …)` is witx 0.8 syntax; witx 0.9 writes `(enum (@witx tag u8) …)`."),
    "E0205": CodeInfo("legacy flags syntax", _E, "`(flags u32 …)`, `(@witx bitflags …)` and `(flag $x)` are "
                      "pre-0.9 syntax; witx 0.9 writes `(flags (@witx repr u32) $x …)`."),
    "E0206": CodeInfo("witx 0.8 tagged union", _E, "`(union $tag (field …) (empty …))` is witx 0.8 syntax; witx 0.9 "
                      "writes `(variant (@witx tag $tag) (case …) …)`."),
    "E0207": CodeInfo("witx 0.8 `char8`", _E, "A bare `char8` is witx 0.8 syntax; witx 0.9 writes `(@witx char8)`."),
    "E0208": CodeInfo("handle supertypes", _E,
                      "`(handle $supertype …)` is witx 0.8 syntax; witx 0.9 handles have no supertypes."),
    "E0210": CodeInfo("untagged union", _E, "`(union (field …) …)` is early witx syntax; witx 0.9 writes "
                      "`(variant (case …) …)`."),
    "E0211": CodeInfo("\"use … from\" dialect", _E, "`(use $a from $file)` is the reverted, never released "
                      "\"use … from\" syntax; witx 0.9.1 writes `(use \"file.witx\")`."),
    "E0212": CodeInfo("`resource` declaration", _E, "`(resource …)` belongs to the reverted \"use … from\" syntax; "
                      "witx 0.9.1 has `(handle)` types."),
    "E0213": CodeInfo("\"witx 0.10\" dialect", _E, "A file in the unreleased module-scoped \"witx 0.10\" dialect "
                      "(WebAssembly/WASI PR #422), which witx 0.9.1 does not read."),
    # --- E03xx validation (witx 0.9.1 ValidationError) -----------------------------------------
    "E0301": CodeInfo("unknown name", _E, "A name is used before it is defined, or never defined."),
    "E0302": CodeInfo("redefinition", _E, "A name is defined twice in the same scope."),
    "E0303": CodeInfo("wrong kind of name", _E,
                      "A type reference names a module, or a union/variant tag is not an enum or integer type."),
    "E0304": CodeInfo("recursive definition", _E, "A type refers to itself; witx has no recursive types."),
    "E0305": CodeInfo("invalid representation", _E,
                      "An enum tag or flags representation is not `u8`, `u16`, `u32` or `u64`."),
    "E0306": CodeInfo("ABI error", _E, "A function's results do not fit the Preview1 ABI."),
    "E0307": CodeInfo("anonymous structured type", _E,
                      "An enum, flags, record, union or handle is used other than directly under `typename`."),
    "E0308": CodeInfo("union size mismatch", _E,
                      "A union or variant with an enum tag does not have exactly one case per tag member."),
    "E0309": CodeInfo("invalid union tag", _E, "A union or variant tag is a variant whose cases have payloads."),
    "E0310": CodeInfo("invalid union field", _E,
                      "A variant case name is not (or no longer) one of its enum tag's members."),
    "E0311": CodeInfo("duplicate case name", _E, "A variant without an enum tag names two cases the same."),
    "E0312": CodeInfo("constant of unknown type", _E, "A `(@witx const $type …)` names a type that is not defined."),
    "E0313": CodeInfo("invalid constant", _E,
                      "A constant's type is not an integer, flags or enum type, or its value does not fit the type."),
    "E0314": CodeInfo("type without layout", _E,
                      "An empty tuple, or a case-less variant inside a type: the reference cannot lay it out."),
    # --- E04xx file loading ------------------------------------------------------------------
    "E0401": CodeInfo("file not found", _E, "A root file or a `use` target does not exist."),
    "E0402": CodeInfo("path is a directory", _E, "A root path or a `use` target is a directory."),
    "E0403": CodeInfo("not a regular file", _E,
                      "A root path or a `use` target is a FIFO, socket or device; it is not read."),
    "E0404": CodeInfo("file too large", _E, "A file is over the 8 MiB limit; it is not analysed."),
    "E0405": CodeInfo("invalid UTF-8", _E, "A file is not valid UTF-8."),
    "E0406": CodeInfo("cyclic use", _E, "A `use` names a file that is already being loaded higher up the chain."),
    "E0408": CodeInfo("I/O error", _E, "A file cannot be read for another reason (permissions, a bad path, …)."),
    "E0409": CodeInfo("too many diagnostics", _E, "A file has more than 1,000 diagnostics; the editor is sent the "
                      "first 1,000 and this one, which counts the rest."),
    # --- E05xx memory layout (witx_lsp.layout.diagnostics) --------------------------------------
    "E0501": CodeInfo("tag too small", _E, "A variant has more cases than its tag type can number."),
    "E0502": CodeInfo("too many flags", _E, "A flags type has more members than its repr has bits."),
    # --- W01xx -------------------------------------------------------------------------------
    "W0101": CodeInfo("unknown annotation", _W, "An annotation other than `@witx` or `@interface`; witx ignores it."),
    "W0102": CodeInfo("trailing constant dropped", _W, "`(@witx const …)` forms after the last other declaration "
                      "of a file are dropped by witx 0.9.1."),
    "W0103": CodeInfo("constant doc comment discarded", _H,
                      "A doc comment before `(@witx const …)` is discarded by witx 0.9.1."),
    # --- W05xx memory layout notes (witx_lsp.layout.diagnostics) --------------------------------
    "W0501": CodeInfo("interior padding", _I, "Padding bytes between the members of a record or tuple."),
    "W0502": CodeInfo("trailing padding", _I, "Padding bytes at the end of a record or tuple."),
    "W0503": CodeInfo("wasteful field order", _I, "Another order of a record's fields would take fewer bytes."),
    "W0504": CodeInfo("payload past variant size", _W,
                      "A variant payload extends past the size witx 0.9.1 computes for the variant."),
    "W0505": CodeInfo("4-byte bool", _H, "A `bool` stored in memory takes 4 bytes (a u32-tagged variant)."),
    "W0506": CodeInfo("i386 layout differs", _H,
                      "The layout differs on i386 System V hosts, which align 64-bit members to 4 bytes."),
    # --- W06xx wiggle generator hazards (witx_lsp.wiggle.codegen.hazards) ------------------------
    "W0601": CodeInfo("anonymous bool", _W, "wiggle's generator panics on a `bool` that is not a typename of its own."),
    "W0602": CodeInfo("char value", _W, "wiggle's generator panics on a `char` parameter; a `char` stored in memory "
                      "gives Rust that does not compile."),
    "W0603": CodeInfo("named tuple", _W, "wiggle's generator panics on a typename that is a `tuple`."),
    "W0604": CodeInfo("untagged union", _W, "wiggle's generator panics on a `union` without an enum tag."),
    "W0605": CodeInfo("named string", _W, "wiggle defines a typename that is a `string` as `GuestPtr<[char]>`, "
                      "which its own glue does not accept."),
    "W0606": CodeInfo("result not expected", _W,
                      "wiggle's generator panics on a result that is not an `expected`, or on several results."),
    "W0607": CodeInfo("error type not an enum", _W,
                      "wiggle's generator panics on an `expected` whose error type is missing or not an enum."),
    "W0608": CodeInfo("anonymous record member", _W,
                      "wiggle's generator panics on a record field that is an anonymous list, string or tuple."),
    "W0609": CodeInfo("no Rust identifier", _W, "A witx name becomes no Rust identifier (or the keyword `Self`) "
                      "under wiggle's naming rules."),
    "W0610": CodeInfo("Rust name clash", _W, "Two witx names become the same Rust name under wiggle's naming rules."),
    "W0611": CodeInfo("shadowed prelude name", _W,
                      "A typename becomes a Rust prelude name that wiggle's generated code relies on."),
    # --- W07xx witx -> WIT conversion (witx_lsp.wit) ----------------------------------------------
    "W0701": CodeInfo("name changed for WIT", _I,
                      "A witx name is spelled differently in WIT than by turning `_` into `-`: WIT identifiers are "
                      "kebab-case words that each start with a letter, unique in their scope."),
    "W0702": CodeInfo("pointer becomes u32", _W,
                      "A witx pointer has no WIT equivalent: it becomes a `u32` address, which a component "
                      "cannot use."),
    "W0703": CodeInfo("constant dropped", _W,
                      "WIT has no constants: a `(@witx const ...)` is kept only as documentation of its type."),
    "W0704": CodeInfo("tag or flags width lost", _I,
                      "The integer width of an enum, variant or flags representation in witx is not kept: WIT's "
                      "canonical ABI chooses its own."),
    "W0705": CodeInfo("flags split", _W,
                      "A flags type with more than 32 flags is split into several WIT flags types, the fields of a "
                      "record."),
    "W0706": CodeInfo("usize or char8 becomes a plain integer", _I,
                      "`(@witx usize)` becomes `u32` and `(@witx char8)` becomes `u8`: WIT has no pointer-sized integer"
                      " and no C `char`."),
    "W0707": CodeInfo("noreturn", _I,
                      "WIT cannot say that a function never returns: a `(@witx noreturn)` function is declared without "
                      "results and documented."),
    "W0708": CodeInfo("handle mapping", _I,
                      "A witx `handle` becomes a WIT `resource` (or, with `--handles u32`, a `u32` alias); the "
                      "semantics of ownership change."),
    "W0709": CodeInfo("memory import dropped", _H,
                      'The `(import "memory" (memory))` of a module has no WIT equivalent and is dropped.'),
    "W0710": CodeInfo("empty variant", _W,
                      "A variant without cases converts to WIT that wit-parser accepts but the component "
                      "model refuses."),
    "W0711": CodeInfo("anonymous variant named", _I,
                      "WIT has no anonymous variants or enums: one written in place in witx is defined under a made-up "
                      "name."),
}


def info(code: str) -> CodeInfo | None:
    """The registry entry of a code, or None for an unknown code."""
    return CODES.get(code)


def default_severity(code: str) -> Severity:
    """A code's default severity (ERROR for codes that are not registered)."""
    entry = CODES.get(code)
    return entry.severity if entry is not None else Severity.ERROR


def docs_url(code: str) -> str:
    """The URL of a code's documentation page (for LSP `codeDescription.href`)."""
    return f"{DOCS_BASE_URL}{code}.md"


__all__ = ["CODES", "DOCS_BASE_URL", "CodeInfo", "default_severity", "docs_url", "info"]

"""Hover on hand-written witx (cursor positions marked with `$0`), expected
values derived by hand from the witx 0.9.1 layout and ABI rules
(witx-language.md §6-§7, wiggle.md §2, §5), plus a sweep over WASI preview1."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from witx_lsp.base.vfs import MemoryProvider
from witx_lsp.features.hover import HoverOptions, HoverResult, hover
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import analyze
from witx_lsp.model.symbols import SymbolKind

MARK = "$0"

TYPES = """\
(typename $size u32)
(typename $filetype (enum (@witx tag u8) $unknown $block_device $regular_file))
(typename $fdflags (flags (@witx repr u16) $append $dsync $nonblock))
(typename $rights (flags (@witx repr u64) $fd_datasync $fd_read))
(typename $errno (enum (@witx tag u16) $success $badf))
;;; File descriptor attributes.
(typename $fdstat
  (record
    ;;; File type.
    (field $fs_filetype $filetype)
    (field $fs_flags $fdflags)
    (field $fs_rights_base $rights)
    (field $fs_rights_inheriting $rights)))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(typename $r9 (record (field $a u8) (field $b u8) (field $c u8) (field $d u8) (field $e u8) (field $f u8)
  (field $g u8) (field $h u8) (field $i u8)))
(typename $q (variant (@witx tag u8) (case $x u64) (case $y $r9)))
(typename $eventtype (enum (@witx tag u8) $clock $fd_read))
(typename $u (union (@witx tag $eventtype) u64 $size))
(typename $v (variant (@witx tag $eventtype) (case $fd_read $size) (case $clock u64)))
(typename $fd (handle))
(@witx const $size $max 0x10)
(typename $alias $fdstat)
"""

MODULE = """\
(use "types.witx")
(module $m (import "memory" (memory))
  ;;; Read from a file descriptor.
  (@interface func (export "fd_read") (param $fd $fd) (param $iovs $iovec_array)
    (result $error (expected $size (error $errno))))
  (@interface func (export "fd_fdstat_get") (param $fd $fd) (result $error (expected $fdstat (error $errno))))
  (@interface func (export "path") (param $p string) (param $ptr (@witx pointer u8)) (param $b bool)
    (result $error (expected (tuple $size $size) (error $errno)))))
"""


def snapshot(files: dict[str, str], root: str) -> tuple[Snapshot, int]:
    """Analyse `root` among `files`; the marked file's snapshot and cursor offset."""
    clean, marked = {}, None
    for path, text in files.items():
        if MARK in text:
            offset = text.index(MARK)
            text = text[:offset] + text[offset + len(MARK):]
            marked = (path, offset)
        clean[path] = text
    assert marked is not None
    return Snapshot(marked[0], analyze([root], MemoryProvider(clean))), marked[1]


RUST = HoverOptions(rust=True)


def hover_types(marked: str, options: HoverOptions | None = None) -> HoverResult:
    """Hover at the first occurrence of `marked` (which contains `$0`) in TYPES."""
    text = TYPES.replace(marked.replace(MARK, ""), marked, 1)
    snap, offset = snapshot({"/p/types.witx": text}, "/p/types.witx")
    result = hover(snap, offset, options)
    assert result is not None, marked
    return result


def hover_module(marked: str, options: HoverOptions | None = None) -> HoverResult:
    text = MODULE.replace(marked.replace(MARK, ""), marked, 1)
    snap, offset = snapshot({"/p/types.witx": TYPES, "/p/api.witx": text}, "/p/api.witx")
    result = hover(snap, offset, options)
    assert result is not None, marked
    return result


def test_record_hover_shows_offsets_padding_size_and_docs() -> None:
    md = hover_types("(typename $fd$0stat").markdown
    # fs_filetype u8 @0 (1 byte), 1 padding byte, fs_flags u16 @2 (to 4), 4 padding bytes,
    # then the two u64 rights @8 and @16: 24 bytes, aligned to 8.
    # It leads with kind, size, alignment and padding (1 + 4 bytes), then the table, then the docs.
    assert md.startswith("**record** · size 24, align 8 · 5 bytes of padding\n\n")
    assert "\n".join([
        "| 0 | 1 | `fs_filetype` | `$filetype` |",
        "| 1 | 1 | *padding* |  |",
        "| 2 | 2 | `fs_flags` | `$fdflags` |",
        "| 4 | 4 | *padding* |  |",
        "| 8 | 8 | `fs_rights_base` | `$rights` |",
        "| 16 | 8 | `fs_rights_inheriting` | `$rights` |"]) in md
    assert md.endswith("File descriptor attributes.")
    # No echo of the definition the cursor is on, and no Rust unless asked for.
    assert "(typename" not in md and "(field" not in md and "```" not in md
    assert "Fdstat" not in md
    rust = hover_types("(typename $fd$0stat", RUST).markdown
    assert rust.startswith(md)
    assert "pub struct Fdstat { … }" in rust
    assert "the trait method takes `&Fdstat`" in rust


def test_hover_span_is_the_hovered_name() -> None:
    text = MODULE.replace("(expected $fdstat", "(expected $fd$0stat")
    snap, offset = snapshot({"/p/types.witx": TYPES, "/p/api.witx": text}, "/p/api.witx")
    result = hover(snap, offset)
    assert result is not None
    assert snap.text[result.span.start:result.span.end] == "$fdstat"
    # A reference across the `use` boundary says where the type is defined.
    assert "size 24, align 8" in result.markdown
    assert "*defined in* `types.witx`" in result.markdown


def test_field_hover_has_offset_within_parent_and_type_layout() -> None:
    md = hover_types("(field $fs_rights_b$0ase").markdown
    assert md.startswith("field of `$fdstat` · offset 8, size 8, align 8 · after 4 bytes of padding at 4")
    assert "`$rights`: **flags** · size 8, align 8 · repr `u64` · 2 flags, bits 0–1" in md
    assert "```witx\n(field $fs_rights_base $rights)\n```" in md
    assert "`pub fs_rights_base: Rights`" not in md
    assert "`pub fs_rights_base: Rights`" in hover_types("(field $fs_rights_b$0ase", RUST).markdown
    assert "File type." in hover_types("(field $fs_file$0type").markdown


def test_enum_hover_lists_values() -> None:
    md = hover_types("(typename $file$0type").markdown
    assert md.startswith("**enum** · size 1, align 1 · tag `u8` · 3 cases, values 0–2\n\n"
                         "`unknown` 0 · `block_device` 1 · `regular_file` 2")
    assert "passed by value: a param is one core `i32`" in hover_types("(typename $file$0type", RUST).markdown
    member = hover_types("$block_dev$0ice").markdown
    assert "case of enum `$filetype` · value 1 (tag `u8`)" in member
    assert "`Filetype::BlockDevice`" in hover_types("$block_dev$0ice", RUST).markdown


def test_flags_hover_shows_bits_and_masks() -> None:
    md = hover_types("(typename $fdfl$0ags").markdown
    assert md.startswith("**flags** · size 2, align 2 · repr `u16` · 3 flags, bits 0–2\n\n"
                         "`append` 0x1 · `dsync` 0x2 · `nonblock` 0x4")
    flag = hover_types("$ds$0ync").markdown
    assert flag.startswith("flag of `$fdflags` (repr `u16`) · bit 1 · mask 0x2 (`1 << 1`)")
    assert "`Fdflags::DSYNC`" in hover_types("$ds$0ync", RUST).markdown


def test_variant_hover_shows_tag_payloads_and_the_size_quirk() -> None:
    md = hover_types("(typename $$0q").markdown
    # u8 tag; u64 payload at align_to(1, 8) = 8 -> case size 16; $r9 (9 bytes, align 1) at 1 -> 10, rounded to 10;
    # size = max(16, 10) = 16, but with the common payload offset 8 case y ends at 17; canonical 8 + 9 -> 24.
    # 7 bytes between the u8 tag and the payload at 8.
    assert md.startswith("**variant** · size 16, align 8 · 7 bytes of padding · tag `u8` · payload @8")
    assert "|  | *tag* | `u8` | 0 | 1 |\n| 0 | `x` | `u64` | 8 | 8 |\n| 1 | `y` | `$r9` | 8 | 9 |" in md
    assert "`y` ends at 17, past the size. The canonical size would be 24" in md
    case = hover_types("(case $$0y").markdown
    assert "payload `$r9` at offset 8, size 9, align 1 (ends at 17, past the variant's size 16" in case


def test_union_with_enum_tag_and_case_reference() -> None:
    md = hover_types("(typename $$0u").markdown
    # tag u8 (from $eventtype); u64 at 8 -> 16/8; $size at 4 -> 8/4: size 16, align 8, payload offset 8.
    assert md.startswith("**union** · size 16, align 8 · 7 bytes of padding · tag `u8` · payload @8")
    assert "| 0 | `clock` | `u64` | 8 | 8 |\n| 1 | `fd_read` | `$size` | 8 | 4 |" in md
    # `$fd_read` in the variant refers to the tag enum's member; the hover describes the variant's case.
    case = hover_types("(case $fd_re$0ad").markdown
    assert "case of variant `$v` · value 1 (tag `u8`) · its value comes from the tag enum `$eventtype`" in case
    # The payload offset is common to all cases: max(align_to(1, 4), align_to(1, 8)) = 8.
    assert "payload `$size` at offset 8, size 4, align 4" in case
    # The variant's cases follow the tag enum's order, not the source order.
    v = hover_types("(typename $$0v").markdown
    assert "| 0 | `clock` | `u64` | 8 | 8 |\n| 1 | `fd_read` | `$size` | 8 | 4 |" in v


def test_list_pointer_and_string_wiggle_forms() -> None:
    md = hover_types("(typename $iovec_arr$0ay", RUST).markdown
    assert "pub type IovecArray<'a> = wiggle::GuestPtr<'a, [Iovec<'a>]>;" in md
    assert ("an (offset, length) pair of u32, 8 bytes in memory (offset u32 @0, length u32 @4; the length counts "
            "elements); a param is two core `i32`s (pointer, length)") in md
    buf = hover_types("(field $b$0uf", RUST).markdown
    assert "`pub buf: wiggle::GuestPtr<'a, u8>` · one u32 offset into guest memory (4 bytes)" in buf
    p = hover_module("(param $$0p", RUST).markdown
    assert "`p: &wiggle::GuestPtr<'a, str>`" in p
    assert "the length counts bytes" in p
    assert "param of `path` · core `i32` `i32` (params 0–1)" in p
    ptr = hover_module("(param $pt$0r", RUST).markdown
    assert "core `i32` (param 2)" in ptr and "one u32 offset" in ptr


def test_function_hover_has_signature_docs_and_core_signature() -> None:
    md = hover_module('"fd_r$0ead"').markdown
    # At its definition: the core signature first, no echo of the definition.
    assert md.startswith("**function** `fd_read` of module `$m`\n\n"
                         "```wasm\n(func $fd_read (param i32 i32 i32 i32) (result i32))\n```")
    assert "(@interface func" not in md and "```witx" not in md
    assert "Read from a file descriptor." in md
    assert "| `iovs` | `$iovec_array` | `i32` `i32` (params 1–2) |" in md
    assert "returns `i32`; 1 out-pointer `i32` (param 3)" in md
    # A tuple ok payload: one out-pointer per member.
    assert "(func $path (param i32 i32 i32 i32 i32 i32) (result i32))" in hover_module('"pa$0th"').markdown


def test_param_and_result_hover() -> None:
    iovs = hover_module("(param $io$0vs", RUST).markdown
    assert iovs.startswith("param of `fd_read` · core `i32` `i32` (params 1–2)")
    assert "`$iovec_array`: **list** · size 8, align 4" in iovs
    assert "`iovs: &IovecArray<'a>`" in iovs
    err = hover_module("(result $er$0ror (expected $fdstat", RUST).markdown
    assert "result of `fd_fdstat_get` · core result `i32`, ok value written through 1 out-pointer (param 1)" in err
    assert "the trait method returns `Result<Fdstat, Errno>`" in err


def test_rust_forms_only_with_the_option_and_spelled_with_the_configured_profile() -> None:
    plain = hover_module('"fd_r$0ead"').markdown
    assert "rust" not in plain.lower() and "wiggle" not in plain
    md = hover_module('"fd_r$0ead"', RUST).markdown
    assert md.startswith(plain)
    assert "wiggle host method" in md and "fn fd_read" in md
    # One spelling of a type: the profile of the configuration, in every Rust line of the hover.
    from witx_lsp.features.preview import read_config
    from witx_lsp.wiggle.codegen import DEFAULT_PROFILE

    # wasmtime 25's wiggle dropped the lifetime of GuestPtr (and so of every type holding one).
    v25, error = read_config(None, 25)
    assert error is None and v25.profile == 25 != DEFAULT_PROFILE
    default_md = hover_module("(param $io$0vs", RUST).markdown
    v25_md = hover_module("(param $io$0vs", HoverOptions(rust=True, config=v25)).markdown
    assert "`iovs: &IovecArray<'a>`" in default_md
    assert "`iovs: IovecArray`" in v25_md and "<'a>" not in v25_md
    func = hover_module('"fd_r$0ead"', HoverOptions(rust=True, config=v25)).markdown
    assert "iovs: IovecArray" in func and "IovecArray<'a>" not in func


def test_module_import_const_and_alias() -> None:
    assert "1 function" not in hover_module("(module $$0m").markdown
    module = hover_module("(module $$0m", RUST).markdown
    assert module.startswith("**module** `$m` · 3 functions · imports `memory`") and "`pub trait M`" in module
    assert "the linear memory of module `$m`" in hover_module('(import "mem$0ory"').markdown
    const = hover_types("$ma$0x", RUST).markdown
    assert "constant of `$size` = 16 (0x10)" in const and "`pub const SIZE_MAX: Size = 16;`" in const
    alias = hover_types("(typename $ali$0as", RUST).markdown
    assert alias.startswith("alias of `$fdstat` (record) · size 24, align 8 · 5 bytes of padding")
    assert "pub type Alias = Fdstat;" in alias


@pytest.mark.parametrize(("marked", "expected"), [
    ("(param $b b$0ool", "`bool` is a 4-byte variant with a `u32` tag"),
    ("(param $p st$0ring", "`string` is `(list char)`"),
    ("(@witx poi$0nter u8)", "**`@witx pointer`**"),
    ("(@w$0itx pointer u8)", "**`@witx pointer`**"),
    ("(@inter$0face func", "**`@interface func`**"),
    ("(par$0am $fd", "**`param`**"),
    ("(mod$0ule $m", "**`module`**"),
    ('(u$0se "types.witx")', "**`use`** (witx 0.9.1)"),
    ("(exp$0ected $size", "**`expected`**"),
])
def test_keywords_explain_themselves(marked: str, expected: str) -> None:
    assert expected in hover_module(marked).markdown


def test_builtins_and_annotations_in_types() -> None:
    md = hover_types("(typename $size u3$02)").markdown
    assert "**u32**: unsigned 32-bit integer." in md and "size 4, align 4 · core wasm `i32` · Rust `u32`" in md
    assert "**`record`**" in hover_types("(rec$0ord\n    ;;; File").markdown
    assert "**`@witx tag`**" in hover_types("(@witx t$0ag u8) $unknown").markdown
    usize = "(typename $n (@witx us$0ize))\n"
    snap, offset = snapshot({"/p/a.witx": usize}, "/p/a.witx")
    result = hover(snap, offset)
    assert result is not None and "pointer-sized integer" in result.markdown


def test_use_string_shows_the_resolved_path() -> None:
    md = hover_module('(use "types.wi$0tx")').markdown
    assert "**`use`** `/p/types.witx`" in md and "loaded: 15 typenames" in md
    snap, offset = snapshot({"/p/b.witx": '(use "nope.witx")$0'}, "/p/b.witx")
    result = hover(snap, offset - 3)
    assert result is not None and "`/p/nope.witx`" in result.markdown and "not loaded" in result.markdown


def test_broken_input_never_raises() -> None:
    text = '(typename $a (record (field $x $nope)))\n(typename $b $a)\n(module $m (@interface func (export "f") ' \
           '(param $p $a)))\n(typename $c (enum $x $x)) (typename'
    snap, _ = snapshot({"/p/x.witx": text + MARK}, "/p/x.witx")
    for offset in range(-3, len(text) + 3):
        hover(snap, offset)
    result = hover(snap, text.index("$a") + 1)
    assert result is not None and "This typename has errors" in result.markdown
    # An offset past the end is clamped to the end: right after the last `typename` keyword.
    far = hover(snap, 10**9)
    assert far is not None and "defines a named type" in far.markdown
    assert snap.text[far.span.start:far.span.end] == "typename" and far.span.end == len(text)


# --- length: a hover fits on a screen ---------------------------------------------------------------------

MAX_HOVER_LINES = 25
# VS Code's hover is about 500 px wide: a long paragraph wraps. Count a line per this many characters.
WRAP = 100


def hover_lines(md: str) -> int:
    """The lines a hover takes on screen, as Markdown renders it: table rows, code lines and blank
    lines once each; consecutive prose lines join into one paragraph, which wraps."""
    lines, paragraph, in_code = 0, 0, False
    for line in [*md.splitlines(), ""]:
        if line.startswith("```"):
            in_code = not in_code
        prose = not in_code and line and not line.startswith(("|", "```"))
        if prose:
            paragraph += len(line) + 1
            continue
        lines += -(-paragraph // WRAP) + 1
        paragraph = 0
    return lines - 1


def test_every_fixture_hover_fits_on_a_screen() -> None:
    for root in ("/p/types.witx", "/p/api.witx"):
        snap = Snapshot(root, analyze([root], MemoryProvider({"/p/types.witx": TYPES, "/p/api.witx": MODULE})))
        for d in snap.analysis.symbols.definitions.values():
            if d.name_span.path != root:
                continue
            result = hover(Snapshot(root, snap.analysis), d.name_span.span.start + 1)
            assert result is not None, d.key
            assert hover_lines(result.markdown) <= MAX_HOVER_LINES, (d.key, result.markdown)
            # The first line says what it is; no hover starts with a copy of the source.
            assert not result.markdown.startswith("```"), (d.key, result.markdown)


# --- preview1, checked against the docs.md the reference witx crate generated (WASI's own repository) ---------


def _reference_docs() -> dict[str, tuple[int, int, dict[str, int]]]:
    """name -> (size, alignment, member offsets) from WASI's preview1/docs.md."""
    out: dict[str, tuple[int, int, dict[str, int]]] = {}
    text = (PREVIEW1.parent.parent / "docs.md").read_text(encoding="utf-8")
    for block in re.split(r"\n## ", text)[1:]:
        m = re.match(r'<a href="#[^"]+" name="([^".]+)"></a>', block)
        size, align = re.search(r"\nSize: (\d+)", block), re.search(r"\nAlignment: (\d+)", block)
        if m is None or size is None or align is None:
            continue
        members = {mm.group(1): int(mm.group(2)) for mm in re.finditer(
            r'name="[^".]+\.([^"]+)"></a>[^\n]*\n(?:(?!\n- <a)[\s\S])*?\nOffset: (\d+)', block)}
        out[m.group(1)] = (int(size.group(1)), int(align.group(1)), members)
    return out


@needs_corpus
def test_every_preview1_typename_and_function_hovers() -> None:
    path = os.path.abspath(PREVIEW1)
    a = analyze([path])
    reference = _reference_docs()
    assert len(reference) == len(a.document.typenames) == 46
    seen_types = seen_funcs = 0
    for d in a.symbols.definitions.values():
        snap = Snapshot(d.name_span.path, a)
        result = hover(snap, d.name_span.span.start + 1)
        assert result is not None, d.key
        md = result.markdown
        assert hover_lines(md) <= MAX_HOVER_LINES, (d.key, hover_lines(md), md)
        if d.key.kind is SymbolKind.TYPENAME:
            size, align, offsets = reference[d.key.name]
            # The first line: kind, size and alignment, as the reference documents them.
            first = md.split("\n", 1)[0]
            assert f"size {size}, align {align}" in first, (d.key.name, first)
            for member, offset in offsets.items():
                row = rf"^\| {offset} \| \d+ \| `{re.escape(member)}` \|"
                assert re.search(row, md, re.M), (d.key.name, member, md)
            seen_types += 1
        elif d.key.kind is SymbolKind.FUNC:
            assert "```wasm\n(func $" in md and "(@interface func" not in md
            seen_funcs += 1
    assert seen_types == 46 and seen_funcs == sum(len(m.funcs) for m in a.document.modules) == 46


@pytest.mark.parametrize("profile", [5, 19, 21, 22, 25, 43])
@pytest.mark.parametrize(("marked", "rust"), [
    ("(typename $iovec_arr$0ay", "IovecArray"), ("(typename $io$0vec ", "Iovec"),
    ("(typename $ali$0as", "Alias"), ("(typename $fdst$0at", "Fdstat")])
def test_hover_spells_a_type_as_the_preview_does(profile: int, marked: str, rust: str) -> None:
    """One Rust spelling per configuration: every form of the typename a Rust hover shows (its
    definition, its spelling, its GuestPtr forms) is the one the preview generates with the same
    configuration, whatever the profile (wasmtime 22 dropped GuestPtr's lifetime)."""
    from witx_lsp.features.preview import preview_rust, read_config

    config, error = read_config(None, profile)
    assert error is None and config.profile == profile
    text = TYPES.replace(marked.replace(MARK, ""), marked, 1)
    snap, offset = snapshot({"/p/types.witx": text, "/p/api.witx": MODULE}, "/p/api.witx")
    result = hover(Snapshot("/p/types.witx", snap.analysis), offset, HoverOptions(rust=True, config=config))
    assert result is not None
    generated = preview_rust(snap.analysis, config)
    spelling = re.compile(rf"\b{rust}\b(?:<'a>)?")
    in_preview = set(spelling.findall(generated))
    assert len(in_preview) == 1, in_preview  # the generator spells a type one way
    assert set(spelling.findall(result.markdown)) == in_preview
    definition = re.search(r"```rust\n(pub (?:type|struct) .*)\n```", result.markdown)
    assert definition is not None
    assert definition.group(1).removesuffix(" { … }").removesuffix(";") in generated


@pytest.mark.parametrize(("definition", "kind"), [
    ("(list u8)", "list"), ("(@witx pointer u8)", "pointer"), ("(@witx const_pointer u8)", "const pointer"),
    ("(handle)", "handle"), ("u32", "builtin"), ("string", "list")])
def test_the_rust_section_names_the_kind_in_witx_words(definition: str, kind: str) -> None:
    """The Rust section's heading says what the typename is in the words of witx, never the
    name of one of this project's Python classes."""
    text = f"(typename $sub$0ject {definition})\n"
    snap, offset = snapshot({"/p/t.witx": text}, "/p/t.witx")
    result = hover(snap, offset, HoverOptions(rust=True))
    assert result is not None
    heading = re.search(r"^Rust \(([^,]+), wiggle wasmtime v\d+\):$", result.markdown, re.M)
    assert heading is not None, result.markdown
    assert heading.group(1) == kind

"""The `wiggle::from_witx!` argument parser: every field and form of the upstream
tests and wasi-common, and syn's / config.rs's error messages at their tokens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from witx_lsp.wiggle.codegen import Config, ConfigError, FunctionSet, parse_config, validate_errors, witx_paths
from witx_lsp.wiggle.codegen.config import DUMMY_EXECUTOR


def test_default_configuration() -> None:
    cfg = parse_config('{ witx: ["$CARGO_MANIFEST_DIR/tests/atoms.witx"] }')
    assert cfg.witx == ("$CARGO_MANIFEST_DIR/tests/atoms.witx",)
    assert (cfg.errors, cfg.wasmtime, cfg.tracing, cfg.mutable, cfg.block_with) == ((), True, True, True, None)
    assert cfg.asyncness("atoms", "int_float_args") == "sync"
    assert cfg == Config(witx=cfg.witx)


def test_wasi_common_configuration() -> None:
    cfg = parse_config("""{
        witx: ["$CARGO_MANIFEST_DIR/witx/preview1/wasi_snapshot_preview1.witx"],
        errors: { errno => trappable Error },
        // Note: not every function actually needs to be async, however, nearly all of them do.
        async: *,
        wasmtime: false,
    }""")
    [err] = cfg.errors
    assert (err.abi, err.rich, err.trappable) == ("errno", "Error", True)
    assert cfg.async_functions == FunctionSet(all=True)
    assert cfg.asyncness("wasi_snapshot_preview1", "fd_read") == "async"
    assert cfg.wasmtime is False


def test_async_sets_block_on_tracing_and_mutable() -> None:
    cfg = parse_config('{ witx: ["a"], async: { atoms::double_int_return_float, }, tracing: false }')
    assert cfg.asyncness("atoms", "double_int_return_float") == "async"
    assert cfg.asyncness("atoms", "int_float_args") == "sync"
    assert cfg.tracing is False and not cfg.tracing_enabled_for("atoms", "int_float_args")
    cfg = parse_config('{ witx: ["a"], async: { atoms::{double_int_return_float, int_float_args}, b::c } }')
    assert cfg.async_functions.functions == (("atoms", ("double_int_return_float", "int_float_args")),
                                             ("b", ("c",)))
    cfg = parse_config('{ witx: ["a"], block_on: { atoms::double_int_return_float } }')
    assert cfg.asyncness("atoms", "double_int_return_float") == "blocking"
    assert cfg.block_with == DUMMY_EXECUTOR
    cfg = parse_config('{ witx: ["a"], block_on[my_crate::block_on]: * }')
    assert cfg.block_with == "my_crate::block_on" and cfg.asyncness("m", "f") == "blocking"
    cfg = parse_config('{ witx: ["a"], tracing: true disable_for { m::f, m::{g, h} }, mutable: false }')
    assert cfg.tracing_enabled_for("m", "x") and not cfg.tracing_enabled_for("m", "g")
    assert cfg.mutable is False


def test_errors_and_witx_literal() -> None:
    cfg = parse_config('{ witx_literal: "(typename $errno (enum $ok))", '
                       'errors: { errno => RichError, errno2 => AnotherRichError }, }')
    assert cfg.witx_literal == "(typename $errno (enum $ok))" and cfg.witx == ()
    assert [(e.abi, e.rich, e.trappable, e.rich_ident) for e in cfg.errors] == [
        ("errno", "RichError", False, "RichError"), ("errno2", "AnotherRichError", False, "AnotherRichError")]
    assert parse_config(r'{ witx_literal: r#"a "quoted" \n"# }').witx_literal == r'a "quoted" \n'
    assert parse_config(r'{ witx_literal: "a\n\"b\"\u{41}" }').witx_literal == 'a\n"b"A'
    cfg = parse_config('{ witx: ["a"], errors: { errno => crate::errors::Rich<T> } }')
    assert cfg.errors[0].rich == "crate::errors::Rich<T>" and cfg.errors[0].rich_ident is None


def _error(text: str, **kw: bool) -> tuple[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, **kw)
    e = info.value
    return e.message, text[e.start:e.end]


@pytest.mark.parametrize(("text", "message", "at"), [
    ('{ witx: ["a"], wtx: 1 }', "expected one of: `witx`, `witx_literal`, `errors`, `async`, `block_on`, "
     "`wasmtime`, `tracing`, `mutable`", "wtx"),
    ('{ witx ["a"] }', "expected `:`", '["a"]'),
    ('{ witx: "a" }', "expected square brackets", '"a"'),
    ('{ witx: [a] }', "expected string literal", "a"),
    ('{ witx: ["a" "b"] }', "expected `,`", '"b"'),
    ('{ witx: ["a"] x }', "expected `,`", "x"),
    ('{ witx: ["a"], async: foo }', "expected curly braces or `*`", "foo"),
    ('{ witx: ["a"], async: { m:: } }', "unexpected end of input, expected curly braces or identifier", "}"),
    ('{ witx: ["a"], async: { m::f::g } }', "expected `,`", "::"),
    ('{ witx: ["a"], async: { self::fn_ } }', "expected identifier, found keyword `self`", "self"),
    ('{ witx: ["a"], errors: { errno RichError } }', "expected `=>`", "RichError"),
    ('{ witx: ["a"], errors: { errno => trappable } }', "unexpected end of input, expected identifier", "}"),
    ('{ witx: ["a"], mutable: 1 }', "expected boolean literal", "1"),
    ('{ witx: ["a"], wasmtime: yes }', "expected boolean literal", "yes"),
    ('{ witx: ["a"] } x', "unexpected token", "x"),
    ('witx: ["a"]', "expected curly braces", "witx"),
    ("", "unexpected end of input, expected curly braces", ""),
    ('{ witx: ["a"]', "this file contains an unclosed delimiter", "{"),
    ('{ witx: ["a"] ]', "mismatched closing delimiter: `]`", "]"),
    ('{ witx: ["a] }', "unterminated double quote string", '"'),
    ('{ errors: {} }', "`witx` field required", ""),
    ('{ witx: ["a"], witx_literal: "x" }', "duplicate `witx` field", "witx_literal"),
    ('{ witx: ["a"], async: *, block_on: * }', "duplicate `async` field", "block_on"),
    ('{ witx: ["a"], errors: {}, errors: {} }', "duplicate `errors` field", "errors"),
    ('{ witx: ["a"], tracing: true, tracing: false }', "duplicate `tracing` field", "tracing"),
    ('{ witx: ["a"], mutable: true, mutable: false }', "duplicate `mutable` field", "mutable"),
    ('{ witx: ["a"], wasmtime: true, wasmtime: false }', "duplicate `wasmtime` field", "wasmtime"),
])
def test_errors_as_the_macro_reports_them(text: str, message: str, at: str) -> None:
    assert _error(text) == (message, at)


def test_duplicate_is_reported_after_every_field_parsed() -> None:
    # Config::build runs once the fields parsed: a later syntax error wins over an earlier duplicate.
    assert _error('{ witx: ["a"], witx: ["b"], async: foo }')[0] == "expected curly braces or `*`"


def test_duplicate_error_mapping() -> None:
    message, at = _error('{ witx: ["a"], errors: { errno => A, errno => B } }')
    assert message == ('duplicate definition of rich error type for Ident { ident: "errno", span: #0 bytes(37..42) '
                       '}: previously defined at #0 bytes(25..35)')
    assert at == "errno => B"


def test_witx_is_optional_when_the_files_come_from_elsewhere() -> None:
    assert parse_config("{ async: * }", require_witx=False).async_functions.all
    assert parse_config("{}", require_witx=False, profile=22).profile == 22


def test_error_location() -> None:
    text = '{\n  witx: ["a"],\n  asink: *\n}'
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.location(text) == (3, 3)


def test_validate_errors_against_the_document() -> None:
    cfg = parse_config('{ witx: ["a"], errors: { errno => Rich, missing => Other, errno2 => a::B, e3 => Rich } }')
    problems = [e.message for e in validate_errors(cfg, {"errno", "errno2", "e3"})]
    assert problems[0] == 'No witx typename "missing" found'
    assert problems[1].startswith("rich error type must be identifier for now - TODO add ability to provide a "
                                  "corresponding identifier: bytes(")
    assert problems[2].startswith("duplicate rich type identifier of Rich not allowed. prior definition at bytes(")
    assert validate_errors(parse_config('{ witx: [], errors: { errno => trappable E } }'), {"errno"}) == []


def test_witx_paths_expand_like_shellexpand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARGO_MANIFEST_DIR", raising=False)
    monkeypatch.setenv("WITX_ROOT", "/opt/witx")
    cfg = parse_config('{ witx: ["$CARGO_MANIFEST_DIR/a.witx", "b/c.witx", "${WITX_ROOT}/d.witx"] }')
    assert witx_paths(cfg, str(tmp_path)) == [str(tmp_path / "a.witx"), str(tmp_path / "b" / "c.witx"),
                                              os.path.normpath("/opt/witx/d.witx")]
    with pytest.raises(ConfigError, match="environment variable not found"):
        witx_paths(parse_config('{ witx: ["$NO_SUCH_VARIABLE_HOPEFULLY/a.witx"] }'), str(tmp_path))

"""wiggle's names (wiggle.md §5.3): heck 0.4 case conversion with UAX #29 words,
keyword escaping, `self` -> `Self_`, `2big` -> `TooBig`. Expected values are
worked out by hand from heck's rules."""

from __future__ import annotations

import pytest

from witx_lsp.wiggle import names


@pytest.mark.parametrize(("witx", "camel"), [
    ("XMLHttp", "XmlHttp"),  # the acronym run ends before its last capital
    ("fd_read", "FdRead"),
    ("fooBar", "FooBar"),
    ("HTTPServer", "HttpServer"),
    ("ABC", "Abc"),
    ("__x__", "X"),
    ("snake_case_", "SnakeCase"),
    ("SHA256Hash", "Sha256Hash"),
    ("a2B", "A2B"),
    ("u8", "U8"),
    ("wasi_snapshot_preview1", "WasiSnapshotPreview1"),
    ("alias_to_float", "AliasToFloat"),
    ("already-kebab", "AlreadyKebab"),  # `-` separates words
])
def test_upper_camel(witx: str, camel: str) -> None:
    assert names.upper_camel(witx) == camel


@pytest.mark.parametrize(("witx", "snake", "shouty"), [
    ("XMLHttp", "xml_http", "XML_HTTP"),
    ("fooBar", "foo_bar", "FOO_BAR"),
    ("fd_datasync", "fd_datasync", "FD_DATASYNC"),
    ("IPv4Address", "i_pv4_address", "I_PV4_ADDRESS"),
    ("2big", "2big", "2BIG"),
    ("symlink_follow", "symlink_follow", "SYMLINK_FOLLOW"),
])
def test_snake_and_shouty(witx: str, snake: str, shouty: str) -> None:
    assert names.snake(witx) == snake
    assert names.shouty_snake(witx) == shouty


def test_unicode_words_join_letters_around_a_full_stop() -> None:
    # UAX #29 WB6/WB7: `a.b` is one word; `a-b` is two; underscores join.
    assert list(names.unicode_words("a.b c-d e_f")) == ["a.b", "c", "d", "e_f"]
    assert list(names.unicode_words("__")) == []  # no alphanumeric character: not a word
    assert list(names.unicode_words("1.5")) == ["1.5"]


@pytest.mark.parametrize(("witx", "rust"), [
    ("in", "in_"), ("type", "type_"), ("fn", "fn_"), ("use", "use_"), ("virtual", "virtual_"),
    ("become", "become_"), ("mut", "mut_"), ("ref", "ref_"), ("Self", "self_"), ("self", "self_"),
    ("async", "async_"), ("yield", "yield_"), ("fooBar", "foo_bar"), ("union", "union"),  # weak keyword
])
def test_snake_case_keywords_get_a_trailing_underscore(witx: str, rust: str) -> None:
    assert names.escape_snake(witx) == rust
    assert names.module_name(witx) == rust


def test_camel_case_escapes_only_self() -> None:
    assert names.type_name("self") == "Self_"
    assert names.type_name("Self") == "Self"  # not escaped: W0609 reports it
    assert names.type_name("type") == "Type"
    assert names.enum_variant("self") == "Self_"
    assert names.enum_variant("type") == "Type"


def test_2big_only_as_an_enum_variant() -> None:
    assert names.enum_variant("2big") == "TooBig"
    assert names.type_name("2big") == "2big"
    assert names.escape_snake("2big") == "2big"


def test_generated_item_names() -> None:
    assert names.flag_member("fd_datasync") == "FD_DATASYNC"
    assert names.constant_name("cookie", "start") == "COOKIE_START"
    assert names.user_error_method("errno", "RichError") == "errno_from_rich_error"
    assert names.user_error_method("errno2", "AnotherRichError") == "errno2_from_another_rich_error"
    assert names.user_error_method("nn_errno", "WasiNnError") == "nn_errno_from_wasi_nn_error"


@pytest.mark.parametrize(("ident", "problem"), [
    ("0", "Ident cannot be a number; use Literal instead"),
    ("12", "Ident cannot be a number; use Literal instead"),
    ("", "Ident is not allowed to be empty; use Option<Ident>"),
    ("2big", '"2big" is not a valid Ident'),
    ("A.b", '"A.b" is not a valid Ident'),
    ("Fd", None),
    ("_", None),
    ("self_", None),
])
def test_ident_problem(ident: str, problem: str | None) -> None:
    assert names.ident_problem(ident) == problem

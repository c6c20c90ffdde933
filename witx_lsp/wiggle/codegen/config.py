"""The configuration of `wiggle::from_witx!`, read from the macro's braced
argument text with the macro's syntax and error messages.

Mirrors bytecodealliance/wasmtime crates/wiggle/generate/src/config.rs (v13-v19:
`witx`, `witx_literal`, `errors` with `trappable`, `async`, `block_on` with its
optional `[executor]`, `wasmtime`, `tracing` with `disable_for`, `mutable`) and
the syn parsing it uses: `lookahead1` errors ("expected one of: …"), "expected
`:`", "expected string literal", "unexpected end of input, …", and
`Config::build`'s "duplicate `witx` field" / "`witx` field required".
`validate_errors` mirrors codegen_settings.rs (`No witx typename "x" found`, …).

`profile` is not part of the macro: the wasmtime release whose generator the
preview follows (5-21: the seed era; 22 and later: the memory parameter and
lifetime-free `GuestPtr`: bytecodealliance/wasmtime crates/wiggle/src/lib.rs at v21.0.0 and
v22.0.0).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen.macro_tokens import GROUP, IDENT, PUNCT, STRING, ConfigError, Token, tokenize

DEFAULT_PROFILE = 19
MIN_PROFILE = 5
DUMMY_EXECUTOR = "wiggle::run_in_dummy_executor"
Asyncness = Literal["sync", "async", "blocking"]

# syn's `accept_as_ident`: the Rust keywords (the same set names.rs escapes) and `_` do not parse as `Ident`.
_NOT_IDENT = names.KEYWORDS | {"_"}
_FIELDS = ("witx", "witx_literal", "errors", "async", "block_on", "wasmtime", "tracing", "mutable")


@dataclass(frozen=True)
class ErrorMapping:
    """`abi => Rich` (a user error) or `abi => trappable Rich` (a generated one)."""

    abi: str  # the witx typename (no `$`)
    rich: str  # the Rust path as written, without spaces
    trappable: bool = False
    start: int = 0
    end: int = 0

    @property
    def rich_ident(self) -> str | None:
        """syn `Path::get_ident`: the path when it is one plain identifier."""
        return self.rich if self.rich.isidentifier() else None


@dataclass(frozen=True)
class FunctionSet:
    """`*` or `{ module::func, module::{f, g} }` (witx names)."""

    all: bool = False
    functions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def contains(self, module: str, func: str) -> bool:
        return self.all or any(m == module and func in fs for m, fs in self.functions)


@dataclass(frozen=True)
class Config:
    witx: tuple[str, ...] = ()
    witx_literal: str | None = None
    errors: tuple[ErrorMapping, ...] = ()
    async_functions: FunctionSet = field(default_factory=FunctionSet)
    block_with: str | None = None  # set by `block_on`: the executor path
    wasmtime: bool = True
    tracing: bool = True
    tracing_disabled: FunctionSet = field(default_factory=FunctionSet)
    mutable: bool = True
    profile: int = DEFAULT_PROFILE

    def asyncness(self, module: str, func: str) -> Asyncness:
        """config.rs `AsyncConf::get`."""
        if not self.async_functions.contains(module, func):
            return "sync"
        return "blocking" if self.block_with is not None else "async"

    def tracing_enabled_for(self, module: str, func: str) -> bool:
        return self.tracing and not self.tracing_disabled.contains(module, func)

    def error_for(self, abi: str) -> ErrorMapping | None:
        return next((e for e in self.errors if e.abi == abi), None)

    def with_profile(self, profile: int) -> Config:
        return replace(self, profile=profile)


DEFAULT_CONFIG = Config()


class _Cursor:
    """A position in one token group, with syn's error conventions."""

    def __init__(self, tokens: list[Token], end: int, scope_end: int) -> None:
        self.tokens, self.i = tokens, 0
        self.end, self.scope_end = end, scope_end  # the closing delimiter (where "end of input" is reported)

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def eof(self) -> bool:
        return self.i >= len(self.tokens)

    def error(self, message: str) -> ConfigError:
        tok = self.peek()
        if tok is None:
            return ConfigError(f"unexpected end of input, {message}", self.end, self.scope_end)
        return ConfigError(message, tok.start, tok.end)

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_ident(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == IDENT and tok.text == text

    def is_punct(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == PUNCT and tok.text == text

    def is_group(self, delim: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == GROUP and tok.text == delim

    def punct(self, text: str) -> Token:
        if not self.is_punct(text):
            raise self.error(f"expected `{text}`")
        return self.next()

    def group(self, delim: str) -> _Cursor:
        if not self.is_group(delim):
            raise self.error(f"expected {Token(GROUP, delim, 0, 0).delimiter}")
        tok = self.next()
        return _Cursor(tok.children, tok.close_start, tok.end)

    def ident(self) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != IDENT:
            raise self.error("expected identifier")
        if tok.text in _NOT_IDENT:
            raise self.error(f"expected identifier, found keyword `{tok.text}`")
        return self.next()

    def lit_str(self) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != STRING:
            raise self.error("expected string literal")
        return self.next()

    def lit_bool(self) -> bool:
        tok = self.peek()
        if tok is None or tok.kind != IDENT or tok.text not in ("true", "false"):
            raise self.error("expected boolean literal")
        return self.next().text == "true"

    def lookahead_error(self, expected: list[str]) -> ConfigError:
        if len(expected) == 1:
            return self.error(f"expected {expected[0]}")
        if len(expected) == 2:
            return self.error(f"expected {expected[0]} or {expected[1]}")
        return self.error("expected one of: " + ", ".join(expected))

    def terminated(self) -> None:
        """After an item of a `Punctuated<_, Token![,]>`: the end, or a comma."""
        if not self.eof():
            self.punct(",")

    def expect_end(self) -> None:
        if not self.eof():
            raise self.error("unexpected token")


def _path(c: _Cursor) -> str:
    """syn `Path`: `[::] seg (:: seg)*`, a segment being an identifier with optional `<…>` arguments."""
    parts: list[str] = []
    if c.is_punct("::"):
        parts.append(c.next().text)
    while True:
        tok = c.peek()
        if tok is None or tok.kind != IDENT or (tok.text in _NOT_IDENT and tok.text not in ("self", "super",
                                                                                              "crate", "Self")):
            raise c.error("expected identifier")
        parts.append(c.next().text)
        if c.is_punct("<"):
            depth = 0
            while not c.eof():
                t = c.next()
                parts.append(t.text)
                depth += (t.text == "<") - (t.text == ">")
                if depth == 0:
                    break
        if not c.is_punct("::"):
            return "".join(parts)
        parts.append(c.next().text)


def _function_set(c: _Cursor) -> FunctionSet:
    """`AsyncFunctions`: `*` or braced `module::func` / `module::{f, g}` items."""
    if c.is_punct("*"):
        c.next()
        return FunctionSet(all=True)
    if not c.is_group("{"):
        raise c.lookahead_error(["curly braces", "`*`"])
    return FunctionSet(functions=_function_fields(c.group("{")))


def _function_fields(inner: _Cursor) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found: dict[str, list[str]] = {}
    while not inner.eof():
        module = inner.ident().text
        inner.punct("::")
        if inner.is_group("{"):
            names = inner.group("{")
            funcs = []
            while not names.eof():
                funcs.append(names.ident().text)
                names.terminated()
        elif inner.peek() is not None and inner.peek().kind == IDENT:  # type: ignore[union-attr]
            funcs = [inner.ident().text]
        else:
            raise inner.lookahead_error(["curly braces", "identifier"])
        found.setdefault(module, []).extend(funcs)
        inner.terminated()
    return tuple((m, tuple(fs)) for m, fs in found.items())


def _errors(c: _Cursor, text: str) -> tuple[ErrorMapping, ...]:
    inner = c.group("{")
    out: list[ErrorMapping] = []
    while not inner.eof():
        abi = inner.ident()
        inner.punct("=>")
        trappable = inner.is_ident("trappable")
        if trappable:
            inner.next()
            rich = inner.ident().text
        else:
            rich = _path(inner)
        last = inner.tokens[inner.i - 1]
        mapping = ErrorMapping(abi.text, rich, trappable, abi.start, last.end)
        prior = next((e for e in out if e.abi == mapping.abi), None)
        if prior is not None:
            raise ConfigError(f"duplicate definition of rich error type for {_ident_debug(mapping.abi, abi, text)}: "
                              f"previously defined at {_span_debug(prior.start, prior.end, text)}",
                              mapping.start, mapping.end)
        out.append(mapping)
        inner.terminated()
    return tuple(out)


def _ident_debug(name: str, tok: Token, text: str) -> str:
    return f'Ident {{ ident: "{name}", span: {_span_debug(tok.start, tok.end, text)} }}'


def _span_debug(start: int, end: int, text: str) -> str:
    """How rustc prints a span's Debug: `#0 bytes(S..E)` (UTF-8 byte offsets)."""
    b0, b1 = len(text[:start].encode("utf-8")), len(text[:end].encode("utf-8"))
    return f"#0 bytes({b0}..{b1})"


def parse_config(text: str, *, require_witx: bool = True, profile: int = DEFAULT_PROFILE) -> Config:
    """The macro's argument (`{ witx: [...], ... }`) as a `Config`; raises ConfigError.
    `require_witx=False` accepts a configuration without `witx` (the files come from elsewhere)."""
    top = _Cursor(tokenize(text), len(text), len(text))
    body = top.group("{")
    top.expect_end()
    seen: set[str] = set()
    kwargs: dict[str, Any] = {"profile": profile}
    duplicate: ConfigError | None = None
    while not body.eof():
        tok = body.peek()
        assert tok is not None
        key = tok.text if tok.kind == IDENT and tok.text in _FIELDS else None
        if key is None:
            raise body.lookahead_error([f"`{f}`" for f in _FIELDS])
        body.next()
        executor = None
        if key == "block_on" and body.is_group("["):
            bracket = body.next()
            executor = text[bracket.start + 1:bracket.close_start].strip()
        body.punct(":")
        value: dict[str, Any]
        if key == "witx":
            lits = body.group("[")
            paths = []
            while not lits.eof():
                paths.append(lits.lit_str().value)
                lits.terminated()
            value = {"witx": tuple(paths)}
        elif key == "witx_literal":
            value = {"witx_literal": body.lit_str().value}
        elif key == "errors":
            value = {"errors": _errors(body, text)}
        elif key in ("async", "block_on"):
            block_with = (executor or DUMMY_EXECUTOR) if key == "block_on" else None
            value = {"async_functions": _function_set(body), "block_with": block_with}
        elif key == "tracing":
            value = {"tracing": body.lit_bool()}
            if body.is_ident("disable_for"):
                body.next()
                value["tracing_disabled"] = FunctionSet(functions=_function_fields(body.group("{")))
        else:
            value = {key: body.lit_bool()}
        slot = {"witx_literal": "witx", "block_on": "async"}.get(key, key)
        if slot in seen:
            # Config::build reports the first duplicate once every field has parsed.
            duplicate = duplicate or ConfigError(f"duplicate `{slot}` field", tok.start, tok.end)
        else:
            seen.add(slot)
            kwargs.update(value)
        body.terminated()
    if duplicate is not None:
        raise duplicate
    if require_witx and "witx" not in seen:
        raise ConfigError("`witx` field required", len(text), len(text))
    return Config(**kwargs)


_ENV_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def witx_paths(config: Config, manifest_dir: str) -> list[str]:
    """The `witx` paths as the macro reads them: `$VAR` / `${VAR}` expanded (`shellexpand::env`, with
    `CARGO_MANIFEST_DIR` = `manifest_dir` unless set), relative paths taken from `manifest_dir` (cargo runs
    the compiler in the crate's directory). An unset variable is a ConfigError, as the macro panics."""
    out = []
    for raw in config.witx:
        def var(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(2)
            value = os.environ.get(name, manifest_dir if name == "CARGO_MANIFEST_DIR" else None)
            if value is None:
                raise ConfigError(f"shell expansion: error looking key '{name}' up: environment variable not found")
            return value

        path = _ENV_RE.sub(var, raw)
        out.append(os.path.normpath(os.path.join(manifest_dir, path)))
    return out


def validate_errors(config: Config, typenames: set[str]) -> list[ConfigError]:
    """codegen_settings.rs `ErrorTransform::new`: what makes the macro panic with
    "validating codegen settings" for this document."""
    problems: list[ConfigError] = []
    rich_seen: dict[str, ErrorMapping] = {}
    for e in config.errors:
        if e.abi not in typenames:
            problems.append(ConfigError(f'No witx typename "{e.abi}" found', e.start, e.end))
            continue
        if e.trappable:
            continue
        ident = e.rich_ident
        if ident is None:
            problems.append(ConfigError("rich error type must be identifier for now - TODO add ability to provide "
                                        f"a corresponding identifier: bytes({e.start}..{e.end})", e.start, e.end))
            continue
        if ident in rich_seen:
            prior = rich_seen[ident]
            problems.append(ConfigError(f"duplicate rich type identifier of {ident} not allowed. prior definition "
                                        f"at bytes({prior.start}..{prior.end})", e.start, e.end))
            continue
        rich_seen[ident] = e
    return problems


__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_PROFILE",
    "DUMMY_EXECUTOR",
    "Asyncness",
    "Config",
    "ConfigError",
    "ErrorMapping",
    "FunctionSet",
    "parse_config",
    "validate_errors",
    "witx_paths",
]

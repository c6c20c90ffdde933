"""The wiggle preview: the `witx.previewHostSignatures` command (the Rust
`wiggle::from_witx!` generates for a document, which the VS Code client shows as a
read-only virtual Rust document), the "Preview host signature" code lens over
each function, and the configuration of the preview hovers. A thin adapter over
witx_lsp.features.preview.

Command arguments: `uri [, config text [, wasmtime release]]`, or one object
`{"uri", "config"?, "wiggle"?}`; the config text is the macro's braced argument
(default: the `witx.preview.config` setting). Result: `{"rust": str}`.

The code lens joins the lenses of the server's code-lens handler (registered by
handlers_info): pygls allows one handler per method, so the one registered
first is wrapped (see `_add_lenses`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.features.preview import (
    PREVIEW_HOST_SIGNATURES,
    preview_lenses,
    preview_rust,
    read_config,
    set_hover_config,
)
from witx_lsp.server import convert
from witx_lsp.server.app import WitxServer
from witx_lsp.wiggle.codegen import DEFAULT_PROFILE

log = logging.getLogger("witx_lsp.server")


def _args(ls: WitxServer, args: tuple[Any, ...]) -> tuple[str, str | None, int]:
    """The URI, the configuration text and the wasmtime release of the command's arguments."""
    if not args:
        raise JsonRpcInvalidParams("expected the document URI as the first argument")
    first, rest = args[0], args[1:]
    if isinstance(first, dict):
        doc = first.get("textDocument")
        uri = first.get("uri") or (doc.get("uri") if isinstance(doc, dict) else None)
        config, wiggle = first.get("config"), first.get("wiggle", DEFAULT_PROFILE)
    else:
        uri = first
        config = rest[0] if rest else None
        wiggle = rest[1] if len(rest) > 1 else DEFAULT_PROFILE
        if len(rest) > 2:
            raise JsonRpcInvalidParams("expected at most three arguments: the URI, a configuration, a release")
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams("expected the document URI (a string)")
    if config is not None and not isinstance(config, str):
        raise JsonRpcInvalidParams("expected the configuration as the wiggle::from_witx! argument text")
    if isinstance(wiggle, str) and wiggle.isdigit():
        wiggle = int(wiggle)
    if not isinstance(wiggle, int) or isinstance(wiggle, bool) or not 5 <= wiggle <= 99:
        raise JsonRpcInvalidParams("expected the wasmtime release as an integer from 5")
    return uri, config if config is not None else (ls.settings.preview_config or None), wiggle


def _lsp_lenses(ls: WitxServer, uri: str) -> list[types.CodeLens]:
    if not ls.settings.lens_preview:
        return []
    snap = ls.snapshot(uri)
    if snap is None:
        return []
    lines, enc = snap.lines, ls.encoding
    return [types.CodeLens(range=convert.span_range(lines, lens.span, enc),
                           command=types.Command(title=lens.title, command=lens.command, arguments=[uri]))
            for lens in preview_lenses(snap)]


def _add_lenses(server: WitxServer) -> None:
    """Append the preview lenses to the code-lens handler already registered, or register one."""
    features: dict[str, Callable[..., Any]] = server.protocol.fm.features
    original = features.get(types.TEXT_DOCUMENT_CODE_LENS)
    if original is None:
        @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
        def on_code_lens(ls: WitxServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
            return _lsp_lenses(ls, params.text_document.uri)
        return

    def merge(found: list[types.CodeLens] | None, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        try:
            extra = _lsp_lenses(server, params.text_document.uri)
        except Exception:  # a lens is never worth an error reply
            log.exception("preview code lenses failed")
            extra = []
        if not extra:
            return found
        return sorted([*(found or []), *extra], key=lambda lens: (lens.range.start.line, lens.range.start.character))

    if asyncio.iscoroutinefunction(original):
        async def combined_async(params: types.CodeLensParams) -> list[types.CodeLens] | None:
            return merge(await original(params), params)
        features[types.TEXT_DOCUMENT_CODE_LENS] = combined_async
    else:
        def combined(params: types.CodeLensParams) -> list[types.CodeLens] | None:
            return merge(original(params), params)
        features[types.TEXT_DOCUMENT_CODE_LENS] = combined


def register(server: WitxServer) -> None:
    apply_settings = server.apply_settings

    def apply_with_preview(raw: Any) -> None:
        apply_settings(raw)
        error = set_hover_config(server.settings.preview_config or None)
        if error is not None:
            log.warning("witx.preview.config: %s; hovers use the default configuration", error)

    server.apply_settings = apply_with_preview  # type: ignore[method-assign]

    @server.command(PREVIEW_HOST_SIGNATURES)
    def preview_host_signatures(ls: WitxServer, *args: Any) -> dict[str, str]:
        uri, text, wiggle = _args(ls, args)
        try:
            snap = ls.snapshot(uri)
        except (OSError, ValueError):
            snap = None
        if snap is None:
            raise JsonRpcInvalidParams(f"unknown document: {uri}")
        config, error = read_config(text, wiggle)
        return {"rust": preview_rust(snap.analysis, config, error)}

    _add_lenses(server)

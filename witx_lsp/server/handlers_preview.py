"""The wiggle preview: the `witx.previewHostSignatures` command (the Rust
`wiggle::from_witx!` generates for a document, which the VS Code client shows as a
read-only virtual Rust document), the "Preview host signature" code lens over
each function, and the configuration of the preview hovers. A thin adapter over
witx_lsp.features.preview.

Command arguments: `uri [, config text [, wasmtime release]]`, or one object
`{"uri", "config"?, "wiggle"?}`; the config text is the macro's braced argument
(default: the `witx.preview.config` setting). Result: `{"rust": str}`.

The "Preview host signature" lenses are served by the one code-lens handler
(handlers_info), from `features.preview.preview_lenses`; their `"open": true` makes
the command write the Rust to a file and ask the client to show it (server/views.py).
"""

from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.features.preview import (
    preview_rust,
    read_config,
)
from witx_lsp.server import views
from witx_lsp.server.app import WitxServer
from witx_lsp.server.command_args import uri_field
from witx_lsp.server.options import Settings
from witx_lsp.wiggle.codegen import DEFAULT_PROFILE

log = logging.getLogger("witx_lsp.server")


def _args(ls: WitxServer, args: tuple[Any, ...]) -> tuple[str, str | None, int]:
    """The URI, the configuration text and the wasmtime release of the command's arguments."""
    if not args:
        raise JsonRpcInvalidParams("expected the document URI as the first argument")
    first, rest = args[0], args[1:]
    if isinstance(first, dict):
        uri = uri_field(first)
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


def warn_invalid_config(ls: WitxServer, settings: Settings) -> None:
    """A settings listener: an invalid `witx.preview.config` is logged once per change."""
    _, error = read_config(settings.preview_config or None)
    if error is not None:
        log.warning("witx.preview.config: %s; hovers use the default configuration", error)


def preview_host_signatures(ls: WitxServer, *args: Any) -> dict[str, str]:
    uri, text, wiggle = _args(ls, args)
    snap = ls.require_snapshot(uri)
    config, error = read_config(text, wiggle)
    rust = preview_rust(snap.analysis, config, error)
    if views.wants_open(args):  # from the lens: show it (server/views.py)
        views.show_text(ls, uri, "host.rs", rust)
    return {"rust": rust}

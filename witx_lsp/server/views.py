"""Showing a command's result in any LSP client: the text is written to a file under
the user cache directory and the client is asked to open it (`window/showDocument`,
LSP 3.16; Neovim 0.11 and VS Code implement it), or, when the client cannot, told
where it is (`window/showMessage`).

A client runs a code lens' command with `workspace/executeCommand` and, except for
the VS Code extension (which intercepts its own commands and shows richer views),
drops the result (Neovim 0.11, runtime/lua/vim/lsp/codelens.lua). So the lenses ask
for this with an `"open": true` field in their first argument; the same commands
called without it (the VS Code views) only return their result.

Files: `$WITX_LSP_VIEWS_DIR`, else `<user cache>/witx-lsp/views/`, one per source
file and view (`<stem>-<hash of the source path>.<view>`), overwritten each time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from lsprotocol import types

from witx_lsp.server import convert
from witx_lsp.server.app import WitxServer
from witx_lsp.server.codecache import user_cache_dir

log = logging.getLogger("witx_lsp.server")

ENV = "WITX_LSP_VIEWS_DIR"
OPEN = "open"  # the field of a command's first argument that asks for the result to be shown


def wants_open(args: tuple[Any, ...]) -> bool:
    return bool(args) and isinstance(args[0], dict) and args[0].get(OPEN) is True


def views_dir() -> Path | None:
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    root = user_cache_dir()
    return root / "views" if root is not None else None


def view_path(source_uri: str, view: str) -> Path | None:
    """Where the view `view` (a file name suffix such as `layout.txt`) of a source file goes."""
    directory = views_dir()
    if directory is None:
        return None
    source = convert.uri_to_path(source_uri)
    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = Path(source).stem or "untitled"
    return directory / f"{stem}-{digest}.{view}"


def write_view(source_uri: str, view: str, text: str) -> Path:
    """Write `text` as the view `view` of a source file, atomically (an editor that has the file
    open never reads half of it); raises OSError when there is nowhere to write it."""
    path = view_path(source_uri, view)
    if path is None:
        raise OSError("no user cache directory (set WITX_LSP_VIEWS_DIR)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def show_text(ls: WitxServer, source_uri: str, view: str, text: str) -> str | None:
    """Write `text` as the view `view` of a source file and show it in the client; the URI
    of the file written (None when there is nowhere to write it: the user is told why)."""
    try:
        path = write_view(source_uri, view, text)
    except OSError as e:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                       message=f"witx: cannot write the {view} view: {e}"))
        return None
    uri = path.as_uri()
    if ls.client_flag("window", "show_document", "support", default=False):
        asyncio.get_running_loop().create_task(_show_document(ls, uri))
    else:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=f"witx: wrote {path}"))
    return uri


async def _show_document(ls: WitxServer, uri: str) -> None:
    try:
        result = await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
        if not result.success:
            log.info("the client did not show %s", uri)
    except Exception:  # the client refused the request: the file is still there
        log.info("window/showDocument failed for %s", uri, exc_info=True)

"""`witx.showWit`: the WIT package of a document (a thin adapter over
witx_lsp.features.wit_view), and the files it writes for editors without virtual documents.

Arguments: `uri`, or one object `{"uri", "package"?, "handles"?, "open"?}`. Result:
`{"wit", "package", "world", "diagnostics": [LSP diagnostics of the conversion], "uri"}`.

With `"open": true` (what the "Show as WIT" lens sends, as the other lenses that open views
do), the server writes the WIT to a file under the user's cache directory
($WITX_LSP_VIEWS_DIR, else <cache>/witx-lsp/views/) and asks the client to open it
(`window/showDocument`); `uri` is that file's URI. From then on every publication of the witx
document rewrites the file, so the WIT follows the edits. Without it (the VS Code extension,
which shows the text as a virtual document) only the result is returned.
"""

from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.features.snapshot import Snapshot
from witx_lsp.features.wit_view import WitViewError, wit_view
from witx_lsp.server import convert, views
from witx_lsp.server.app import WitxServer

log = logging.getLogger("witx_lsp.server")


def _args(args: tuple[Any, ...]) -> tuple[str, str | None, str, bool]:
    if len(args) != 1:
        raise JsonRpcInvalidParams("expected one argument: the document URI or {uri, package?, handles?, open?}")
    first = args[0]
    if isinstance(first, str):
        return first, None, "resource", False
    if not isinstance(first, dict) or not isinstance(first.get("uri"), str):
        raise JsonRpcInvalidParams("expected the document URI (a string)")
    package, handles, open_ = first.get("package"), first.get("handles", "resource"), first.get("open", False)
    if (package is not None and not isinstance(package, str)) or not isinstance(handles, str) \
            or not isinstance(open_, bool):
        raise JsonRpcInvalidParams("expected package: string, handles: \"resource\" | \"u32\", open: boolean")
    return first["uri"], package, handles, open_


def refresh_followed(ls: WitxServer, uri: str, snap: Snapshot) -> None:
    """A publish listener: the WIT file shown for a witx document follows its edits."""
    entry = ls.handler_state.wit_followed.get(uri)
    if entry is None:
        return
    package, handles = entry
    try:
        view = wit_view(snap, package, handles)
        views.write_view(uri, "wit", view.text)
    except WitViewError:
        return
    except OSError as e:
        log.warning("cannot update the WIT view of %s: %s", uri, e)


def show_wit(ls: WitxServer, *args: Any) -> dict[str, object]:
    uri, package, handles, open_ = _args(args)
    snap = ls.require_snapshot(uri)
    try:
        view = wit_view(snap, package, handles)
    except WitViewError as e:
        raise JsonRpcInvalidParams(str(e)) from None
    diags = [convert.diagnostic(d, ls.lines_of(snap), ls.encoding) for d in view.diagnostics]
    file_uri = None
    if open_:
        file_uri = views.show_text(ls, uri, "wit", view.text)
        if file_uri is not None:
            ls.handler_state.wit_followed[uri] = (package, handles)
    return {"wit": view.text, "package": view.package, "world": view.world,
            "diagnostics": diags, "uri": file_uri}

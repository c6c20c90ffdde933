"""Document sync and files changed on disk: `textDocument/didOpen`, `didChange`,
`didClose`, `didSave` and `workspace/didChangeWatchedFiles`. The protocol adapter
(`protocol.py` over `documents.py`) has applied the change to the open document
before these run; they hand the text to the analysis host and schedule the
diagnostics of the documents it affects."""

from __future__ import annotations

from lsprotocol import types

from witx_lsp.server.app import WitxServer


def did_open(ls: WitxServer, params: types.DidOpenTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    ls.uri_of[path] = params.text_document.uri
    ls.index.add_neighbours(path)
    ls.schedule_diagnostics(ls.open_uris(ls.host.set_text(path, params.text_document.text)))


def did_change(ls: WitxServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.document_edited(params.text_document.uri)


def did_close(ls: WitxServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = ls.path_of(uri)
    if (task := ls.pending.pop(uri, None)) is not None:
        task.cancel()
    affected = ls.host.overlay_close(path)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.schedule_diagnostics([u for u in ls.open_uris(affected) if u != uri])


def did_save(ls: WitxServer, params: types.DidSaveTextDocumentParams) -> None:
    return None


def did_change_watched_files(ls: WitxServer, params: types.DidChangeWatchedFilesParams) -> None:
    touched: set[str] = set()
    for change in params.changes:
        path = ls.path_of(change.uri)
        if change.type == types.FileChangeType.Deleted:
            affected = ls.host.remove_file(path)
        else:
            if change.type == types.FileChangeType.Created:
                ls.host.add_files([path])
            affected = ls.host.file_changed_on_disk(path)
        touched.update(ls.open_uris(affected))
    ls.schedule_diagnostics(sorted(touched))

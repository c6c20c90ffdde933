"""Diagnostics by pull: `textDocument/diagnostic` and `workspace/diagnostic`,
served only to a client that pulls (`channel.py`; a push client gets
`textDocument/publishDiagnostics` from `WitxServer.publish`)."""

from __future__ import annotations

import hashlib

from lsprotocol import types

from witx_lsp.server.app import WitxServer


async def document_diagnostic(ls: WitxServer,
                              params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    await ls.index.wait()  # never judge a file before its includers are known
    items = ls.document_diagnostics(params.text_document.uri) or []  # also E0404 of a huge buffer
    result_id = _result_id(items)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


async def workspace_diagnostic(ls: WitxServer,
                               params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    await ls.index.wait()
    previous = {p.uri: p.value for p in params.previous_result_ids}
    reports: list[types.WorkspaceDocumentDiagnosticReport] = []
    for path in sorted(ls.host.known):
        uri = ls.uri_for(path)
        snap = ls.snapshot(uri)
        if snap is None:
            continue
        items = ls.lsp_diagnostics(snap)
        rid = _result_id(items)
        version = ls.version_of(uri)
        if previous.get(uri) == rid:
            reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version,
                                                                            result_id=rid))
        else:
            reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=version, items=items,
                                                                       result_id=rid))
    return types.WorkspaceDiagnosticReport(items=reports)


def _result_id(items: list[types.Diagnostic]) -> str:
    h = hashlib.sha1()
    for d in items:
        h.update(f"{d.range}{d.code}{d.severity}{d.message}".encode("utf-8", "surrogatepass"))  # lone surrogates
    return h.hexdigest()[:16]

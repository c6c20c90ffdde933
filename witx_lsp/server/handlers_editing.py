"""Editing features: completion, semantic tokens (full and delta), formatting
(document and range) and code actions. Thin adapters over witx_lsp.features:
positions are converted in the negotiated encoding, unknown documents get
empty answers.

Completion triggers on `$`, `(` and `@` (not on space: a space is typed
everywhere, comments included, and popping a list after each one is noise;
clients still ask on demand; the characters are registered with the handler, in
registry.py)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import Span
from witx_lsp.base.text import LineMap
from witx_lsp.features import code_actions as actions_feature
from witx_lsp.features.completion import CompletionItem, complete
from witx_lsp.features.completion_filter import filter_and_rank, rank_texts
from witx_lsp.features.format_options import FormatOptions
from witx_lsp.features.formatting import format_document, format_range
from witx_lsp.features.semantic_tokens import delta, semantic_tokens
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.server import convert
from witx_lsp.server.app import WitxServer

_KIND = {
    "typename": types.CompletionItemKind.Struct,  # of an unknown kind (a typename that failed validation)
    "builtin": types.CompletionItemKind.TypeParameter,
    "keyword": types.CompletionItemKind.Keyword,
    "annotation": types.CompletionItemKind.Keyword,
    "snippet": types.CompletionItemKind.Snippet,
    "enumMember": types.CompletionItemKind.EnumMember,
}
# Each kind of typename its own icon (features/completion_scope.typename_kind).
_TYPENAME_KIND = {
    "record": types.CompletionItemKind.Struct,
    "tuple": types.CompletionItemKind.Struct,
    "enum": types.CompletionItemKind.Enum,
    "flags": types.CompletionItemKind.Constant,
    "variant": types.CompletionItemKind.Class,
    "handle": types.CompletionItemKind.Interface,
    "alias": types.CompletionItemKind.Reference,
    "list": types.CompletionItemKind.Value,
    "string": types.CompletionItemKind.Value,
    "pointer": types.CompletionItemKind.Value,
}


def completion(ls: WitxServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    snap = ls.snapshot(uri)
    if snap is None:
        return None
    offset = convert.offset(snap.lines, params.position, ls.encoding)
    snippets = bool(ls.client_flag("text_document", "completion", "completion_item", "snippet_support",
                                   default=False))
    # Documentation is sent on completionItem/resolve when the client asks for it that way:
    # the list stays small, which keeps typing responsive.
    resolve = ls.client_flag("text_document", "completion", "completion_item", "resolve_support", "properties",
                             default=())
    lazy = "documentation" in (resolve or ())
    candidates = complete(snap, offset)
    found, incomplete = filter_and_rank(candidates, [snap.text[i.replace.start:offset] for i in candidates])
    ls.handler_state.completion = (uri, tuple(found))
    # One replace range for the whole list when the client takes list defaults (LSP 3.17):
    # each item then carries only what differs from its label.
    spans = {item.replace for item in found}
    defaults = ls.client_flag("text_document", "completion", "completion_list", "item_defaults", default=())
    shared = len(spans) == 1 and "editRange" in (defaults or ())
    ranges = {span: convert.span_range(snap.lines, span, ls.encoding) for span in spans}
    items = []
    for index, (item, rank) in enumerate(zip(found, rank_texts(len(found)), strict=True)):
        lsp = _completion_item(item, snippets, None if shared else ranges[item.replace], with_docs=not lazy)
        lsp.sort_text = rank  # the server's ranking (completion_filter)
        if lazy and item.documentation:
            lsp.data = index  # resolved from the state's `completion`: the items are small on the wire
        items.append(lsp)
    item_defaults = types.CompletionItemDefaults(edit_range=ranges[spans.pop()]) if shared else None
    return types.CompletionList(is_incomplete=incomplete, items=items, item_defaults=item_defaults)


def completion_resolve(ls: WitxServer, item: types.CompletionItem) -> types.CompletionItem:
    index = item.data
    shown = ls.handler_state.completion
    if shown is None or not isinstance(index, int) or isinstance(index, bool):
        return item
    _, found = shown
    if 0 <= index < len(found) and found[index].label == item.label and found[index].documentation:
        item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=found[index].documentation)
    return item


def semantic_tokens_full(ls: WitxServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    uri = params.text_document.uri
    snap = ls.snapshot(uri)
    data = semantic_tokens(snap, ls.encoding) if snap is not None else []
    return types.SemanticTokens(data=data, result_id=ls.handler_state.tokens.store(uri, data))


def semantic_tokens_delta(ls: WitxServer, params: types.SemanticTokensDeltaParams
                          ) -> types.SemanticTokens | types.SemanticTokensDelta:
    uri = params.text_document.uri
    snap = ls.snapshot(uri)
    data = semantic_tokens(snap, ls.encoding) if snap is not None else []
    cache = ls.handler_state.tokens
    previous = cache.get(uri, params.previous_result_id)
    result_id = cache.store(uri, data)
    if previous is None:
        return types.SemanticTokens(data=data, result_id=result_id)
    edits = [types.SemanticTokensEdit(start=e.start, delete_count=e.delete_count, data=list(e.data))
             for e in delta(previous, data)]
    return types.SemanticTokensDelta(edits=edits, result_id=result_id)


def formatting(ls: WitxServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None or snap.file is None:
        return None
    edits = format_document(snap.text, _format_options(params.options), snap.file.tree)
    return _text_edits(ls, snap, edits) if edits is not None else None


def range_formatting(ls: WitxServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None or snap.file is None:
        return None
    span = convert.range_offsets(snap.lines, params.range, ls.encoding)
    edits = format_range(snap.text, span, _format_options(params.options), snap.file.tree)
    return _text_edits(ls, snap, edits) if edits is not None else None


def code_action(ls: WitxServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    span = convert.range_offsets(snap.lines, params.range, ls.encoding)
    only = tuple(str(getattr(k, "value", k)) for k in params.context.only) if params.context.only else None
    found = actions_feature.code_actions(snap, span, only)
    return [_code_action(ls, snap, a, params.context.diagnostics) for a in found]


def _completion_kind(item: CompletionItem) -> types.CompletionItemKind:
    if item.kind == "typename" and item.type_kind in _TYPENAME_KIND:
        return _TYPENAME_KIND[item.type_kind]
    return _KIND.get(item.kind, types.CompletionItemKind.Text)


def _completion_item(item: CompletionItem, snippets: bool, replace: types.Range | None,
                     with_docs: bool = True) -> types.CompletionItem:
    """The LSP item; with `replace` None the list's default edit range applies. Fields equal
    to what the client assumes anyway (plain text, filter text = label) are left out."""
    use_snippet = snippets and item.snippet is not None
    text = item.snippet if use_snippet and item.snippet is not None else item.insert_text
    return types.CompletionItem(
        label=item.label,
        kind=_completion_kind(item),
        detail=item.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
        if item.documentation and with_docs else None,
        filter_text=item.filter_text if item.filter_text != item.label else None,
        sort_text=item.sort_text,
        insert_text_format=types.InsertTextFormat.Snippet if use_snippet else None,
        text_edit=types.TextEdit(range=replace, new_text=text) if replace is not None else None,
        text_edit_text=text if replace is None and text != item.label else None,
    )


def _format_options(o: types.FormattingOptions) -> FormatOptions:
    return FormatOptions(tab_size=o.tab_size, insert_spaces=o.insert_spaces,
                         trim_trailing_whitespace=bool(o.trim_trailing_whitespace),
                         insert_final_newline=bool(o.insert_final_newline),
                         trim_final_newlines=bool(o.trim_final_newlines))


def _text_edits(ls: WitxServer, snap: Snapshot, edits: list[tuple[Span, str]]) -> list[types.TextEdit]:
    return [types.TextEdit(range=convert.span_range(snap.lines, span, ls.encoding), new_text=text)
            for span, text in edits]


def _code_action(ls: WitxServer, snap: Snapshot, action: actions_feature.CodeAction,
                 sent: Any) -> types.CodeAction:
    lines = ls.lines_of(snap)
    enc = ls.encoding
    snippet_ok = bool(ls.client_flag("workspace", "workspace_edit", "snippet_edit_support", default=False))
    edit: types.WorkspaceEdit
    if snippet_ok and action.snippet_edits:
        changes: list[types.TextDocumentEdit] = []
        for path, edits in action.snippet_edits.items():
            uri = ls.uri_for(path)
            changes.append(types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=ls.version_of(uri)),
                edits=[types.SnippetTextEdit(range=convert.span_range(lines(path), span, enc),
                                             snippet=types.StringValue(value=text)) for span, text in edits]))
        edit = types.WorkspaceEdit(document_changes=changes)
    else:
        edit = types.WorkspaceEdit(changes={
            ls.uri_for(path): [types.TextEdit(range=convert.span_range(lines(path), span, enc), new_text=text)
                               for span, text in edits]
            for path, edits in action.edits.items()})
    return types.CodeAction(
        title=action.title,
        kind=types.CodeActionKind.QuickFix if action.kind == actions_feature.QUICKFIX else action.kind,
        diagnostics=[_client_diagnostic(ls, lines, d, sent) for d in action.diagnostics] or None,
        edit=edit,
        is_preferred=action.preferred or None,
    )


def _client_diagnostic(ls: WitxServer, lines_of: LineMap, d: Diagnostic, sent: Any) -> types.Diagnostic:
    """The client's own copy of a diagnostic when the request carries it."""
    converted = convert.diagnostic(d, lines_of, ls.encoding)
    for c in sent or ():
        if c.code == d.code and c.range == converted.range:
            return c  # type: ignore[no-any-return]
    return converted

"""Information about the code: hover, inlay hints, code lenses and the commands
witx.showLayout, witx.renderDocs, witx.showSyntaxTree and witx.showAbi. Thin adapters
over witx_lsp.features.{hover, inlay_hints, code_lens, commands}.

The lenses pass `{"uri": ..., "open": true}` as their first argument: the command then
also shows its result in the client (server/views.py), since most clients drop the
result of a lens' command."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from witx_lsp.features import commands
from witx_lsp.features.code_lens import LensOptions, code_lenses
from witx_lsp.features.hover import HoverOptions, hover
from witx_lsp.features.inlay_hints import PARAMETER, InlayOptions, inlay_hints
from witx_lsp.features.preview import preview_lenses, read_config
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.features.wit_view import LENS_TITLE as WIT_LENS_TITLE
from witx_lsp.features.wit_view import SHOW_WIT, wit_lenses
from witx_lsp.printers import DocsError
from witx_lsp.server import convert, views
from witx_lsp.server.app import WitxServer
from witx_lsp.server.command_args import position_offset, uri_arg
from witx_lsp.server.protocol import RequestFailed

log = logging.getLogger("witx_lsp.server")


def _markdown_ok(ls: WitxServer) -> bool:
    formats = ls.client_flag("text_document", "hover", "content_format", default=None)
    return not formats or types.MarkupKind.Markdown in formats


@functools.lru_cache(maxsize=4)
def hover_options(rust: bool, preview_config: str) -> HoverOptions:
    """The hover options of the settings `witx.hover.rust` and `witx.preview.config` (an invalid
    configuration is reported once by the preview handlers and read as the defaults)."""
    return HoverOptions(rust=rust, config=read_config(preview_config or None)[0])


def on_hover(ls: WitxServer, params: types.HoverParams) -> types.Hover | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    lines, enc = snap.lines, ls.encoding
    try:
        options = hover_options(ls.settings.hover_rust, ls.settings.preview_config)
        result = hover(snap, convert.offset(lines, params.position, enc), options)
    except Exception:  # a hover is never worth an error popup
        log.exception("hover failed")
        return None
    if result is None:
        return None
    kind = types.MarkupKind.Markdown if _markdown_ok(ls) else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=result.markdown),
                       range=convert.span_range(lines, result.span, enc))


def on_inlay_hint(ls: WitxServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    lines, enc, s = snap.lines, ls.encoding, ls.settings
    span = convert.range_offsets(lines, params.range, enc)
    hints = inlay_hints(snap, span, InlayOptions(s.inlay_offsets, s.inlay_values, s.inlay_tags))
    return [types.InlayHint(
        position=convert.position(lines, h.offset, enc), label=h.label,
        kind=types.InlayHintKind.Parameter if h.kind == PARAMETER else types.InlayHintKind.Type,
        tooltip=h.tooltip or None, padding_left=h.padding_left or None, padding_right=h.padding_right or None)
        for h in hints]


def on_code_lens(ls: WitxServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    uri = params.text_document.uri
    snap = ls.snapshot(uri)
    if snap is None:
        return None
    lines, enc, s = snap.lines, ls.encoding, ls.settings
    out = []
    shown = {"uri": uri, views.OPEN: True}
    for lens in code_lenses(snap, LensOptions(s.lens_layout, s.lens_signature)):
        args: list[Any] | None = [shown, lens.type_name] if lens.type_name is not None else None
        out.append(types.CodeLens(range=convert.span_range(lines, lens.span, enc),
                                  command=types.Command(title=lens.title, command=lens.command, arguments=args)))
    if s.lens_preview:
        for p in preview_lenses(snap):
            out.append(types.CodeLens(range=convert.span_range(lines, p.span, enc), command=types.Command(
                title=p.title, command=p.command, arguments=[shown])))
    if s.lens_wit:
        out += [types.CodeLens(range=convert.span_range(lines, span, enc), command=types.Command(
            title=WIT_LENS_TITLE, command=SHOW_WIT, arguments=[shown]))
            for span in wit_lenses(snap)]
    out.sort(key=lambda lens: (lens.range.start.line, lens.range.start.character))
    return out


def show_layout(ls: WitxServer, *args: Any) -> dict[str, object] | None:
    """Arguments: uri [, type name | position], or {"uri", "type"?, "position"?}."""
    uri, named, rest = uri_arg(args)
    snap = ls.snapshot(uri)
    if snap is None:
        return None
    target = rest[0] if rest else named.get("type", named.get("name", named.get("position")))
    if len(rest) > 1:
        raise JsonRpcInvalidParams("expected at most two arguments: the URI and a type name or position")
    if target is None:
        result = commands.show_layout(snap)
    elif isinstance(target, str):
        result = commands.show_layout(snap, type_name=target)
    else:
        result = commands.show_layout(snap, offset=position_offset(snap.lines, target, ls.encoding))
    if result is not None and views.wants_open(args):
        name = target.removeprefix("$") if isinstance(target, str) else "all"
        views.show_text(ls, uri, f"{name}.layout.txt", str(result["text"]))
    return result


def render_docs(ls: WitxServer, *args: Any) -> str | None:
    """Arguments: uri. The docs.md Markdown of the document the file belongs to."""
    return _document_view(ls, args, "docs.md", _docs_markdown)


def show_syntax_tree(ls: WitxServer, *args: Any) -> str | None:
    """Arguments: uri. The S-expression tree with ranges in the negotiated encoding."""
    return _document_view(ls, args, "tree.txt", lambda snap: commands.syntax_tree_text(snap, ls.encoding))


def show_abi(ls: WitxServer, *args: Any) -> str:
    """Arguments: uri [, function (`name` or `module::name`)]. The core signature and the
    instruction streams of the document's functions."""
    uri, named, rest = uri_arg(args)
    if len(rest) > 1:
        raise JsonRpcInvalidParams("expected at most two arguments: the URI and a function name")
    func = rest[0] if rest else named.get("func")
    if func is not None and not isinstance(func, str):
        raise JsonRpcInvalidParams("expected the function name as a string")
    text = commands.abi_text(ls.require_snapshot(uri), func)
    if views.wants_open(args):
        views.show_text(ls, uri, f"{(func or 'all').replace('::', '.')}.abi.txt", text)
    return text


def _document_view(ls: WitxServer, args: tuple[Any, ...], view: str,
                   make: Callable[[Snapshot], str]) -> str | None:
    """A command whose one argument is the document: its text view (`None` for an unknown
    document), also shown in the client when the argument asks for it."""
    uri, _, rest = uri_arg(args)
    if rest:
        raise JsonRpcInvalidParams("expected one argument: the document URI")
    snap = ls.snapshot(uri)
    if snap is None:
        return None
    text = make(snap)
    if views.wants_open(args):
        views.show_text(ls, uri, view, text)
    return text


def _docs_markdown(snap: Snapshot) -> str:
    try:
        return commands.render_docs_markdown(snap.analysis)
    except DocsError as e:  # where the reference's renderer panics: a refusal, not a server fault
        raise RequestFailed(f"cannot render docs: {e}") from e

"""Editing features end to end, one server for the module: completion,
semantic tokens (full, then delta after an edit), formatting and range
formatting, and code actions (the whole-file migration of witx 0.8)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND
from witx_lsp.base.text import LineIndex, Position, PositionEncoding

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("edit")
    (root / "types.witx").write_text(";;; A size.\n(typename $size u32)\n")

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def root_of(client: LanguageClient) -> Path:
    return client.root  # type: ignore[attr-defined, no-any-return]


def open_doc(client: LanguageClient, name: str, text: str) -> str:
    uri = (root_of(client) / name).as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="witx", version=1, text=text)))
    return uri


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    lines = LineIndex(text)

    def off(p: types.Position) -> int:
        return lines.offset(Position(p.line, p.character), PositionEncoding.UTF16)

    for e in sorted(edits, key=lambda e: off(e.range.start), reverse=True):
        text = text[:off(e.range.start)] + e.new_text + text[off(e.range.end):]
    return text


async def diagnostics_of(client: LanguageClient, uri: str, timeout: float = 10) -> tuple[types.Diagnostic, ...]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if uri in client.diagnostics:
            return tuple(client.diagnostics[uri])
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics for {uri}")


async def test_capabilities(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.completion_provider is not None
    assert set(caps.completion_provider.trigger_characters) == {"$", "(", "@"}
    tokens = caps.semantic_tokens_provider
    assert tokens is not None and tokens.full == types.SemanticTokensFullDelta(delta=True)
    assert "enumMember" in tokens.legend.token_types and "documentation" in tokens.legend.token_modifiers
    assert caps.document_formatting_provider and caps.document_range_formatting_provider
    assert set(caps.code_action_provider.code_action_kinds) == {"quickfix", "source.fixAll.witx"}


async def test_completion_in_several_contexts(client: LanguageClient) -> None:
    text = '(use "types.witx")\n(typename $r (record (field $x $s)))\n(typename $e ())\n'
    uri = open_doc(client, "complete.witx", text)
    # After `$s`, inside a field: the type names in scope, replacing `$s`.
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=1, character=33),
        context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)))
    assert isinstance(got, types.CompletionList)
    size = next(i for i in got.items if i.label == "$size")
    assert isinstance(size.text_edit, types.TextEdit)
    assert size.text_edit.range == types.Range(start=types.Position(line=1, character=31),
                                               end=types.Position(line=1, character=33))
    if size.documentation is None:
        # The client resolves documentation lazily (VS Code advertises resolveSupport for it).
        size = await client.completion_item_resolve_async(size)
    assert size.documentation is not None and "A size." in size.documentation.value  # type: ignore[union-attr]
    # Filtered by the typed `$s` as VS Code filters (Neovim shows the list as the server sends it).
    assert got.items[0].label == "$size" and not any(i.label == "u32" for i in got.items)
    # With nothing typed yet: everything that fits, builtins too.
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=1, character=31)))
    assert isinstance(got, types.CompletionList)
    assert {"$size", "u32"} <= {i.label for i in got.items}
    # Right after `(` in a typename: type forms, the record snippet in snippet syntax.
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=2, character=14)))
    assert isinstance(got, types.CompletionList)
    record = next(i for i in got.items if i.label == "record")
    assert record.insert_text_format == types.InsertTextFormat.Snippet
    assert {"enum", "flags", "variant", "@witx"} <= {i.label for i in got.items}
    # Top level: declaration snippets.
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=3, character=0)))
    assert isinstance(got, types.CompletionList)
    assert "(module …)" in {i.label for i in got.items}


async def test_semantic_tokens_full_then_delta(client: LanguageClient) -> None:
    text = "(typename $a u32)\n(typename $b $a)\n"
    uri = open_doc(client, "tokens.witx", text)
    full = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc(uri)))
    assert full is not None and full.result_id is not None
    assert len(full.data) == 6 * 5
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(
            text="(typename $a u32)\n(typename $b (list $a))\n")]))
    delta = await client.text_document_semantic_tokens_full_delta_async(types.SemanticTokensDeltaParams(
        text_document=doc(uri), previous_result_id=full.result_id))
    assert isinstance(delta, types.SemanticTokensDelta) and delta.result_id != full.result_id
    data = list(full.data)
    for e in sorted(delta.edits, key=lambda e: e.start, reverse=True):
        data[e.start:e.start + e.delete_count] = list(e.data or [])
    again = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc(uri)))
    assert again is not None and data == list(again.data)
    # An unknown previous result gives the full array.
    stale = await client.text_document_semantic_tokens_full_delta_async(types.SemanticTokensDeltaParams(
        text_document=doc(uri), previous_result_id="no-such-id"))
    assert isinstance(stale, types.SemanticTokens) and list(stale.data) == data


async def test_formatting_and_range_formatting(client: LanguageClient) -> None:
    text = "(typename   $a u32)\n(typename $e\n   (enum $x\n  $y))\n(typename   $b u8)\n"
    uri = open_doc(client, "format.witx", text)
    options = types.FormattingOptions(tab_size=4, insert_spaces=True)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(uri), options=options))
    assert edits is not None
    assert apply(text, edits) == "(typename $a u32)\n(typename $e\n    (enum $x\n        $y))\n(typename $b u8)\n"
    edits = await client.text_document_range_formatting_async(types.DocumentRangeFormattingParams(
        text_document=doc(uri), options=options,
        range=types.Range(start=types.Position(line=4, character=0), end=types.Position(line=4, character=5))))
    assert edits is not None
    assert apply(text, edits) == "(typename   $a u32)\n(typename $e\n   (enum $x\n  $y))\n(typename $b u8)\n"
    broken = open_doc(client, "broken.witx", "(typename $a u32\n")
    assert await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(broken), options=options)) is None


async def test_formatting_honours_every_option_and_answers_utf16_positions(client: LanguageClient) -> None:
    text = "(typename $s\n  (; ü 😀 ;) (record   (field $x u8))) \n\n\n"
    uri = open_doc(client, "options.witx", text)
    tabs = types.FormattingOptions(tab_size=8, insert_spaces=False, trim_trailing_whitespace=True,
                                   trim_final_newlines=True)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(uri), options=tabs))
    assert edits is not None
    assert apply(text, edits) == "(typename $s\n\t(; ü 😀 ;) (record (field $x u8)))\n"
    plain = types.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(uri), options=plain))
    assert edits is not None and apply(text, edits) == text.replace("(record   (", "(record (")
    # One edit, inside line 1; columns after the emoji count it as two UTF-16 units.
    [edit] = edits
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character,
            edit.new_text) == (1, 21, 1, 23, "")


async def test_code_action_migrates_a_legacy_file(client: LanguageClient) -> None:
    text = "(typename $e (enum u8 $a $b))\n(typename $s (struct (field $x $e) (field $y char8)))\n"
    uri = open_doc(client, "legacy.witx", text)
    diags = await diagnostics_of(client, uri)
    assert {d.code for d in diags} == {"E0204", "E0201", "E0207"}
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(uri), range=diags[0].range,
        context=types.CodeActionContext(diagnostics=list(diags))))
    assert found is not None
    migrate = next(a for a in found if isinstance(a, types.CodeAction) and a.title == "Migrate this file to witx 0.9"
                   and a.kind == types.CodeActionKind.QuickFix)
    assert migrate.edit is not None and migrate.edit.changes is not None
    assert migrate.diagnostics is not None and len(migrate.diagnostics) == 3
    migrated = apply(text, migrate.edit.changes[uri])
    fixed = open_doc(client, "migrated.witx", migrated)
    assert [d.code for d in await diagnostics_of(client, fixed) if str(d.code).startswith("E02")] == []


async def test_code_action_creates_a_missing_typename(client: LanguageClient) -> None:
    text = "(typename $a (list $missing))\n"
    uri = open_doc(client, "missing.witx", text)
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(uri), range=types.Range(start=types.Position(line=0, character=20),
                                                  end=types.Position(line=0, character=20)),
        context=types.CodeActionContext(diagnostics=[])))
    assert found is not None
    create = next(a for a in found if isinstance(a, types.CodeAction) and a.title == "Create typename `$missing`")
    assert create.edit is not None and create.edit.changes is not None
    assert apply(text, create.edit.changes[uri]) == "(typename $missing u32)\n\n(typename $a (list $missing))\n"


async def test_unknown_documents_get_empty_answers(client: LanguageClient) -> None:
    missing = doc("file:///does/not/exist.witx")
    at = types.Position(line=3, character=3)
    assert await client.text_document_completion_async(types.CompletionParams(
        text_document=missing, position=at)) is None
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=missing))
    assert tokens is not None and len(tokens.data) == 0
    assert await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=missing, options=types.FormattingOptions(tab_size=2, insert_spaces=True))) is None


def vscode_with_item_defaults() -> types.ClientCapabilities:
    """VS Code's capabilities as recorded by pytest-lsp, plus the completion list defaults
    that vscode-languageclient 9 declares."""
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.text_document.completion is not None
    caps.text_document.completion.completion_list = types.CompletionListCapabilities(
        item_defaults=["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"])
    return caps


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def defaults_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("defaults")
    (root / "types.witx").write_text(";;; A size.\n(typename $size u32)\n")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=vscode_with_item_defaults(), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")]))
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_completion_uses_the_list_default_edit_range_when_the_client_takes_it(
        client: LanguageClient, defaults_client: LanguageClient) -> None:
    text = '(use "types.witx")\n(typename $r (record (field $x  )))\n(typename $e ())\n'
    position = types.Position(line=1, character=31)
    answers = []
    for c in (client, defaults_client):
        uri = open_doc(c, "defaults.witx", text)
        got = await c.text_document_completion_async(types.CompletionParams(text_document=doc(uri),
                                                                            position=position))
        assert isinstance(got, types.CompletionList)
        answers.append(got)
    per_item, shared = answers
    assert shared.item_defaults is not None and all(i.text_edit is None for i in shared.items)
    assert shared.item_defaults.edit_range == types.Range(start=types.Position(line=1, character=31),
                                                          end=types.Position(line=1, character=31))
    # The same edits either way: the item's own, or the default range with textEditText or the label.
    assert [i.label for i in per_item.items] == [i.label for i in shared.items]
    for own, lean in zip(per_item.items, shared.items, strict=True):
        assert isinstance(own.text_edit, types.TextEdit)
        assert own.text_edit.range == shared.item_defaults.edit_range
        assert own.text_edit.new_text == (lean.text_edit_text or lean.label)
        assert (own.insert_text_format, own.sort_text, own.kind) == (
            lean.insert_text_format, lean.sort_text, lean.kind)
    assert any(i.text_edit_text for i in shared.items)  # snippets differ from their labels
    # Plain text is the protocol's default: not repeated on every item.
    assert all(i.insert_text_format in (None, types.InsertTextFormat.Snippet) for i in shared.items)


KINDS_TEXT = """\
(typename $size u32)
(typename $errno (enum (@witx tag u16) $success $badf))
(typename $fdflags (flags (@witx repr u16) $append $sync))
(typename $filestat (record (field $size $size)))
(typename $fd (handle))
(typename $fileref $fd)
(typename $event (variant (@witx tag $errno) (case $success u64) (case $badf)))
(typename $pair (tuple u8 u8))
(typename $buf (list u8))
(module $m (@interface func (export "f") (param $x $fi
"""


async def test_completion_is_filtered_ranked_and_typed_by_kind(client: LanguageClient) -> None:
    uri = open_doc(client, "kinds.witx", KINDS_TEXT)
    last = len(KINDS_TEXT.splitlines()) - 1
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=last, character=len(KINDS_TEXT.splitlines()[-1]))))
    assert isinstance(got, types.CompletionList) and not got.is_incomplete
    assert [i.label for i in got.items] == ["$fileref", "$filestat"]  # not all 20 names and builtins
    # Nothing typed after `$`: every typename, each kind its own CompletionItemKind.
    text = KINDS_TEXT.rstrip("\n")[:-len("$fi")] + "$\n"
    uri = open_doc(client, "kinds2.witx", text)
    got = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(uri), position=types.Position(line=last, character=len(text.splitlines()[-1]))))
    assert isinstance(got, types.CompletionList)
    kind = {i.label: i.kind for i in got.items}
    K = types.CompletionItemKind
    assert (kind["$filestat"], kind["$errno"], kind["$fdflags"], kind["$fd"], kind["$size"], kind["$fileref"],
            kind["$event"], kind["$pair"], kind["$buf"]) == (
        K.Struct, K.Enum, K.Constant, K.Interface, K.Reference, K.Reference, K.Class, K.Struct, K.Value)

"""The witx.encodeValue / witx.decodeValue commands over the protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND

TEXT = """(typename $errno (enum (@witx tag u16) $ok $bad))
(typename $opts (flags (@witx repr u8) $a $b))
(typename $rec (record (field $tag u8) (field $n u32) (field $o $opts)))
(typename $res (expected $rec (error $errno)))
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "v.witx").write_text(TEXT)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        initialization_options={"diagnostics": {"debounceMs": 10}}))
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def run(client: LanguageClient, command: str, *args: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(args)))


async def test_commands_are_advertised(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.execute_command_provider is not None
    assert {"witx.encodeValue", "witx.decodeValue"} <= set(caps.execute_command_provider.commands)


async def test_encode_value(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "v.witx").as_uri()
    res = await run(client, "witx.encodeValue", uri, "rec", {"tag": 1, "n": 258, "o": ["b"]})
    assert res["hex"] == "01000000" "02010000" "02000000"
    assert res["size"] == 12 and res["align"] == 4
    fields = [(e["offset"], e["size"], e["field"]) for e in res["legend"]]
    assert fields == [(0, 1, "tag"), (1, 3, "(padding)"), (4, 4, "n"), (8, 1, "o"), (9, 3, "(padding)")]
    assert "offset" in res["text"] and "(padding)" in res["text"]
    # one object argument; the value as JSON text
    res2 = await run(client, "witx.encodeValue", {"uri": uri, "type": "$res", "value": '{"err": "bad"}'})
    assert res2["hex"] == "01000000" + "0100" + "00" * 10
    bad = await run(client, "witx.encodeValue", uri, "errno", "worst")
    assert bad == {"error": "value: expected one of ok, bad, got \"worst\""}
    # text typed into an input box: JSON, or a plain case name
    for text, hexdata in (('"bad"', "0100"), ("bad", "0100")):
        assert (await run(client, "witx.encodeValue", uri, "errno", text))["hex"] == hexdata
    assert (await run(client, "witx.encodeValue", uri, "u32", "258"))["hex"] == "02010000"


async def test_decode_value(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "v.witx").as_uri()
    res = await run(client, "witx.decodeValue", uri, "rec", "01 000000 02010000 02 000000")
    assert res["value"] == {"tag": 1, "n": 258, "o": ["b"]} and res["extra_bytes"] == 0
    assert await run(client, "witx.decodeValue", uri, "errno", "0200") == {"error": "Invalid enum value Errno"}
    assert await run(client, "witx.decodeValue", {"uri": uri, "type": "opts", "hex": "04"}) == {
        "error": "Invalid flag value Opts"}
    short = await run(client, "witx.decodeValue", uri, "rec", "01000000")
    assert short == {"error": "Pointer out of bounds: Region { start: 4, len: 4 }"}


async def test_bad_arguments_are_refused(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "v.witx").as_uri()
    for args in ((uri,), (uri, 5, "00"), (5, "rec", "00")):
        try:
            await run(client, "witx.decodeValue", *args)
        except Exception as e:
            assert "expected" in str(e)
        else:
            raise AssertionError(f"accepted {args}")
    res = await run(client, "witx.encodeValue", uri, "nope", 1)
    assert res == {"error": "no typename `nope` in the loaded files"}

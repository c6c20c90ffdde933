"""Settings: defaults, validation, bad values reported and replaced, severities applied."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import SERVER_COMMAND
from tests.server.test_lifecycle import open_and_wait, until
from witx_lsp.base.diagnostic import Severity
from witx_lsp.server.options import Settings, parse_settings


def test_defaults() -> None:
    settings, problems = parse_settings(None)
    assert settings == Settings() and problems == []
    assert settings.debounce_ms == 150 and settings.inlay_offsets and settings.lens_layout
    assert settings.log_level == "warning"


def test_valid_values_are_taken_in_either_shape() -> None:
    raw = {"diagnostics": {"severity": {"W0501": "error", "W0506": "off"}, "debounceMs": 0},
           "inlayHints": {"offsets": False}, "codeLens": {"preview": False}, "logLevel": "info"}
    for value in (raw, {"witx": raw}):
        settings, problems = parse_settings(value)
        assert problems == []
        assert settings.severity == {"W0501": Severity.ERROR, "W0506": None}
        assert (settings.debounce_ms, settings.inlay_offsets, settings.lens_preview) == (0, False, False)
        assert settings.log_level == "info"


def test_each_bad_value_is_reported_and_defaulted() -> None:
    settings, problems = parse_settings({"diagnostics": {"severity": {"W0501": "loud"}, "debounceMs": -5},
                                         "inlayHints": {"offsets": "yes"}, "codeLens": 3, "logLevel": 7})
    assert settings.severity == {} and settings.debounce_ms == 150 and settings.inlay_offsets is True
    assert len(problems) == 5
    assert any("witx.diagnostics.debounceMs" in p for p in problems)
    _, problems = parse_settings(["not", "an", "object"])
    assert problems and "object" in problems[0]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri(),
        initialization_options={"diagnostics": {"debounceMs": "soon", "severity": {"W0501": "error"}}}))
    yield
    await lsp_client.shutdown_session()


async def test_bad_settings_warn_and_the_rest_applies(client: LanguageClient, tmp_path: Path) -> None:
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert warnings and "debounceMs" in warnings[0].message
    # The valid part still applies: padding is reported as an error.
    uri = (tmp_path / "padded.witx").as_uri()
    await open_and_wait(client, uri, "(typename $r (record (field $a u8) (field $b u64)))\n")
    diags = await until(client, uri, lambda ds: any(d.code == "W0501" for d in ds))
    assert [d.severity for d in diags if d.code == "W0501"] == [types.DiagnosticSeverity.Error]


def test_the_log_level_is_the_more_verbose_of_setting_and_command_line() -> None:
    import logging

    from witx_lsp.server.app import WitxServer

    root, ours = logging.getLogger(), logging.getLogger("witx_lsp")
    saved = root.level, ours.level
    server = WitxServer()
    try:
        for cli, setting, expected in (("WARNING", "debug", logging.DEBUG), ("DEBUG", "warning", logging.DEBUG),
                                       ("WARNING", "error", logging.WARNING), ("ERROR", "error", logging.ERROR)):
            root.setLevel(cli)
            server.apply_settings({"logLevel": setting})
            assert ours.level == expected, (cli, setting)
    finally:
        root.setLevel(saved[0])
        ours.setLevel(saved[1])

"""`--severity CODE=LEVEL` changes or silences a code, as the server settings do."""

from __future__ import annotations

from pathlib import Path

from tests.cli.util import run_process, write

PADDED = "(typename $r (record (field $a u8) (field $b u64)))\n"


def test_padding_notes_by_default_and_overrides(tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": PADDED})
    plain = run_process(["check", "--format", "json", "r.witx"], tmp_path)
    assert plain.code == 0
    assert "W0501" in plain.codes()
    raised = run_process(["check", "--format", "json", "--severity", "W0501=error", "r.witx"], tmp_path)
    assert raised.code == 1
    assert [d["severity"] for d in raised.diagnostics() if d["code"] == "W0501"] == ["error"]
    silenced = run_process(["check", "--format", "json", "--severity", "W0501=off", "r.witx"], tmp_path)
    assert "W0501" not in silenced.codes()


def test_bad_override_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": PADDED})
    r = run_process(["check", "--severity", "W0501=loud", "r.witx"], tmp_path)
    assert r.code == 2 and "CODE=LEVEL" in r.err

"""Output formats of `witx-lsp check`: the json contract, SARIF structure, GitHub
workflow commands and the text format with its caret underline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli
from tests.cli.util import write
from witx_lsp.base import codes
from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import Span
from witx_lsp.cli import diagnostic_output as output
from witx_lsp.cli.cmd_check import use_color

# The unknown name comes after a block comment holding a BMP character (ü), a wide
# emoji (😀, astral, two terminal columns) and an astral letter (𝒳, one column).
PREFIX = "(; 😀𝒳 ü ;) (typename $a "
ASTRAL = PREFIX + "$missing)\n"
REDEFINED = "(typename $a u32)\n(typename $b u8)\n(typename $a u64)\n"

JSON_KEYS = {"path", "range", "severity", "code", "message"}


def _contract(d: dict[str, Any]) -> None:
    """The json shape the conformance scoreboard and editors rely on."""
    assert set(d) >= JSON_KEYS
    assert isinstance(d["path"], str) and isinstance(d["code"], str) and isinstance(d["message"], str)
    assert d["severity"] in ("error", "warning", "information", "hint")
    assert set(d["range"]) == {"start", "end"}
    for end in ("start", "end"):
        pos = d["range"][end]
        assert set(pos) == {"line", "character"}
        assert all(isinstance(pos[k], int) and pos[k] >= 0 for k in pos)


def test_json_contract_and_utf16_characters(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"astral.witx": ASTRAL})
    r = cli("check", "--format", "json", "astral.witx")
    assert r.code == 1
    doc = r.json()
    assert set(doc) == {"diagnostics"}
    [d] = doc["diagnostics"]
    _contract(d)
    assert (d["path"], d["code"], d["severity"]) == ("astral.witx", "E0301", "error")
    assert d["message"] == "Unknown name `missing`"
    # 24 code points before `$missing`, two of them astral: 26 UTF-16 code units.
    assert len(PREFIX) == 24
    assert d["range"] == {"start": {"line": 0, "character": 26}, "end": {"line": 0, "character": 34}}


def test_json_related_information(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": REDEFINED})
    [d] = cli("check", "--format", "json", "r.witx").diagnostics()
    _contract(d)
    assert d["code"] == "E0302" and d["range"]["start"] == {"line": 2, "character": 10}
    [rel] = d["related"]
    assert rel["path"] == "r.witx" and rel["range"]["start"] == {"line": 0, "character": 10}


def test_text_format_caret_under_non_ascii_and_astral(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"astral.witx": ASTRAL})
    r = cli("check", "--color", "never", "astral.witx")
    lines = r.out.splitlines()
    assert lines[0] == "astral.witx:1:25: error[E0301]: Unknown name `missing`"
    assert lines[1] == " 1 | " + ASTRAL.rstrip("\n")
    # Terminal columns before `$missing`: "(; " 3 + 😀 2 + 𝒳 1 + " ü " 3 + ";) " 3 + "(typename $a " 13 = 25.
    assert lines[2] == "   | " + " " * 25 + "^" * len("$missing")
    assert lines[-1] == "1 error, 0 warnings in 1 file"
    assert "\x1b" not in r.out


def test_text_format_notes_and_summary(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": REDEFINED, "ok.witx": "(typename $z u8)\n"})
    r = cli("check", "--color", "never", "r.witx", "ok.witx")
    assert r.out.splitlines() == [
        "r.witx:3:11: error[E0302]: Redefinition of name `a`",
        " 3 | (typename $a u64)",
        "   |           ^^",
        "  note: r.witx:1:11: `a` was first defined here",
        "1 error, 0 warnings in 2 files",
    ]


def test_color(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"r.witx": REDEFINED})
    colored = cli("check", "--color", "always", "r.witx").out
    assert "\x1b[1;31merror[E0302]\x1b[0m" in colored
    assert "\x1b" not in cli("check", "r.witx").out  # auto, and stdout is not a terminal

    class Tty:
        def isatty(self) -> bool:
            return True

    tty: Any = Tty()
    assert use_color("auto", tty) and not use_color("never", tty)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", tty) and use_color("always", tty)


def test_sarif_structure(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"r.witx": REDEFINED, "astral.witx": ASTRAL,
                     "w.witx": "(typename $a u32)\n(@foo bar)\n(typename $b u32)\n"})
    r = cli("check", "--format", "sarif", "r.witx", "astral.witx", "w.witx")
    assert r.code == 1
    doc = json.loads(r.out)
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "witx-lsp"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == ["E0301", "E0302", "W0101"]
    for rule in driver["rules"]:
        assert rule["helpUri"] == codes.docs_url(rule["id"])
        assert rule["helpUri"].endswith(f"/docs/diagnostics/{rule['id']}.md")
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert driver["rules"][2]["defaultConfiguration"] == {"level": "warning"}
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    results = run["results"]
    assert [(x["ruleId"], x["level"]) for x in results] == [("E0301", "error"), ("E0302", "error"),
                                                            ("W0101", "warning")]
    for x in results:
        assert driver["rules"][x["ruleIndex"]]["id"] == x["ruleId"]
        assert x["message"]["text"]
    astral = results[0]["locations"][0]["physicalLocation"]
    assert astral["artifactLocation"] == {"uri": "astral.witx", "uriBaseId": "%SRCROOT%"}
    assert astral["region"] == {"startLine": 1, "startColumn": 27, "endLine": 1, "endColumn": 35}
    [related] = results[1]["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 1
    assert related["message"]["text"] == "`a` was first defined here"
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_absolute_paths_are_file_uris(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"sub dir/r.witx": REDEFINED})
    doc = json.loads(cli("check", "--format", "sarif", str(tmp_path / "sub dir" / "r.witx")).out)
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": (tmp_path / "sub dir" / "r.witx").as_uri()}
    assert "%20" in loc["uri"]


def test_github_escaping_rules() -> None:
    assert output.github_escape_data("100% done\r\nnext, a: b") == "100%25 done%0D%0Anext, a: b"
    assert output.github_escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"


def test_github_format(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path, {"we,ird:name%.witx": REDEFINED, "w.witx": "(typename $a u32)\n(@foo bar)\n"})
    r = cli("check", "--format", "github", "we,ird:name%.witx", "w.witx")
    lines = r.out.splitlines()
    assert lines[0] == ("::warning file=w.witx,line=2,col=1,endLine=2,endColumn=11,title=W0101::"
                        "unknown annotation `(@foo …)` is ignored (witx reads only `@witx` and `@interface`)")
    assert lines[1] == ("::error file=we%2Cird%3Aname%25.witx,line=3,col=11,endLine=3,endColumn=13,title=E0302::"
                        "Redefinition of name `a`%0Anote: we,ird:name%25.witx:1:11: `a` was first defined here")
    assert lines[2] == "1 error, 1 warning in 2 files"


# --- rendering synthetic diagnostics (every severity, multi-line ranges, hostile text) --------


def _report(text: str, *diags: Diagnostic) -> output.Report:
    return output.Report(list(diags), {"/w/f.witx": text}, lambda p: p.removeprefix("/w/"), 1, (), "/w")


def _diag(sev: Severity, start: int, end: int, code: str = "X0001", message: str = "m",
          related: tuple[Related, ...] = ()) -> Diagnostic:
    return Diagnostic(code, sev, message, "/w/f.witx", Span(start, end), related)


def test_multi_line_range_is_underlined_to_the_end_of_its_first_line() -> None:
    text = "(typename $a\n  (record (field $x u8)))\n"
    out = output.render_text(_report(text, _diag(Severity.ERROR, 10, 30)), color=False).splitlines()
    assert out[1:3] == [" 1 | (typename $a", "   |           ^^"]
    gh = output.render_github(_report(text, _diag(Severity.ERROR, 10, 30))).splitlines()[0]
    assert gh == "::error file=f.witx,line=1,endLine=2,title=X0001::m"  # no columns across lines


def test_empty_range_and_range_at_end_of_file() -> None:
    text = "(typename $a u32"
    out = output.render_text(_report(text, _diag(Severity.ERROR, 16, 16)), color=False).splitlines()
    assert out[0].startswith("f.witx:1:17:")
    assert out[2] == "   | " + " " * 16 + "^"


def test_every_severity_in_every_format() -> None:
    text = "abc\n"
    report = _report(text, *(_diag(sev, 0, 1, code=f"X000{int(sev)}") for sev in Severity))
    assert [d["severity"] for d in json.loads(output.render_json(report))["diagnostics"]] == [
        "error", "warning", "information", "hint"]
    sarif = json.loads(output.render_sarif(report))
    assert [x["level"] for x in sarif["runs"][0]["results"]] == ["error", "warning", "note", "note"]
    gh = [line.split(" ", 1)[0] for line in output.render_github(report).splitlines()[:4]]
    assert gh == ["::error", "::warning", "::notice", "::notice"]
    assert output.summary(report) == "1 error, 1 warning, 1 note, 1 hint in 1 file"


def test_control_and_bidi_characters_never_reach_the_terminal() -> None:
    text = "(typename $a u32) ;; \x1b[2J\u202e evil\n"
    out = output.render_text(_report(text, _diag(Severity.ERROR, 10, 12, message="bad \x1b]0;title\x07")),
                             color=False)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert out.splitlines()[2] == "   |           ^^"


def test_tabs_keep_the_caret_aligned() -> None:
    text = "\t(typename\t$a u32)\n"
    out = output.render_text(_report(text, _diag(Severity.ERROR, 11, 13)), color=False).splitlines()
    assert out[1] == " 1 | \t(typename\t$a u32)"
    assert out[2] == "   | \t         \t^^"


def test_long_lines_are_shown_as_a_window() -> None:
    text = "(typename $a u32)" + " " * 5000 + "$x" + " " * 5000 + "\n"
    start = text.index("$x")
    out = output.render_text(_report(text, _diag(Severity.ERROR, start, start + 2)), color=False).splitlines()
    assert len(out[1]) < output.SNIPPET_WIDTH + 20
    source, carets = out[1][len(" 1 | "):], out[2][len("   | "):]
    assert source.startswith("…") and source.endswith("…")
    assert source[carets.index("^"):].startswith("$x")


def test_diagnostic_in_a_file_without_text_has_no_snippet() -> None:
    report = output.Report([_diag(Severity.ERROR, 0, 0)], {}, lambda p: p, 1)
    assert output.render_text(report, color=False).splitlines() == ["/w/f.witx:1:1: error[X0001]: m",
                                                                    "1 error, 0 warnings in 1 file"]
    [d] = json.loads(output.render_json(report))["diagnostics"]
    assert d["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}


def test_undecodable_file_names_do_not_break_any_format() -> None:
    name = "/w/bad\udcff.witx"
    report = output.Report([Diagnostic("E0401", Severity.ERROR, f"IO error with file {name}", name, Span(0, 0))],
                           {}, lambda p: p, 1)
    for fmt in output.FORMATS:
        out = output.render(fmt, report)
        out.encode("utf-8")  # no lone surrogate survives
        assert "bad\ufffd.witx" in out

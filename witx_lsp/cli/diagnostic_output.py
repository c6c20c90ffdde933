"""Output formats of `witx-lsp check`: text, json, sarif and github.

Diagnostics carry code-point offsets; this module turns them into lines and
columns: 0-based lines and UTF-16 characters in json (as LSP), 1-based lines and
UTF-16 columns in SARIF (its default `columnKind`), 1-based lines and columns
counted in characters (code points) in text and github output.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

from witx_lsp import __version__
from witx_lsp.base import codes
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.text import LineIndex, LineMap, PositionEncoding
from witx_lsp.model.analysis import Analysis

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

# Characters that must not reach a terminal as they are: C0/C1 controls (escape
# sequences) and bidirectional overrides ("trojan source"). Tab is kept.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Source lines longer than this (in characters) are shown as a window around the range.
SNIPPET_WIDTH = 160


@dataclass
class Report:
    """Everything one run of `check` prints."""

    diagnostics: Sequence[Diagnostic]  # deduplicated, in output order
    texts: Mapping[str, str]  # canonical path -> text, for files that diagnostics point into
    display: Callable[[str], str]  # canonical path -> the path to print
    files_checked: int = 0
    internal_errors: Sequence[str] = ()  # roots (as printed) whose analysis failed
    cwd: str = field(default_factory=os.getcwd)


def clean(s: str) -> str:
    """Replace lone surrogates (undecodable file-name bytes) so that any output encoding works."""
    if s.isascii():
        return s
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in s)


def terminal_safe(s: str) -> str:
    """One character out for one character in: controls and bidi overrides become U+FFFD."""
    s = clean(s)
    if s.isprintable():
        return s
    return "".join(
        "\ufffd" if (ch != "\t" and unicodedata.category(ch) == "Cc") or ch in _BIDI else ch for ch in s
    )


def write_text(stream: TextIO, text: str) -> None:
    """Write `text` and flush; what the stream's encoding cannot hold (a cp1252 console, say) is
    written as backslash escapes instead of ending the command with UnicodeEncodeError."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(report: Report) -> str:
    counts = {sev: 0 for sev in Severity}
    for d in report.diagnostics:
        counts[d.severity] += 1
    parts = [_plural(counts[Severity.ERROR], "error"), _plural(counts[Severity.WARNING], "warning")]
    if counts[Severity.INFORMATION]:
        parts.append(_plural(counts[Severity.INFORMATION], "note"))
    if counts[Severity.HINT]:
        parts.append(_plural(counts[Severity.HINT], "hint"))
    line = f"{', '.join(parts)} in {_plural(report.files_checked, 'file')}"
    if report.internal_errors:
        line += f"; {_plural(len(report.internal_errors), 'internal error')}"
    return line


# --- text ----------------------------------------------------------------------------------


class _Style:
    RESET = "\x1b[0m"
    BOLD = "\x1b[1m"
    SEVERITY: ClassVar[dict[Severity, str]] = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m",
                Severity.INFORMATION: "\x1b[1;34m", Severity.HINT: "\x1b[1;36m"}
    GUTTER = "\x1b[1;34m"
    NOTE = "\x1b[1;32m"

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, s: str) -> str:
        return f"{style}{s}{self.RESET}" if self.enabled and s else s


def char_width(ch: str) -> int:
    """Terminal columns of one character (wide East Asian characters and emoji take two)."""
    if ch.isascii():
        return 1
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _pad(prefix: str) -> str:
    """Blanks as wide as `prefix` on a terminal (tabs are copied, so tab stops line up)."""
    return "".join("\t" if ch == "\t" else " " * char_width(ch) for ch in prefix)


def _snippet(lines: LineIndex, span: Span) -> tuple[int, str, str]:
    """The 1-based line number, the source line and the caret line for a span."""
    line_no = lines.line_of(span.start)
    start_of_line = lines.starts[line_no]
    text = terminal_safe(lines.line_text(line_no))
    col = max(0, min(span.start, lines.line_end(line_no)) - start_of_line)
    end = max(col, min(span.end, lines.line_end(line_no)) - start_of_line)  # multi-line: to the end of the line
    left, right, head, tail = 0, len(text), "", ""
    if len(text) > SNIPPET_WIDTH:
        left = max(0, col - SNIPPET_WIDTH // 4)
        right = min(len(text), left + SNIPPET_WIDTH)
        head, tail = ("…" if left > 0 else ""), ("…" if right < len(text) else "")
    shown = head + text[left:right] + tail
    underlined = text[col:min(end, right)]
    carets = "^" * max(1, sum(char_width(ch) if ch != "\t" else 4 for ch in underlined))
    return line_no + 1, shown, _pad(head + text[left:col]) + carets


def render_text(report: Report, color: bool) -> str:
    style = _Style(color)
    lines_of = LineMap.of_texts(report.texts)
    out: list[str] = []
    for d in report.diagnostics:
        path = terminal_safe(report.display(d.path))
        start = lines_of(d.path).position(d.span.start, PositionEncoding.UTF32)
        sev = style(style.SEVERITY[d.severity], f"{d.severity.label}[{d.code}]")
        out.append(f"{style(style.BOLD, f'{path}:{start.line + 1}:{start.character + 1}:')} {sev}: "
                   f"{terminal_safe(d.message)}")
        lines = lines_of.get(d.path)
        if lines is not None:
            number, source, carets = _snippet(lines, d.span)
            gutter = " " * len(str(number))
            out.append(f" {style(style.GUTTER, f'{number} |')} {source}".rstrip())
            out.append(f" {style(style.GUTTER, f'{gutter} |')} {style(style.SEVERITY[d.severity], carets)}")
        for r in d.related:
            rpos = lines_of(r.path).position(r.span.start, PositionEncoding.UTF32)
            rpath = terminal_safe(report.display(r.path))
            out.append(f"  {style(style.NOTE, 'note:')} {rpath}:{rpos.line + 1}:{rpos.character + 1}: "
                       f"{terminal_safe(r.message)}")
    out.append(style(style.BOLD, summary(report)))
    return "\n".join(out) + "\n"


# --- json ----------------------------------------------------------------------------------


def _lsp_range(lines: LineIndex, span: Span) -> dict[str, dict[str, int]]:
    start, end = lines.range(span, PositionEncoding.UTF16)
    return {"start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character}}


def render_json(report: Report) -> str:
    lines_of = LineMap.of_texts(report.texts)
    items: list[dict[str, Any]] = []
    for d in report.diagnostics:
        item: dict[str, Any] = {
            "path": clean(report.display(d.path)),
            "range": _lsp_range(lines_of(d.path), d.span),
            "severity": d.severity.label,
            "code": d.code,
            "message": clean(d.message),
            "related": [{"path": clean(report.display(r.path)), "range": _lsp_range(lines_of(r.path), r.span),
                         "message": clean(r.message)} for r in d.related],
        }
        if d.tags:
            item["tags"] = [int(t) for t in d.tags]
        if d.data is not None:
            item["data"] = d.data
        items.append(item)
    return json.dumps({"diagnostics": items}, indent=2, ensure_ascii=False, default=str) + "\n"


# --- sarif ---------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note",
                Severity.HINT: "note"}


def sarif_rule(code: str) -> dict[str, Any]:
    """A SARIF reportingDescriptor from the code registry; helpUri is the code's page
    docs/diagnostics/<CODE>.md."""
    rule: dict[str, Any] = {"id": code, "helpUri": codes.docs_url(code)}
    entry = codes.info(code)
    if entry is not None:
        rule["name"] = entry.title
        rule["shortDescription"] = {"text": entry.title}
        rule["fullDescription"] = {"text": entry.summary}
        rule["defaultConfiguration"] = {"level": _SARIF_LEVEL[entry.severity]}
    return rule


def _artifact(report: Report, path: str) -> dict[str, str]:
    """The file's URI; percent-encoding carries even the bytes of a name that is not UTF-8."""
    shown = report.display(path)
    try:
        raw = os.fsencode(shown)
    except UnicodeEncodeError:
        raw = os.fsencode(clean(shown))
    if os.path.isabs(shown):
        return {"uri": Path(os.fsdecode(raw)).as_uri()}
    return {"uri": quote(raw.replace(os.sep.encode(), b"/")), "uriBaseId": SRCROOT}


def _region(lines: LineIndex, span: Span) -> dict[str, int]:
    start, end = lines.range(span, PositionEncoding.UTF16)
    return {"startLine": start.line + 1, "startColumn": start.character + 1,
            "endLine": end.line + 1, "endColumn": end.character + 1}


def render_sarif(report: Report) -> str:
    lines_of = LineMap.of_texts(report.texts)
    rule_ids = sorted({d.code for d in report.diagnostics})
    rule_index = {code: i for i, code in enumerate(rule_ids)}
    rules = [sarif_rule(code) for code in rule_ids]
    results: list[dict[str, Any]] = []
    for d in report.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": rule_index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": clean(d.message)},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(report, d.path),
                                                "region": _region(lines_of(d.path), d.span)}}],
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": i, "message": {"text": clean(r.message)},
                 "physicalLocation": {"artifactLocation": _artifact(report, r.path),
                                      "region": _region(lines_of(r.path), r.span)}}
                for i, r in enumerate(d.related)]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "witx-lsp", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(report.cwd).as_uri().rstrip("/") + "/"}},
        "columnKind": "utf16CodeUnits",
        "invocations": [{"executionSuccessful": not report.internal_errors}],
        "results": results,
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- github --------------------------------------------------------------------------------

_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "notice",
                   Severity.HINT: "notice"}


def github_escape_data(s: str) -> str:
    """Escaping of a workflow command's message (actions/toolkit `escapeData`)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(s: str) -> str:
    """Escaping of a workflow command's property value (actions/toolkit `escapeProperty`)."""
    return github_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    lines_of = LineMap.of_texts(report.texts)
    out: list[str] = []
    for d in report.diagnostics:
        start, end = lines_of(d.path).range(d.span, PositionEncoding.UTF32)
        one_line = start.line == end.line  # GitHub takes columns only on one-line annotations
        props = [("file", terminal_safe(report.display(d.path))), ("line", str(start.line + 1))]
        if one_line:
            props.append(("col", str(start.character + 1)))
        props.append(("endLine", str(end.line + 1)))
        if one_line:
            props.append(("endColumn", str(end.character + 1)))
        props.append(("title", d.code))
        message = terminal_safe(d.message)  # the workflow log is a terminal too
        for r in d.related:
            rpos = lines_of(r.path).position(r.span.start, PositionEncoding.UTF32)
            where = f"{terminal_safe(report.display(r.path))}:{rpos.line + 1}:{rpos.character + 1}"
            message += f"\nnote: {where}: {terminal_safe(r.message)}"
        fields = ",".join(f"{k}={github_escape_property(v)}" for k, v in props)
        out.append(f"::{_GITHUB_COMMAND[d.severity]} {fields}::{github_escape_data(message)}")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def render(fmt: str, report: Report, color: bool = False) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "github":
        return render_github(report)
    return render_text(report, color)


def report_errors(analysis: Analysis) -> bool:
    """Print the analysis errors to stderr as text; True when there were any (the commands
    other than `check` refuse to work on a file with errors)."""
    errors = [d for d in analysis.diagnostics if d.severity is Severity.ERROR]
    if errors:
        texts = {p: f.text for p, f in analysis.files.items()}
        report = Report(errors, texts, lambda p: p, len(analysis.files))
        sys.stderr.write(render("text", report, False))
    return bool(errors)

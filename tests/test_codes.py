"""The diagnostic code registry (witx_lsp/base/codes.py) against the code base
and docs/diagnostics/: every code in use is registered and documented, every
registered code is in use, and every page's first example really reports its code.

Examples are ```witx blocks (analysed in memory) or, for codes that need files on
disk, ```witx-multi blocks whose `;; file: NAME` / `;; directory: NAME` /
`;; fifo: NAME` / `;; file of N MiB: NAME` / `;; file with the bytes XX XX: NAME`
lines create a small tree in a temporary directory; the first file is the root.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from witx_lsp.base.codes import CODES, DOCS_BASE_URL, default_severity, docs_url, info
from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.vfs import DiskProvider
from witx_lsp.layout.diagnostics import layout_diagnostics
from witx_lsp.model.analysis import Analysis, analyze, analyze_text
from witx_lsp.wiggle.codegen.hazards import hazard_diagnostics
from witx_lsp.wit import conversion_diagnostics

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "witx_lsp"
DOCS = ROOT / "docs" / "diagnostics"
CODE_RE = re.compile(r"\b([EW]0\d{3})\b")
QUOTED_CODE_RE = re.compile(r"[\"']([EW]0\d{3})[\"']")
FENCE_RE = re.compile(r"^```(witx(?:-multi)?)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def used_codes() -> dict[str, list[str]]:
    """Every code written as a string literal in witx_lsp/ (outside the registry), with where."""
    used: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "base":
            continue
        for m in QUOTED_CODE_RE.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(m.group(1), []).append(str(path.relative_to(ROOT)))
    return used


def test_codes_are_in_use() -> None:
    assert len(used_codes()) >= 50


def test_every_used_code_is_registered() -> None:
    missing = {c: where for c, where in used_codes().items() if c not in CODES}
    assert not missing, f"codes used but not in witx_lsp/base/codes.py: {missing}"


def test_every_registered_code_is_used() -> None:
    unused = sorted(set(CODES) - set(used_codes()))
    assert not unused, f"registered codes that nothing reports: {unused}"


def test_registry_shape() -> None:
    for code, entry in CODES.items():
        assert re.fullmatch(r"[EW]0\d{3}", code)
        assert entry.title and entry.title == entry.title.strip() and "\n" not in entry.title
        assert entry.summary.endswith("."), code
        assert "\n" not in entry.summary
        assert isinstance(entry.severity, Severity)
        if code.startswith("E"):
            assert entry.severity is Severity.ERROR, code
        else:
            assert entry.severity is not Severity.ERROR, code
    assert list(CODES) == sorted(CODES)


def test_lookup_helpers() -> None:
    assert info("E0301") is CODES["E0301"]
    assert info("X9999") is None
    assert default_severity("W0103") is Severity.HINT
    assert default_severity("E0001") is Severity.ERROR
    assert default_severity("X9999") is Severity.ERROR
    assert docs_url("E0301") == DOCS_BASE_URL + "E0301.md"
    assert DOCS_BASE_URL.startswith("https://") and DOCS_BASE_URL.endswith("/docs/diagnostics/")


@pytest.mark.parametrize("code", sorted(CODES))
def test_code_has_a_page(code: str) -> None:
    page = DOCS / f"{code}.md"
    assert page.is_file(), f"no docs/diagnostics/{code}.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {code}: "), f"{code}.md must start with '# {code}: <title>'"
    sev = re.search(r"^\*\*Default severity:\*\* (\w+)", text, re.MULTILINE)
    assert sev is not None and sev.group(1) == CODES[code].severity.label, f"{code}.md states another severity"
    assert "## Example" in text and "## Fix" in text
    assert FENCE_RE.search(text), f"{code}.md has no ```witx example"


def test_no_page_without_a_code() -> None:
    pages = {p.stem for p in DOCS.glob("*.md") if p.name != "README.md"}
    assert pages <= set(CODES), f"pages for unregistered codes: {sorted(pages - set(CODES))}"


def test_readme_indexes_every_code() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([EW]0\d{3})\.md\)", readme))
    assert linked == set(CODES)
    for code, entry in CODES.items():
        assert f"| [{code}]({code}.md) | {entry.title} | {entry.severity.label} |" in readme, code


# --- the examples --------------------------------------------------------------------------

def first_example(code: str) -> tuple[str, str]:
    m = FENCE_RE.search((DOCS / f"{code}.md").read_text(encoding="utf-8"))
    assert m is not None
    return m.group(1), m.group(2)


def all_diagnostics(analysis: Analysis) -> list[Diagnostic]:
    return [*analysis.diagnostics, *layout_diagnostics(analysis), *hazard_diagnostics(analysis),
            *conversion_diagnostics(analysis)]


_DIRECTIVE = re.compile(r"^;; (file|directory|fifo|file of (\d+) MiB|file with the bytes ([0-9a-f ]+)): (.+)$")


def build_tree(block: str, where: Path) -> Path:
    """Materialise a witx-multi block; returns the root (first) file."""
    root: Path | None = None
    current: Path | None = None
    texts: dict[Path, list[str]] = {}
    for line in block.splitlines():
        m = _DIRECTIVE.match(line)
        if m is None:
            assert current is not None, f"text before the first `;; file:` line: {line!r}"
            texts[current].append(line)
            continue
        kind, mib, hexbytes, name = m.groups()
        path = where / name
        current = None
        if kind == "file":
            current = path
            texts[path] = []
        elif kind == "directory":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        elif mib is not None:
            path.write_bytes(b"(typename $a u32)\n" + b" " * (int(mib) << 20))
        else:
            path.write_bytes(bytes.fromhex(hexbytes))
        if root is None:
            root = path
    for path, lines in texts.items():
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert root is not None
    return root


PAGES = sorted(p.stem for p in DOCS.glob("[EW]0*.md"))
# Pages whose first example is abbreviated and so cannot report its code.
ABBREVIATED = {
    "E0501": "the example elides most of its 257+ enum members",
    "E0409": "the language server's cap on diagnostics per file (tests/robustness/test_resources.py)",
}


@pytest.mark.parametrize("code", PAGES)
def test_example_reports_its_code(code: str, tmp_path: Path) -> None:
    if code in ABBREVIATED:
        pytest.skip(ABBREVIATED[code])
    lang, block = first_example(code)
    if lang == "witx":
        analysis = analyze_text(block)
    else:
        if code == "E0403" and not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this platform")
        root = build_tree(block, tmp_path)
        analysis = analyze([str(root)], DiskProvider())
    found = [d for d in all_diagnostics(analysis) if d.code == code]
    assert found, f"the example of {code}.md reports {[d.code for d in all_diagnostics(analysis)]}"
    for d in found:
        assert d.severity is CODES[code].severity


@pytest.mark.parametrize("code", [c for c in PAGES if first_example(c)[0] == "witx-multi"])
def test_file_example_reports_at_the_use_string(code: str, tmp_path: Path) -> None:
    if code == "E0403" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    root = build_tree(first_example(code)[1], tmp_path)
    analysis = analyze([str(root)], DiskProvider())
    found = [d for d in analysis.diagnostics if d.code == code]
    assert found, f"the example of {code}.md no longer reports {code}"
    for d in found:
        text = analysis.files[d.path].text
        assert text[d.span.start] == '"' and text[d.span.end - 1] == '"', (code, text[d.span.start:d.span.end])
        assert text[:d.span.start].rstrip().endswith("(use")


def test_every_code_in_the_docs_is_registered() -> None:
    for page in DOCS.glob("*.md"):
        for code in CODE_RE.findall(page.read_text(encoding="utf-8")):
            assert code in CODES, f"{page.name} mentions unregistered {code}"

"""The layout SVG of WASI `subscription` and `filestat` (corpus) and of the
project's own greenhouse fixture renders in headless Chromium, and the
screenshot shows a diagram (not a blank page)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PREVIEW1, needs_corpus
from tests.support.greenhouse import GREENHOUSE
from tests.support.png import read_png
from witx_lsp.layout import typename_layout
from witx_lsp.layout.svg import render_svg
from witx_lsp.model.analysis import analyze

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a sandbox with no network (tooling notes: without them Chromium keeps dialling out).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


SOURCES = [
    pytest.param(PREVIEW1, ("subscription", "subscription_u", "filestat"), marks=needs_corpus, id="preview1"),
    # a record with inner and tail padding, a variant with an enum tag and payloads, a nested record
    pytest.param(GREENHOUSE, ("reading", "sample", "bed"), id="greenhouse"),
]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)")
@pytest.mark.parametrize(("source", "names"), SOURCES)
def test_layout_svg_renders_in_chromium(tmp_path: Path, source: Path, names: tuple[str, ...]) -> None:
    doc = analyze([str(source)]).document
    layouts = []
    for name in names:
        named = doc.typename(name)
        assert named is not None
        layouts.append((name, typename_layout(named)))
    svg = render_svg(layouts)
    page = tmp_path / "layout.html"
    page.write_text(f"<!doctype html><html><body style='margin:0;background:#fff'>{svg}</body></html>")
    shot = tmp_path / "shot.png"
    assert CHROMIUM is not None
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=800,900", page.as_uri()], check=True, capture_output=True, timeout=120)
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (800, 900)
    colours = Counter(p[:3] for p in pixels)
    background, count = colours.most_common(1)[0]
    assert background == (255, 255, 255)
    drawn = len(pixels) - count
    assert drawn > 0.05 * len(pixels), "the screenshot is (nearly) blank"
    # Fields, padding, the variant tag and payload each have a colour of their own (drawn well beyond
    # the legend's small squares).
    for hex_colour in ("#8ecae6", "#e5e5e5", "#ffb703", "#95d5b2"):
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        assert colours[rgb] > 500, f"{hex_colour} does not appear in the diagram"

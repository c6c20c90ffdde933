"""Byte-ruler diagrams of layouts as one standalone SVG document.

Each type gets a title line and rulers of 16 bytes per row: record fields,
padding, the variant tag and each case's payload in distinct colours, labelled
with names and offsets (hover a box for the full description). Variant payloads
that extend past the variant's size (the 0.9.1 quirk) are drawn in red beyond it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape as _html_escape

from witx_lsp.layout.engine import Layout

ROW_BYTES = 16
CELL = 34  # pixels per byte
ROW_H = 30
LEFT = 56  # room for the row offset labels
TITLE_H = 26
GAP = 16
FONT = "font-family='ui-monospace,Menlo,Consolas,monospace'"

FIELD_COLORS = ("#8ecae6", "#bde0fe")
PADDING = "#e5e5e5"
TAG = "#ffb703"
PAYLOAD = "#95d5b2"
PAST_SIZE = "#f28482"
EMPTY = "#ffffff"


def escape(text: str) -> str:
    """Text content for XML (`&`, `<`, `>`); html's escaper, since xml.sax pulls in urllib."""
    return _html_escape(text, quote=False)


@dataclass(frozen=True, slots=True)
class Segment:
    offset: int
    size: int
    label: str
    color: str
    tooltip: str


def _width() -> int:
    return LEFT + ROW_BYTES * CELL + 8


def _rows(total: int) -> int:
    return max(1, -(-total // ROW_BYTES))


def _ruler(segments: list[Segment], total: int, y: float, caption: str = "") -> tuple[list[str], float]:
    """Draw `total` bytes as rows of cells with the segments on top; returns
    the elements and the height used."""
    out: list[str] = []
    if caption:
        out.append(f"<text x='{LEFT}' y='{y + 12}' font-size='11' {FONT} fill='#444'>{escape(caption)}</text>")
        y += 16
    rows = _rows(total)
    for r in range(rows):
        ry = y + r * ROW_H
        out.append(f"<text x='{LEFT - 6}' y='{ry + ROW_H / 2 + 4}' font-size='10' text-anchor='end' {FONT} "
                   f"fill='#666'>{r * ROW_BYTES}</text>")
        for b in range(ROW_BYTES):
            byte = r * ROW_BYTES + b
            fill = EMPTY if byte < total else "none"
            stroke = "#ccc" if byte < total else "none"
            out.append(f"<rect x='{LEFT + b * CELL}' y='{ry}' width='{CELL}' height='{ROW_H - 4}' "
                       f"fill='{fill}' stroke='{stroke}' stroke-width='0.5'/>")
    for seg in segments:
        first = True
        start, end = seg.offset, seg.offset + seg.size
        while start < end:
            row = start // ROW_BYTES
            stop = min(end, (row + 1) * ROW_BYTES)
            x = LEFT + (start % ROW_BYTES) * CELL
            w = (stop - start) * CELL
            ry = y + row * ROW_H
            out.append(f"<g><title>{escape(seg.tooltip)}</title>"
                       f"<rect x='{x + 1}' y='{ry + 1}' width='{w - 2}' height='{ROW_H - 6}' rx='3' "
                       f"fill='{seg.color}' stroke='#555' stroke-width='0.8'/>")
            if first and seg.label:
                room = max(1, (w - 6) // 7)
                text = seg.label if len(seg.label) <= room else seg.label[: max(1, room - 1)] + "…"
                out.append(f"<text x='{x + 4}' y='{ry + ROW_H / 2 + 1}' font-size='11' {FONT}>{escape(text)}</text>")
            out.append("</g>")
            first = False
            start = stop
    return out, (16 if caption else 0) + rows * ROW_H


def _record_segments(lay: Layout) -> list[Segment]:
    segs = [Segment(m.offset, m.size, f"{m.name} @{m.offset}", FIELD_COLORS[i % 2],
                    f"{m.name}: offset {m.offset}, size {m.size}, align {m.align}")
            for i, m in enumerate(lay.members) if m.size]
    segs += [Segment(p.offset, p.size, "pad", PADDING, f"padding: offset {p.offset}, {p.size} bytes")
             for p in lay.padding]
    return segs


def _tag_segments(lay: Layout) -> list[Segment]:
    tag = lay.tag_size or 0
    segs = [Segment(0, tag, "tag", TAG, f"tag: offset 0, size {tag}")]
    po = lay.payload_offset if any(c.has_payload for c in lay.cases) else None
    if po is not None and po > tag:
        segs.append(Segment(tag, po - tag, "pad", PADDING, f"padding: offset {tag}, {po - tag} bytes"))
    return segs


def _draw_type(name: str, lay: Layout, y: float) -> tuple[list[str], float]:
    what = f"alias of {lay.target}" if lay.kind == "alias" else lay.kind
    head = f"{name}: {what}"
    if not lay.ok:
        lines = textwrap.wrap(f"no layout: {lay.error}", 80)
        out = [f"<text x='8' y='{y + 16}' font-size='13' {FONT} font-weight='bold'>{escape(head)}</text>"]
        out += [f"<text x='{LEFT}' y='{y + 34 + 14 * i}' font-size='11' {FONT} fill='#b00'>{escape(line)}</text>"
                for i, line in enumerate(lines)]
        return out, TITLE_H + 14 * len(lines) + 6
    facts = f"size {lay.size}, align {lay.align}"
    if lay.tag_size is not None:
        facts += f", tag_size {lay.tag_size}"
    out = [f"<text x='8' y='{y + 16}' font-size='13' {FONT} font-weight='bold'>{escape(head)}"
           f"<tspan dx='10' font-weight='normal' fill='#555'>{escape(facts)}</tspan></text>"]
    used = float(TITLE_H)
    if lay.members:
        els, h = _ruler(_record_segments(lay), lay.size, y + used)
    elif lay.tag_size is not None:
        els, h = _ruler(_tag_segments(lay), lay.size, y + used, "tag")
        out += els
        used += h + 4
        for i, c in enumerate(lay.cases):
            if c.payload_size is None or lay.payload_offset is None:
                continue
            po, end = lay.payload_offset, lay.payload_offset + c.payload_size
            inside = min(end, lay.size) - po
            segs = [Segment(po, max(0, inside), f"{c.name} @{po}", PAYLOAD,
                            f"case {c.name} = {i}: payload offset {po}, size {c.payload_size}, "
                            f"align {c.payload_align}")]
            if end > lay.size:
                segs.append(Segment(lay.size, end - lay.size, f"+{end - lay.size}", PAST_SIZE,
                                    f"case {c.name}: bytes {lay.size}..{end} lie past the variant's size {lay.size}"))
            els, h = _ruler(segs, max(end, lay.size), y + used, f"case {c.name} = {i}")
            out += els
            used += h + 4
        return out, used
    elif lay.flags:
        els, h = _ruler([Segment(0, lay.size, f"{len(lay.flags)} flags", FIELD_COLORS[0],
                                 "flags: " + ", ".join(f"{f} = bit {i}" for i, f in enumerate(lay.flags)))],
                        lay.size, y + used)
    else:
        els, h = _ruler([Segment(0, lay.size, lay.kind, FIELD_COLORS[0], f"{lay.kind}: size {lay.size}")],
                        lay.size, y + used)
    return out + els, used + h


def render_svg(layouts: list[tuple[str, Layout]]) -> str:
    """One SVG document with a diagram per (name, layout), top to bottom."""
    body: list[str] = []
    y = 8.0
    for name, lay in layouts:
        els, h = _draw_type(name, lay, y)
        body += els
        y += h + GAP
    legend = [("field", FIELD_COLORS[0]), ("padding", PADDING), ("tag", TAG), ("payload", PAYLOAD),
              ("past the size", PAST_SIZE)]
    for i, (label, color) in enumerate(legend):
        x = 8 + i * 110
        body.append(f"<rect x='{x}' y='{y}' width='14' height='14' fill='{color}' stroke='#555' stroke-width='0.8'/>")
        body.append(f"<text x='{x + 20}' y='{y + 11}' font-size='11' {FONT}>{label}</text>")
    height = int(y + 24)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{_width()}' height='{height}' "
            f"viewBox='0 0 {_width()} {height}'>\n<rect width='100%' height='100%' fill='white'/>\n"
            + "\n".join(body) + "\n</svg>\n")

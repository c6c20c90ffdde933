/**
 * The memory-layout diagram of the layout webview, as HTML and CSS laid out for the width available
 * (no `vscode` import: unit-tested, and rendered by headless Chromium in the webview tests).
 *
 * The input is the server's layout JSON of one type (`witx.showLayout` result `json.types[name]`, the
 * contract of `witx-lsp layout --format json`). The bytes are drawn as rows of 16, 8 or 4 cells: the
 * page holds one grid per row width, and CSS media queries show the widest one whose every label fits
 * (so a view half as wide as the window shows 8 bytes a row instead of clipping bytes 8-15), with
 * 4 bytes a row, labels wrapping, as the fallback for narrow views. No label is ever shortened.
 */
import { escapeHtml } from "./html";

export type BoxKind = "field" | "field-alt" | "padding" | "tag" | "payload" | "past" | "value";

export interface Box {
  offset: number;
  size: number;
  /** The name shown in the box (a member, a case, "padding", "tag"). */
  name: string;
  /** Shown after the name: the offset, say. */
  detail: string;
  kind: BoxKind;
  /** The tooltip: everything about the box. */
  title: string;
}

export interface Ruler {
  caption?: string;
  /** The bytes the ruler spans (the type's size, or more when a payload lies past it). */
  total: number;
  boxes: Box[];
}

export interface Diagram {
  /** "record · size 64, align 8 · 7 bytes of padding", or the error. */
  facts: string;
  rulers: Ruler[];
  /** Lines under the rulers: cases without payloads, flags. */
  notes: string[];
  error?: string;
}

export const ROW_WIDTHS = [16, 8, 4] as const;
/** Pixel sizes the CSS below uses; `labelWidth` estimates text with them. */
export const FONT_PX = 12;
/** The advance of a monospace character at FONT_PX (0.6 em), plus a margin for wider fonts. */
export const CHAR_PX = 7.6;
export const GUTTER_PX = 44;
export const BOX_PAD_PX = 10;
export const MIN_CELL_PX = 14;
/** The page's horizontal padding and a scrollbar. */
export const PAGE_PX = 2 * 16 + 20;

interface LayoutJson {
  kind?: unknown; size?: unknown; align?: unknown; members?: unknown; flags?: unknown; tag_size?: unknown;
  payload_offset?: unknown; cases?: unknown; payloads?: unknown; padding?: unknown; canonical_size?: unknown;
  target?: unknown; error?: unknown;
}

/** The layout JSON of `typeName` in a `witx.showLayout` result (`json.types[name]`). */
export function layoutOf(json: unknown, typeName: string): unknown {
  const types = (json as { types?: Record<string, unknown> } | null)?.types;
  if (types === null || typeof types !== "object") return undefined;
  return types[typeName.replace(/^\$/, "")] ?? Object.values(types)[0];
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The rulers of one type's layout JSON. */
export function diagramOf(json: unknown): Diagram {
  const j = (json ?? {}) as LayoutJson;
  const kind = str(j.kind) || "type";
  const what = kind === "alias" && str(j.target) ? `alias of $${str(j.target)}` : kind;
  const size = num(j.size);
  const align = num(j.align);
  if (typeof j.error === "string" || size === undefined || align === undefined) {
    return { facts: `${what} · no layout`, rulers: [], notes: [], error: str(j.error) || "no layout" };
  }
  const facts = [what, `size ${size}, align ${align}`];
  const rulers: Ruler[] = [];
  const notes: string[] = [];
  const members = arr(j.members) as { name?: unknown; offset?: unknown; size?: unknown; align?: unknown }[];
  const padding = arr(j.padding) as { offset?: unknown; size?: unknown }[];
  const tag = num(j.tag_size);
  if (members.length > 0) {
    const boxes: Box[] = members.filter((m) => (num(m.size) ?? 0) > 0).map((m, i) => ({
      offset: num(m.offset) ?? 0, size: num(m.size) ?? 0, name: str(m.name), detail: `@${num(m.offset) ?? 0}`,
      kind: i % 2 === 0 ? "field" : "field-alt",
      title: `${str(m.name)}: offset ${num(m.offset) ?? 0}, size ${num(m.size) ?? 0}, align ${num(m.align) ?? 0}`,
    }));
    let padded = 0;
    for (const p of padding) {
      const o = num(p.offset) ?? 0;
      const s = num(p.size) ?? 0;
      padded += s;
      if (s > 0) boxes.push({ offset: o, size: s, name: "pad", detail: `${s}`, kind: "padding", title: `padding: offset ${o}, ${s} byte${s === 1 ? "" : "s"}` });
    }
    facts.push(padded ? `${padded} byte${padded === 1 ? "" : "s"} of padding` : "no padding");
    rulers.push({ total: size, boxes: boxes.sort((a, b) => a.offset - b.offset) });
  } else if (tag !== undefined) {
    rulers.push(...variantRulers(j, size, tag, facts, notes));
  } else if (arr(j.flags).length > 0) {
    const flags = arr(j.flags).map(str);
    rulers.push({ total: size, boxes: [{ offset: 0, size, name: `${flags.length} flag${flags.length === 1 ? "" : "s"}`, detail: "", kind: "value", title: flags.join(", ") }] });
    notes.push(`flags: ${flags.map((f, i) => `${f} = bit ${i}`).join(", ")}`);
  } else if (kind === "list" || kind === "string") {
    rulers.push({ total: size, boxes: [
      { offset: 0, size: 4, name: "offset", detail: "@0", kind: "field", title: "the offset of the elements in guest memory (u32)" },
      { offset: 4, size: 4, name: "length", detail: "@4", kind: "field-alt", title: "the number of elements (u32)" }] });
  } else {
    rulers.push({ total: size, boxes: size > 0 ? [{ offset: 0, size, name: kind, detail: "", kind: "value", title: `${kind}: size ${size}` }] : [] });
  }
  return { facts: facts.join(" · "), rulers, notes };
}

function variantRulers(j: LayoutJson, size: number, tag: number, facts: string[], notes: string[]): Ruler[] {
  const cases = arr(j.cases).map(str);
  const payloads = arr(j.payloads) as ({ size?: unknown; align?: unknown } | null)[];
  const po = num(j.payload_offset);
  const withPayload = payloads.some((p) => p !== null && p !== undefined);
  const tagBoxes: Box[] = [{ offset: 0, size: tag, name: "tag", detail: `u${tag * 8}`, kind: "tag", title: `tag: offset 0, size ${tag}` }];
  if (po !== undefined && withPayload && po > tag) {
    tagBoxes.push({ offset: tag, size: po - tag, name: "pad", detail: `${po - tag}`, kind: "padding", title: `padding: offset ${tag}, ${po - tag} bytes` });
    facts.push(`${po - tag} bytes of padding`);
  }
  facts.push(`tag ${tag} byte${tag === 1 ? "" : "s"}`);
  if (po !== undefined && withPayload) facts.push(`payload @${po}`);
  const rulers: Ruler[] = [{ caption: "tag", total: size, boxes: tagBoxes }];
  const bare: string[] = [];
  cases.forEach((name, i) => {
    const p = payloads[i];
    const psize = p ? num(p.size) : undefined;
    if (!p || psize === undefined || po === undefined) {
      bare.push(`${name} = ${i}`);
      return;
    }
    const end = po + psize;
    const inside = Math.max(0, Math.min(end, size) - po);
    const boxes: Box[] = [];
    if (inside > 0) {
      boxes.push({ offset: po, size: inside, name, detail: `@${po}`, kind: "payload",
        title: `case ${name} = ${i}: payload offset ${po}, size ${psize}, align ${num(p.align) ?? 0}` });
    }
    if (end > size) {
      boxes.push({ offset: Math.max(size, po), size: end - Math.max(size, po), name: `+${end - Math.max(size, po)}`, detail: "", kind: "past",
        title: `case ${name}: bytes ${size}..${end} lie past the variant's size ${size}` });
    }
    rulers.push({ caption: `case ${name} = ${i}`, total: Math.max(end, size), boxes });
  });
  if (bare.length > 0) notes.push(`cases without payload: ${bare.join(", ")}`);
  return rulers;
}

/** The pixels a box label takes: the name, with its detail on a second line. */
export function labelWidth(box: Box): number {
  return Math.max([...box.name].length, [...box.detail].length) * CHAR_PX + BOX_PAD_PX;
}

/** A box cut at row ends: its pieces as (row, first column, bytes). */
export function pieces(box: Box, perRow: number): { row: number; col: number; bytes: number }[] {
  const out = [];
  let start = box.offset;
  const end = box.offset + box.size;
  while (start < end) {
    const row = Math.floor(start / perRow);
    const stop = Math.min(end, (row + 1) * perRow);
    out.push({ row, col: start % perRow, bytes: stop - start });
    start = stop;
  }
  return out;
}

/** The piece that carries the label: the widest (the first of equals). */
export function labelPiece(box: Box, perRow: number): number {
  const ps = pieces(box, perRow);
  let best = 0;
  ps.forEach((p, i) => { if (p.bytes > ps[best].bytes) best = i; });
  return best;
}

/** The narrowest page (CSS pixels) on which every label of `diagram` fits in rows of `perRow` bytes. */
export function neededWidth(diagram: Diagram, perRow: number): number {
  let cell = MIN_CELL_PX;
  for (const ruler of diagram.rulers) {
    for (const box of ruler.boxes) {
      const ps = pieces(box, perRow);
      if (ps.length === 0) continue;
      cell = Math.max(cell, labelWidth(box) / ps[labelPiece(box, perRow)].bytes);
    }
  }
  return Math.ceil(PAGE_PX + GUTTER_PX + perRow * cell);
}

function rulerHtml(ruler: Ruler, perRow: number): string {
  const rows = Math.max(1, Math.ceil(ruler.total / perRow));
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    out.push(`<span class="off r${r + 1}">${r * perRow}</span>`);
    const cells = Math.min(perRow, ruler.total - r * perRow);
    if (cells > 0) out.push(`<span class="cells r${r + 1} c2 s${cells}"></span>`);
  }
  for (const box of ruler.boxes) {
    const ps = pieces(box, perRow);
    const labelled = labelPiece(box, perRow);
    ps.forEach((p, i) => {
      const label = i === labelled
        ? `<span class="name">${escapeHtml(box.name)}</span>${box.detail ? `<span class="detail">${escapeHtml(box.detail)}</span>` : ""}`
        : "";
      out.push(`<span class="box ${box.kind} r${p.row + 1} c${p.col + 2} s${p.bytes}" title="${escapeHtml(box.title)}" ` +
        `data-name="${escapeHtml(box.name)}">${label}</span>`);
    });
  }
  const caption = ruler.caption ? `<div class="caption">${escapeHtml(ruler.caption)}</div>` : "";
  return `${caption}<div class="ruler">${out.join("")}</div>`;
}

/** The diagram's HTML: one grid per row width, shown by the media queries of `diagramCss`. */
export function diagramHtml(diagram: Diagram): string {
  if (diagram.error !== undefined) return `<p class="error" id="error">${escapeHtml(diagram.error)}</p>`;
  const grids = ROW_WIDTHS.map((perRow) =>
    `<div class="grid bytes-${perRow}" data-bytes-per-row="${perRow}">${diagram.rulers.map((r) => rulerHtml(r, perRow)).join("\n")}</div>`);
  const notes = diagram.notes.map((n) => `<p class="muted note">${escapeHtml(n)}</p>`).join("");
  const legend = [["field", "field"], ["padding", "padding"], ["tag", "tag"], ["payload", "payload"], ["past", "past the size"]]
    .map(([k, label]) => `<span class="key"><span class="swatch ${k}"></span>${label}</span>`).join(" ");
  return `<section id="diagram" aria-label="Memory layout">\n${grids.join("\n")}\n${notes}<p class="legend">${legend}</p></section>`;
}

/**
 * Grid placement as classes (`r3` row 3, `c2` first column 2, `s4` spanning 4): the page's content
 * security policy allows its one nonce'd stylesheet, not style attributes.
 */
function placementCss(diagram: Diagram): string {
  const rows = Math.max(1, ...diagram.rulers.map((r) => Math.ceil(r.total / 4)));
  const out: string[] = [];
  for (let r = 1; r <= rows; r++) out.push(`.r${r}{grid-row:${r}}`);
  for (let c = 2; c <= 17; c++) out.push(`.c${c}{grid-column-start:${c}}`);
  for (let n = 1; n <= 16; n++) out.push(`.s${n}{grid-column-end:span ${n}}`);
  for (const perRow of ROW_WIDTHS) out.push(`.bytes-${perRow} .ruler{grid-template-columns:${GUTTER_PX}px repeat(${perRow},minmax(0,1fr))}`);
  return out.join("\n  ");
}

/** The CSS of the diagram: which grid shows at which width, and the box colours. */
export function diagramCss(diagram: Diagram): string {
  const w16 = neededWidth(diagram, 16);
  const w8 = Math.min(neededWidth(diagram, 8), w16);
  return `
  ${placementCss(diagram)}
  .grid { display: none; }
  .bytes-4 { display: block; }
  @media (min-width: ${w8}px) { .bytes-4 { display: none; } .bytes-8 { display: block; } }
  @media (min-width: ${w16}px) { .bytes-8, .bytes-4 { display: none; } .bytes-16 { display: block; } }
  .ruler { display: grid; grid-auto-rows: minmax(40px, auto); row-gap: 4px; margin: 2px 0 10px; }
  .caption { font-size: 0.9em; opacity: 0.8; margin-top: 6px; }
  .off { grid-column: 1; align-self: center; text-align: right; padding-right: 6px; font-size: 10px; opacity: 0.7;
         font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
  .cells { background: #fff; border: 1px solid #ccc; border-radius: 2px; }
  .box { z-index: 1; margin: 1px; border: 1px solid #555; border-radius: 3px; color: #111; min-width: 0;
         font: ${FONT_PX}px/1.3 var(--vscode-editor-font-family, ui-monospace, monospace); padding: 2px ${BOX_PAD_PX / 2 - 1}px;
         white-space: nowrap; overflow: hidden; }
  .bytes-4 .box { white-space: normal; overflow-wrap: anywhere; }
  .box .name, .box .detail { display: block; }
  .box .detail { opacity: 0.7; font-size: 11px; }
  .field, .swatch.field { background: #8ecae6; } .field-alt { background: #bde0fe; }
  .padding, .swatch.padding { background: #e5e5e5; } .tag, .swatch.tag { background: #ffb703; }
  .payload, .swatch.payload { background: #95d5b2; } .past, .swatch.past { background: #f28482; }
  .value { background: #8ecae6; }
  .legend { font-size: 0.85em; } .key { margin-right: 12px; white-space: nowrap; }
  .swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #555; vertical-align: -2px; margin-right: 4px; }`;
}

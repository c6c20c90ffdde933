/**
 * The HTML of the memory-layout webview (no `vscode` import: the webview test renders it in
 * headless Chromium). The diagram is HTML drawn from the server's layout JSON (layoutDiagram.ts),
 * laid out for the width of the view; the page's one script has a nonce and talks to the
 * extension only.
 */
import { diagramCss, diagramHtml, diagramOf } from "./layoutDiagram";
import { escapeHtml } from "./html";

export interface LayoutPage {
  typeName: string;
  /** The document, for the heading. */
  source: string;
  /** The server's layout JSON of the type (`witx.showLayout` result `json.types[name]`). */
  layout?: unknown;
  text?: string;
  /** An error instead of the diagram. */
  error?: string;
  /** `webview.cspSource`, or "" outside VS Code. */
  cspSource: string;
  nonce: string;
  /** Whether the server can encode values of this type (the runtime features). */
  canEncode: boolean;
  /** Why it cannot, shown in the value section. */
  encodeUnavailable?: string;
  /** The value last encoded (the text typed), and what the server answered (the bytes). */
  value?: string;
  bytesText?: string;
}

export { escapeHtml };

export function makeNonce(random: () => number = Math.random): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < 32; i++) out += chars[Math.floor(random() * chars.length)];
  return out;
}

/** Bytes as a hex dump: 16 per line, with offsets. */
export function hexDump(bytes: readonly number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.slice(i, i + 16).map((b) => b.toString(16).padStart(2, "0"));
    lines.push(`${i.toString(16).padStart(4, "0")}  ${row.join(" ")}`);
  }
  return lines.join("\n");
}

/** The text shown for a `witx.encodeValue` result: the error, or the bytes and the server's legend. */
export function encodeResultText(result: unknown): string {
  const r = result as { error?: unknown; text?: unknown } | null;
  if (r !== null && typeof r === "object" && typeof r.error === "string") return r.error;
  const bytes = bytesOf(result);
  const parts = [bytes ? `${bytes.length} byte${bytes.length === 1 ? "" : "s"}\n${hexDump(bytes)}` : JSON.stringify(result, null, 2)];
  if (r !== null && typeof r === "object" && typeof r.text === "string" && r.text.trim() !== "") parts.push(r.text.trimEnd());
  return parts.join("\n\n");
}

/** Bytes from a server result: a hex string, a list of numbers, or an object holding one. */
export function bytesOf(value: unknown): number[] | undefined {
  if (typeof value === "string" && /^(?:[0-9a-fA-F]{2})*$/.test(value.replace(/\s+/g, ""))) {
    const hex = value.replace(/\s+/g, "");
    const out: number[] = [];
    for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
    return out;
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) return value as number[];
  if (value !== null && typeof value === "object") {
    const v = value as Record<string, unknown>;
    for (const key of ["hex", "bytes", "data"]) {
      if (key in v) return bytesOf(v[key]);
    }
  }
  return undefined;
}

export function layoutHtml(page: LayoutPage): string {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${page.nonce}'`,
    `script-src 'nonce-${page.nonce}'`,
  ].join("; ");
  const drawn = diagramOf(page.layout);
  const facts = page.error === undefined ? `<p id="facts">${escapeHtml(drawn.facts)}</p>` : "";
  const diagram = page.error !== undefined ? `<p class="error" id="error">${escapeHtml(page.error)}</p>` : diagramHtml(drawn);
  const text = page.text ? `<details><summary>As text</summary><pre id="text">${escapeHtml(page.text)}</pre></details>` : "";
  const value = page.canEncode
    ? `<label for="value">A value of <code>${escapeHtml(page.typeName)}</code> (JSON)</label>
<textarea id="value" rows="4" spellcheck="false">${escapeHtml(page.value ?? "")}</textarea>
<button id="encode">Show bytes</button>
<pre id="bytes" aria-live="polite">${escapeHtml(page.bytesText ?? "")}</pre>`
    : `<p class="muted" id="no-runtime">${escapeHtml(page.encodeUnavailable ?? "Encoding values needs the runtime features of the server.")}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, "&quot;")}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Layout of ${escapeHtml(page.typeName)}</title>
<style nonce="${page.nonce}">
  body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #222);
         background: var(--vscode-editor-background, #fff); padding: 0 16px; }
  h1 { font-size: 1.2em; font-weight: 600; }
  code, pre, textarea { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
${diagramCss(drawn)}
  .muted { opacity: 0.75; }
  .error { color: var(--vscode-errorForeground, #c00); }
  textarea { width: 100%; box-sizing: border-box; color: inherit; background: var(--vscode-input-background, #fff);
             border: 1px solid var(--vscode-input-border, #ccc); }
  button { margin: 6px 0; color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0366d6);
           border: none; padding: 4px 12px; cursor: pointer; }
</style>
</head>
<body>
<h1>Memory layout of <code>$${escapeHtml(page.typeName)}</code> <span class="muted">in ${escapeHtml(page.source)}</span></h1>
${facts}
${diagram}
${text}
<h2>Value bytes</h2>
${value}
<script nonce="${page.nonce}">
(function () {
  const vscode = typeof acquireVsCodeApi === "function" ? acquireVsCodeApi() : undefined;
  const button = document.getElementById("encode");
  const out = document.getElementById("bytes");
  if (button && vscode) {
    button.addEventListener("click", function () {
      out.textContent = "…";
      vscode.postMessage({ type: "encode", value: document.getElementById("value").value });
    });
  }
  window.addEventListener("message", function (event) {
    const m = event.data;
    if (out && m && m.type === "bytes") out.textContent = m.text;
  });
})();
</script>
</body>
</html>
`;
}

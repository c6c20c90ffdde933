/**
 * The memory-layout webview's HTML (src/layoutHtml.ts, drawn from the bundled server's layout JSON)
 * rendered by headless Chromium (puppeteer-core) at several widths, under the page's content
 * security policy: at each width the widest row layout (16, 8 or 4 bytes) that fits shows, no box
 * sticks out of the view, and every member name is shown in full (issue 11, fault 9: at half of a
 * 1600-pixel window the old diagram showed bytes 0-7 of each row and names cut to `fil…`). The
 * screenshots are kept in test-results/.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { layoutOf } from "../../src/layoutDiagram";
import { encodeResultText, layoutHtml, makeNonce } from "../../src/layoutHtml";
import { asLayoutResult, COMMANDS, runServerCommand } from "../../src/serverCommands";
import { repo, root, vsixPath } from "../util/paths";
import { bundledLaunch, startServer, stopServer, unpackVsix } from "../util/lsp";
import { countColour, decodePng } from "../util/png";
import puppeteer from "puppeteer-core";


/** The path of a Chromium: $CHROMIUM, else the first of the usual names on PATH. */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].filter((c): c is string => !!c);
  for (const c of candidates) {
    const found = path.isAbsolute(c) ? c : (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, c)).find((p) => existsSync(p));
    if (found && spawnSync(found, ["--version"], { encoding: "utf8" }).status === 0) return found;
  }
  return undefined;
}

const chromium = findChromium();
const required = process.env.WITX_REQUIRE_CHROMIUM === "1";
const skip = !existsSync(vsixPath) ? "run npm run build first" : chromium === undefined && !required ? "no chromium (apt-get install chromium)" : false;

/** The diagram of `type` in `file`: from `witx.showLayout` when the server has it, else from `witx-lsp layout`. */
const VALUE = '{"version": 7, "written": 1700000000, "len": 42, "expiry": "never", "flags": ["pinned"]}';

async function diagram(extensionPath: string, file: string, type: string): Promise<{ layout: unknown; text: string; via: string; bytes?: string }> {
  const server = await startServer(extensionPath);
  try {
    const init: any = await server.connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
    await server.connection.sendNotification("initialized", {});
    // As in an editor, the file is open when its layout is asked for (the server reads only open
    // documents and files under the workspace folders).
    const uri = pathToFileURL(file).href;
    await server.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "witx", version: 1, text: readFileSync(file, "utf8") } });
    const client = { isRunning: () => true, initializeResult: init, sendRequest: (m: string, p: unknown) => server.connection.sendRequest(m, p) };
    if (init.capabilities.executeCommandProvider?.commands?.includes(COMMANDS.showLayout)) {
      const r = asLayoutResult(await runServerCommand(client, COMMANDS.showLayout, [uri, type]));
      const bytes = init.capabilities.executeCommandProvider.commands.includes(COMMANDS.encodeValue)
        ? encodeResultText(await runServerCommand(client, COMMANDS.encodeValue, [uri, type, VALUE]))
        : undefined;
      return { layout: layoutOf(r.json, type), text: r.text, via: "witx.showLayout", bytes };
    }
  } finally {
    await stopServer(server);
  }
  const { launch, env } = await bundledLaunch(extensionPath);
  const run = (format: string) => spawnSync(launch.command, ["-S", "-m", "witx_lsp", "layout", "--type", type, "--format", format, file], { env, cwd: launch.cwd, encoding: "utf8" });
  const json = run("json");
  assert.equal(json.status, 0, json.stderr);
  return { layout: layoutOf(JSON.parse(json.stdout), type), text: run("text").stdout, via: "witx-lsp layout" };
}

/** Our own fixture: a record with one-byte fields between eight-byte ones (the shape of preview1's
 * `filestat`), and a variant whose payload lies past its size. */
const FIXTURE = `(typename $filetype (enum (@witx tag u8) $unknown $directory $regular_file))
(typename $stat (record (field $dev u64) (field $ino u64) (field $filetype $filetype) (field $nlink u64)
  (field $size u64) (field $atim u64) (field $mtim u64) (field $ctim u64)))
(typename $nine (record (field $a u8) (field $b u8) (field $c u8) (field $d u8) (field $e u8) (field $f u8)
  (field $g u8) (field $h u8) (field $i u8)))
(typename $quirk (variant (@witx tag u8) (case $wide u64) (case $odd $nine) (case $none)))
`;

/** Widths of the view (CSS pixels): a full window, half of 1600 px, half of 1600 px beside the side bar, narrow. */
const WIDTHS = [1500, 800, 560, 360];

interface Seen { perRow: number; names: string[]; clipped: string[]; outside: string[]; grids: number }

/** Run in the page (a string: the tests compile without the DOM library). */
const INSPECT = `(() => {
  const grids = [...document.querySelectorAll(".grid")].filter((g) => getComputedStyle(g).display !== "none");
  const grid = grids[0];
  const boxes = grid ? [...grid.querySelectorAll(".box")] : [];
  const labelled = boxes.filter((b) => b.querySelector(".name"));
  const width = document.documentElement.clientWidth;
  return {
    grids: grids.length,
    perRow: Number(grid ? grid.dataset.bytesPerRow : 0),
    names: labelled.map((b) => b.querySelector(".name").textContent),
    // A label is cut when its box's content is larger than the box (the box hides the overflow).
    clipped: labelled.filter((b) => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1).map((b) => b.dataset.name),
    outside: boxes.filter((b) => b.getBoundingClientRect().right > width + 0.5).map((b) => b.dataset.name),
  };
})()`;

async function inspect(page: import("puppeteer-core").Page): Promise<Seen> {
  return page.evaluate(INSPECT) as Promise<Seen>;
}

describe("the layout webview in headless Chromium", { skip, timeout: 240_000 }, () => {
  it("lays the rows out for the width available and shows every name in full", async () => {
    assert.ok(chromium, "WITX_REQUIRE_CHROMIUM=1 but no chromium was found");
    const extensionPath = unpackVsix();
    const work = mkdtempSync(path.join(tmpdir(), "witx-webview-"));
    const results = path.join(root, "test-results");
    mkdirSync(results, { recursive: true });
    const browser = await puppeteer.launch({ executablePath: chromium, headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-color-profile=srgb"], userDataDir: path.join(work, "profile") });
    try {
      const file = path.join(work, "fixture.witx");
      writeFileSync(file, FIXTURE);
      const perRow: Record<string, number[]> = {};
      for (const [type, members] of [["stat", ["dev", "ino", "filetype", "nlink", "size", "atim", "mtim", "ctim"]],
        ["quirk", ["tag", "wide", "odd"]]] as const) {
        const { layout, text, via } = await diagram(extensionPath, file, type);
        const html = layoutHtml({ typeName: type, source: "fixture.witx", layout, text, cspSource: "", nonce: makeNonce(), canEncode: false });
        const pagePath = path.join(work, `${type}.html`);
        writeFileSync(pagePath, html);
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on("console", (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
        perRow[type] = [];
        for (const width of WIDTHS) {
          await page.setViewport({ width, height: 900 });
          await page.goto(pathToFileURL(pagePath).href);
          const seen = await inspect(page);
          const shot = path.join(results, `layout-${type}-${width}.png`) as `${string}.png`;
          await page.screenshot({ path: shot, fullPage: true });
          console.log(`# ${type} at ${width}px (${via}): ${seen.perRow} bytes a row; names ${seen.names.join(", ")}; ${shot}`);
          assert.equal(seen.grids, 1, "exactly one row layout shows");
          perRow[type].push(seen.perRow);
          for (const m of members) assert.ok(seen.names.includes(m), `${type} at ${width}px: ${m} is not shown in full (${seen.names.join(", ")})`);
          assert.deepEqual(seen.clipped, [], `${type} at ${width}px: labels cut`);
          assert.deepEqual(seen.outside, [], `${type} at ${width}px: boxes outside the view`);
          // The diagram's colours are on the screen (the stylesheet ran under the policy).
          const img = decodePng(readFileSync(shot));
          assert.ok(countColour(img, "#8ecae6") + countColour(img, "#95d5b2") > 2000, `${type} at ${width}px: no boxes drawn`);
        }
        assert.deepEqual(violations, []);
        await page.close();
      }
      // Wider views show more bytes a row: the record 16 on a full window, 8 at half of 1600 px, 4 when narrow;
      // the variant (short names) 16 at half of 1600 px.
      for (const rows of Object.values(perRow)) {
        for (let i = 1; i < rows.length; i++) assert.ok(rows[i] <= rows[i - 1], rows.join(" "));
      }
      assert.deepEqual(perRow.stat, [16, 8, 4, 4]);
      assert.deepEqual(perRow.quirk.slice(0, 2), [16, 16]);
    } finally {
      await browser.close();
      rmSync(work, { recursive: true, force: true });
      rmSync(path.dirname(extensionPath), { recursive: true, force: true });
    }
  });

  it("shows the bytes of a value", async () => {
    const extensionPath = unpackVsix();
    try {
      const file = path.join(repo, "examples", "kv_store", "kv_store.witx");
      const { bytes } = await diagram(extensionPath, file, "entry_meta");
      if (bytes === undefined) return;  // a server without the runtime features: the page says so (unit-tested)
      assert.match(bytes, /^32 bytes\n0000 {2}07 00 00 00 00 00 00 00 00 f1 53 65 00 00 00 00\n0010 {2}2a 00/);
      const html = layoutHtml({ typeName: "entry_meta", source: "kv_store.witx", layout: undefined, cspSource: "", nonce: makeNonce(),
        canEncode: true, value: VALUE, bytesText: bytes });
      assert.ok(html.includes(bytes.split("\n")[1]));
    } finally {
      rmSync(path.dirname(extensionPath), { recursive: true, force: true });
    }
  });
});

/**
 * The memory-layout webview's HTML (src/layoutHtml.ts, with the diagram the bundled server draws)
 * rendered by headless Chromium: the screenshot must show the diagram, i.e. the diagram's own fill
 * colours, under the page's content security policy. The screenshot is kept in test-results/.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { encodeResultText, layoutHtml, makeNonce } from "../../src/layoutHtml";
import { asLayoutResult, COMMANDS, runServerCommand } from "../../src/serverCommands";
import { repo, root, vsixPath } from "../util/paths";
import { bundledLaunch, startServer, stopServer, unpackVsix } from "../util/lsp";
import { countColour, decodePng } from "../util/png";


function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].filter((c): c is string => !!c);
  for (const c of candidates) {
    const res = spawnSync(c, ["--version"], { encoding: "utf8" });
    if (res.status === 0) return c;
  }
  return undefined;
}

const chromium = findChromium();
const required = process.env.WITX_REQUIRE_CHROMIUM === "1";
const skip = !existsSync(vsixPath) ? "run npm run build first" : chromium === undefined && !required ? "no chromium (apt-get install chromium)" : false;

/** The diagram of `type` in `file`: from `witx.showLayout` when the server has it, else from `witx-lsp layout`. */
const VALUE = '{"version": 7, "written": 1700000000, "len": 42, "expiry": "never", "flags": ["pinned"]}';

async function diagram(extensionPath: string, file: string, type: string): Promise<{ svg: string; text: string; via: string; bytes?: string }> {
  const server = await startServer(extensionPath);
  try {
    const init: any = await server.connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
    await server.connection.sendNotification("initialized", {});
    const client = { isRunning: () => true, initializeResult: init, sendRequest: (m: string, p: unknown) => server.connection.sendRequest(m, p) };
    if (init.capabilities.executeCommandProvider?.commands?.includes(COMMANDS.showLayout)) {
      const r = asLayoutResult(await runServerCommand(client, COMMANDS.showLayout, [pathToFileURL(file).href, type]));
      const bytes = init.capabilities.executeCommandProvider.commands.includes(COMMANDS.encodeValue)
        ? encodeResultText(await runServerCommand(client, COMMANDS.encodeValue, [pathToFileURL(file).href, type, VALUE]))
        : undefined;
      return { svg: r.svg, text: r.text, via: "witx.showLayout", bytes };
    }
  } finally {
    await stopServer(server);
  }
  const { launch, env } = await bundledLaunch(extensionPath);
  const run = (format: string) => spawnSync(launch.command, ["-S", "-m", "witx_lsp", "layout", "--type", type, "--format", format, file], { env, cwd: launch.cwd, encoding: "utf8" });
  const svg = run("svg");
  assert.equal(svg.status, 0, svg.stderr);
  return { svg: svg.stdout, text: run("text").stdout, via: "witx-lsp layout" };
}

describe("the layout webview in headless Chromium", { skip, timeout: 180_000 }, () => {
  it("shows the diagram", async () => {
    assert.ok(chromium, "WITX_REQUIRE_CHROMIUM=1 but no chromium was found");
    const extensionPath = unpackVsix();
    const work = mkdtempSync(path.join(tmpdir(), "witx-webview-"));
    try {
      const file = path.join(repo, "examples", "kv_store", "kv_store.witx");
      const { svg, text, via, bytes } = await diagram(extensionPath, file, "entry_meta");
      if (bytes !== undefined) assert.match(bytes, /^32 bytes\n0000 {2}07 00 00 00 00 00 00 00 00 f1 53 65 00 00 00 00\n0010 {2}2a 00/);
      const html = layoutHtml({ typeName: "entry_meta", source: "examples/kv_store/kv_store.witx", svg, text, cspSource: "",
        nonce: makeNonce(), canEncode: bytes !== undefined, value: VALUE, bytesText: bytes,
        encodeUnavailable: "Showing the bytes of a value needs the runtime features." });
      const page = path.join(work, "layout.html");
      writeFileSync(page, html);
      const results = path.join(root, "test-results");
      mkdirSync(results, { recursive: true });
      const shot = path.join(results, "layout-webview.png");
      rmSync(shot, { force: true });
      const res = spawnSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-color-profile=srgb",
        `--user-data-dir=${path.join(work, "profile")}`, "--window-size=900,760", `--screenshot=${shot}`, pathToFileURL(page).href],
      { encoding: "utf8", timeout: 120_000 });
      assert.ok(existsSync(shot), `no screenshot (status ${res.status}):\n${res.stderr}`);
      const img = decodePng(readFileSync(shot));
      assert.equal(img.width, 900);
      const palette = [...new Set([...svg.matchAll(/fill='(#[0-9a-fA-F]{6})'/g)].map((m) => m[1].toLowerCase()))]
        .filter((c) => !["#ffffff", "#e5e5e5"].includes(c));
      const shown = palette.map((c) => [c, countColour(img, c)] as const);
      const visible = shown.filter(([, n]) => n >= 50);
      console.log(`# diagram via ${via}; colours in the screenshot: ${shown.map(([c, n]) => `${c}=${n}`).join(" ")}; ${shot}`);
      assert.ok(palette.length >= 3, `the diagram has too few colours: ${palette.join(" ")}`);
      assert.ok(shown.some(([, n]) => n >= 2000), `no field bar of the diagram in the screenshot: ${JSON.stringify(shown)}`);
      assert.equal(visible.length, palette.length, `colours of the diagram missing from the screenshot: ${JSON.stringify(shown)}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(path.dirname(extensionPath), { recursive: true, force: true });
    }
  });
});

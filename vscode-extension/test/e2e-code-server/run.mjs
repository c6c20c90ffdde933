// The VS Code end-to-end test: the built .vsix installed into a real VS Code (code-server 4.100.3 =
// VS Code 1.100.3) driven by Chromium through puppeteer-core, on a workspace of the WASI preview1 files
// and the test's own fixtures, with `witx.server.path` set as the README documents (in the machine
// settings of the remote window) to a `witx-lsp` of the CI's environment.
//
//   node test/e2e-code-server/run.mjs --code-server DIR --vsix X.vsix --witx-lsp /venv/bin/witx-lsp
//        [--corpus ../shared/corpus] [--chromium /usr/bin/chromium] [--out DIR]
//
// It checks activation, squiggles and Problems rows, hover (size and alignment first), the layout view at
// half of a 1600-pixel window with every name readable, the preview document, a clean output channel, the
// server process started through `witx.server.path` with one `--stdio`, and that a failing server does
// not block a restart behind its error toast. Screenshots go to --out (a temp dir by default).
// Install recipe and pitfalls: ../shared/reference/tooling-notes.md §10.1; see install.sh.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const here = path.dirname(new URL(import.meta.url).pathname);
const extRoot = path.resolve(here, "..", "..");
const codeServerDir = args["code-server"];
const vsix = path.resolve(args.vsix ?? path.join(extRoot, "witx-vscode.vsix"));
const witxLsp = args["witx-lsp"];
const chromium = args.chromium ?? "/usr/bin/chromium";
const corpus = args.corpus;
const out = args.out ?? mkdtempSync(path.join(tmpdir(), "witx-e2e-shots-"));
assert.ok(codeServerDir && existsSync(path.join(codeServerDir, "node_modules", ".bin", "code-server")), "--code-server DIR (from install.sh)");
assert.ok(existsSync(vsix), `no ${vsix}: npm run build first`);
assert.ok(witxLsp && existsSync(witxLsp), "--witx-lsp PATH: the witx-lsp the server path setting names");
const require = createRequire(path.join(extRoot, "package.json"));
const puppeteer = require("puppeteer-core");
const codeServer = path.join(codeServerDir, "node_modules", ".bin", "code-server");

/** Run in each frame: the layout webview's visible grid, its labels, and what is cut or outside the view. */
const INSPECT = `(() => {
  const grids = [...document.querySelectorAll(".grid")].filter((g) => getComputedStyle(g).display !== "none");
  const grid = grids[0];
  const boxes = grid ? [...grid.querySelectorAll(".box")] : [];
  const labelled = boxes.filter((b) => b.querySelector(".name"));
  const width = document.documentElement.clientWidth;
  return {
    grids: grids.length, width,
    perRow: Number(grid ? grid.dataset.bytesPerRow : 0),
    names: labelled.map((b) => b.querySelector(".name").textContent),
    clipped: labelled.filter((b) => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1).map((b) => b.dataset.name),
    outside: boxes.filter((b) => b.getBoundingClientRect().right > width + 0.5).map((b) => b.dataset.name),
  };
})()`;

const log = (m) => console.log(`e2e: ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, "ok"]);
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push([name, "FAILED"]);
    log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

// --- the workspace: preview1 files (copied at test time, never committed) and our own fixtures -------------
const work = realpathSync(mkdtempSync(path.join(tmpdir(), "witx-e2e-")));
const ws = path.join(work, "ws");
mkdirSync(ws);
const preview1 = corpus ? path.join(corpus, "WebAssembly_WASI", "wasi-0.1_fae981ba", "preview1", "witx") : undefined;
if (preview1 && existsSync(preview1)) {
  for (const f of readdirSync(preview1)) cpSync(path.join(preview1, f), path.join(ws, "preview1", f), { recursive: true });
} else {
  cpSync(path.join(extRoot, "..", "examples", "kv_store"), path.join(ws, "kv_store"), { recursive: true });
}
const STAT = `;;; File attributes (a fixture shaped like preview1's filestat).
(typename $filetype (enum (@witx tag u8) $unknown $directory $regular_file))
(typename $stat
  (record
    (field $dev u64)
    (field $ino u64)
    (field $filetype $filetype)
    (field $nlink u64)
    (field $size u64)
    (field $atim u64)
    (field $mtim u64)
    (field $ctim u64)))
(typename $errno (enum (@witx tag u16) $success $badf))
(module $files
  (import "memory" (memory))
  ;;; Get the attributes of a file.
  (@interface func (export "stat_get")
    (param $fd u32)
    (result $error (expected $stat (error $errno)))))
`;
const ERRORS = `(typename $broken (record (field $x $no_such_type)))\n`;
writeFileSync(path.join(ws, "stat.witx"), STAT);
writeFileSync(path.join(ws, "errors.witx"), ERRORS);
const position = (text, needle, delta = 1) => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
};

// --- code-server ------------------------------------------------------------------------------------------
const userData = path.join(work, "user-data");
const extensions = path.join(work, "extensions");
mkdirSync(path.join(userData, "User"), { recursive: true });
mkdirSync(path.join(userData, "Machine"), { recursive: true });
const machineSettings = (serverPath) => writeFileSync(path.join(userData, "Machine", "settings.json"),
  JSON.stringify({ "witx.server.path": serverPath }, null, 2));
// As documented: `witx.server.path` is machine-overridable, so a remote window (code-server) reads it from
// the machine settings, not from the user settings.
machineSettings([witxLsp]);
writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify({
  "workbench.startupEditor": "none", "workbench.tips.enabled": false, "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "workbench.enableExperiments": false, "editor.hover.delay": 100, "window.commandCenter": false,
}, null, 2));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on("error", reject);
  });
}

const install = spawnSync(codeServer, ["--install-extension", vsix, "--extensions-dir", extensions, "--user-data-dir", userData],
  { encoding: "utf8", timeout: 120_000 });
assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
log(`installed ${path.basename(vsix)}: ${install.stdout.trim().split("\n").pop()}`);

const port = await freePort();
const csLog = [];
const cs = spawn(codeServer, ["--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-workspace-trust", "--disable-telemetry",
  "--disable-update-check", "--disable-getting-started-override", "--extensions-dir", extensions, "--user-data-dir", userData, ws],
{ detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PATH: `${path.dirname(witxLsp)}:${process.env.PATH}` } });
cs.stdout.on("data", (d) => csLog.push(String(d)));
cs.stderr.on("data", (d) => csLog.push(String(d)));
let browser;
const stopAll = async () => {
  try { await browser?.close(); } catch { /* gone */ }
  // The whole process group: a `bootstrap-fork --type=fileWatcher` child outlives a plain SIGTERM.
  try { process.kill(-cs.pid, "SIGTERM"); } catch { /* gone */ }
  await sleep(500);
  try { process.kill(-cs.pid, "SIGKILL"); } catch { /* gone */ }
};
const deadline = setTimeout(async () => { log("timed out after 6 minutes"); await stopAll(); process.exit(1); }, 360_000);

try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not yet */ }
    assert.ok(i < 120, `code-server did not start:\n${csLog.join("")}`);
    await sleep(500);
  }
  log(`code-server on 127.0.0.1:${port}; workspace ${ws}; screenshots in ${out}`);
  mkdirSync(out, { recursive: true });
  browser = await puppeteer.launch({ executablePath: chromium, headless: true, userDataDir: path.join(work, "chromium"),
    args: ["--no-sandbox", "--disable-gpu", "--window-size=1600,1000", "--force-color-profile=srgb"], defaultViewport: { width: 1600, height: 1000 } });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  await sleep(3000);

  const shot = async (name) => { const p = path.join(out, `${name}.png`); await page.screenshot({ path: p }); return p; };
  const palette = async (prefix, text) => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { visible: true, timeout: 10_000 });
    const input = ".quick-input-widget input";
    await page.$eval(input, (el) => { el.value = ""; });
    await page.type(input, `${prefix}${text}`, { delay: 5 });
    await sleep(700);
    await page.keyboard.press("Enter");
    await sleep(500);
  };
  const command = (title) => palette(">", title);
  const openFile = async (rel) => { await palette("", rel); await page.waitForFunction((n) => document.title.includes(n), { timeout: 15_000 }, path.basename(rel)); await sleep(500); };
  const goTo = (line, col) => palette(":", `${line}:${col}`);
  // Monaco renders spaces as no-break spaces.
  const text = async (selector) => (await page.$$eval(selector, (els) => els.map((e) => e.innerText).join("\n"))).replace(/\u00a0/g, " ");
  // The output channel `witx` as VS Code writes it to disk (the panel draws only the lines in view), and the
  // extension host's own log.
  const logsDir = path.join(userData, "logs");
  const findLog = (name) => {
    const found = [];
    const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name === name) found.push(p); } };
    if (existsSync(logsDir)) walk(logsDir);
    return found.sort().pop();
  };
  const outputText = async () => {
    await sleep(300);
    const file = findLog("witx.log");
    return file ? readFileSync(file, "utf8") : "";
  };
  const hostLog = () => { const f = findLog("remoteexthost.log"); return f ? readFileSync(f, "utf8") : ""; };

  await check("the extension activates and starts the server through witx.server.path (machine settings)", async () => {
    let logText = "";
    for (let i = 0; i < 30 && !/started witx-lsp/.test(logText); i++) { await sleep(1000); logText = await outputText(); }
    log(`output channel:\n${logText}`);
    assert.match(logText, /started witx-lsp/);
    const starting = logText.split("\n").find((l) => l.includes("starting:")) ?? "";
    assert.ok(starting.includes(witxLsp) && starting.includes("witx.server.path"), starting);
    assert.equal((starting.match(/--stdio/g) ?? []).length, 1, starting);
    // The real process: one witx-lsp with exactly one --stdio, a child of code-server's group.
    const procs = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean); } catch { return []; }
    }).filter((argv) => argv.indexOf(witxLsp) === 0 || (argv.indexOf(witxLsp) === 1 && /python/.test(argv[0])));
    assert.equal(procs.length, 1, JSON.stringify(procs));
    assert.deepEqual(procs[0].filter((a) => a.startsWith("--")), ["--stdio"], procs[0].join(" "));
  });

  await check("squiggles in the editor and rows in the Problems panel", async () => {
    await openFile("errors.witx");
    await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 20_000 });
    await page.keyboard.down("Control"); await page.keyboard.down("Shift"); await page.keyboard.press("KeyM");
    await page.keyboard.up("Shift"); await page.keyboard.up("Control");
    await page.waitForSelector(".markers-panel .monaco-list-row", { timeout: 10_000 });
    await sleep(1000);
    const rows = await page.$$eval(".markers-panel .monaco-list-row", (els) => els.map((e) => e.innerText.replace(/\s+/g, " ")));
    log(`Problems rows: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => r.includes("errors.witx")), "no row for errors.witx");
    assert.ok(rows.some((r) => /no_such_type/.test(r)), "no row naming the unknown type");
    // One row per diagnostic: the same message is not there twice (push and pull both shown).
    const messages = rows.filter((r) => /no_such_type/.test(r));
    assert.equal(new Set(messages).size, messages.length, JSON.stringify(messages));
    await shot("problems");
  });

  await check("hover leads with kind, size and alignment", async () => {
    await openFile("stat.witx");
    const at = position(STAT, "(typename $stat", 11);
    await goTo(at.line, at.col);
    await command("Show or Focus Hover");
    await page.waitForSelector(".monaco-hover:not(.hidden) .hover-contents", { visible: true, timeout: 10_000 });
    await sleep(500);
    const parts = await page.$$eval(".monaco-hover:not(.hidden) .hover-row", (els) => els.map((e) => e.innerText.replace(/\u00a0/g, " ")));
    log(`hover:\n${parts.join("\n-----\n")}`);
    await shot("hover");
    // The server's part (a diagnostic's hover, the i386 layout warning, may be shown with it).
    const hover = parts.find((p) => p.includes("size 64")) ?? parts.join("\n");
    const first = hover.trim().split("\n")[0];
    assert.match(first, /record · size 64, align 8 · 7 bytes of padding/);
    assert.ok(hover.includes("filetype") && hover.includes("16"), "the offset table");
    assert.ok(!hover.includes("(typename $stat"), "the definition is echoed");
    assert.ok(hover.trim().split("\n").length <= 25, `${hover.trim().split("\n").length} lines`);
    await page.keyboard.press("Escape");
    if (preview1 && existsSync(preview1)) {
      // The case: `$filestat` in WASI preview1 (typenames.witx is `use`d by the module file).
      const file = "wasi_snapshot_preview1.witx";
      const source = readFileSync(path.join(preview1, file), "utf8");
      await openFile(`preview1/${file}`);
      const ref = position(source, "(expected $filestat", 11);
      await goTo(ref.line, ref.col);
      await command("Show or Focus Hover");
      await page.waitForSelector(".monaco-hover:not(.hidden) .hover-contents", { visible: true, timeout: 10_000 });
      await sleep(500);
      const rows = await page.$$eval(".monaco-hover:not(.hidden) .hover-row", (els) => els.map((e) => e.innerText.replace(/\u00a0/g, " ")));
      const filestat = rows.find((p) => p.includes("size 64")) ?? rows.join("\n");
      log(`hover on $filestat:\n${filestat}`);
      await shot("hover-filestat");
      assert.match(filestat.trim().split("\n")[0], /^record · size 64, align 8 · 7 bytes of padding$/);
      assert.ok(filestat.trim().split("\n").length <= 25);
      await page.keyboard.press("Escape");
    }
  });

  await check("the layout view at half of a 1600-pixel window shows every name in full", async () => {
    await command("View: Close Primary Side Bar");
    await page.keyboard.press("Escape");
    await openFile("stat.witx");
    const at = position(STAT, "(typename $stat", 11);
    await goTo(at.line, at.col);
    await command("witx: Show Memory Layout");
    let seen;
    for (let i = 0; i < 30 && !seen; i++) {
      await sleep(1000);
      for (const frame of page.frames()) {
        try {
          const found = await frame.evaluate(INSPECT);
          if (found && found.grids > 0) seen = found;
        } catch { /* a frame without the page */ }
      }
    }
    const p = await shot("layout-view");
    log(`layout view: ${JSON.stringify(seen)}; ${p}`);
    assert.ok(seen, "no layout webview");
    assert.ok(seen.width > 600 && seen.width < 900, `the view is ${seen.width} px wide`);
    assert.ok(seen.perRow === 8 || seen.perRow === 16, `${seen.perRow} bytes a row`);
    for (const m of ["dev", "ino", "filetype", "nlink", "size", "atim", "mtim", "ctim"]) assert.ok(seen.names.includes(m), `${m}: ${seen.names}`);
    assert.deepEqual(seen.clipped, []);
    assert.deepEqual(seen.outside, []);
  });

  await check("the host-signature preview document opens", async () => {
    await command("View: Close All Editors");
    await openFile("stat.witx");
    await command("witx: Preview Host Signatures (Rust)");
    await page.waitForFunction(() => [...document.querySelectorAll(".tab")].some((t) => /host|rust|\.rs/i.test(t.innerText)), { timeout: 20_000 });
    await sleep(1500);
    const body = await text(".editor-group-container .monaco-editor .view-lines");
    await shot("preview");
    log(`preview (start): ${body.slice(0, 300).replace(/\n/g, " | ")}`);
    // The top of the generated Rust (the editor draws only the lines in view).
    assert.match(body, /\/\/ wiggle::from_witx! preview/);
    assert.match(body, /pub mod types \{/);
    assert.match(body, /pub enum Filetype \{/);
  });

  await check("the output channel is clean", async () => {
    await command("witx: Show Server Logs");
    await shot("output");
    const logText = await outputText();
    for (const bad of [/Traceback/, /\[error\]/i, /\[warning\]/i, /internal error/i, /crashed/]) assert.doesNotMatch(logText, bad);
    // VS Code's own complaint when the server's pull identifier equals the client's push collection name.
    assert.doesNotMatch(hostLog(), /DiagnosticCollection with name 'witx' does already exist/);
  });

  await check("a failing server does not block a restart behind its error toast", async () => {
    machineSettings(["/bin/false"]);
    await sleep(1500);
    await command("witx: Restart Server");
    await sleep(4000);
    await command("witx: Restart Server");
    await sleep(4000);
    // The notifications (the palette's Escape hides toasts; the notification center keeps them).
    await command("Notifications: Show Notifications");
    await sleep(800);
    const toasts = await text(".notifications-center");
    await shot("restart-toasts");
    log(`toasts: ${toasts.replace(/\n/g, " | ")}`);
    const logText = await outputText();
    // Both restarts ran to their start while the first error toast was still up (a start that awaited the
    // toast kept the second restart waiting for it).
    assert.equal((logText.match(/starting: \/bin\/false/g) ?? []).length, 2, logText.slice(-3000));
    assert.equal((logText.match(/witx: the language server did not start/g) ?? []).length, 2);
    assert.match(toasts, /witx/);
    // vscode-languageclient names the client in its messages: "The witx server crashed 5 times …".
    assert.match(logText, /The witx server crashed/);
    assert.doesNotMatch(toasts + logText, /server server/);
  });
} finally {
  clearTimeout(deadline);
  await stopAll();
  if (!process.env.WITX_E2E_KEEP) rmSync(work, { recursive: true, force: true });
}
const failed = results.filter(([, r]) => r !== "ok");
log(`${results.length - failed.length} of ${results.length} checks passed; screenshots in ${out}`);
process.exit(failed.length ? 1 : 0);

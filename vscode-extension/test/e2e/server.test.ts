/**
 * End to end: the server bundled in the .vsix, started as the extension starts it (the unpacked
 * extension folder, `python -S -m witx_lsp serve --stdio`, PYTHONPATH=bundled/libs, working
 * directory bundled/libs), spoken to over stdio: initialize, open a document, diagnostics, hover,
 * the commands the client uses.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { asLayoutResult, asRust, asText, COMMANDS, type CommandClient, layoutAt, runServerCommand, ServerCommandError } from "../../src/serverCommands";
import { vsixPath } from "../util/paths";
import { layoutOf } from "../../src/layoutDiagram";
import { CLIENT_ID } from "../../src/clientId";
import { bundledLaunch, type Server, startServer, stopServer, unpackVsix, waitFor } from "../util/lsp";


const TEXT = `;;; Sizes in bytes.
(typename $size u32)

;;; A point in a file.
(typename $pos (record (field $line $size) (field $col u16)))

(typename $broken (record (field $x $undefined_type)))
`;

describe("the bundled server, end to end", { skip: existsSync(vsixPath) ? false : "run npm run build first", timeout: 120_000 }, () => {
  let extensionPath = "";
  let workspace = "";
  let server: Server;
  let uri = "";
  let capabilities: any;

  before(async () => {
    extensionPath = unpackVsix();
    workspace = realpathSync(mkdtempSync(path.join(tmpdir(), "witx-ws-")));
    const file = path.join(workspace, "api.witx");
    writeFileSync(file, TEXT);
    uri = pathToFileURL(file).href;
    server = await startServer(extensionPath);
    const init: any = await server.connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "ws" }],
      capabilities: {
        textDocument: { hover: { contentFormat: ["markdown", "plaintext"] }, publishDiagnostics: { relatedInformation: true },
          synchronization: { didSave: true } },
        workspace: { workspaceFolders: true },
      },
      initializationOptions: { diagnostics: { debounceMs: 10 } },
    });
    capabilities = init.capabilities;
    await server.connection.sendNotification("initialized", {});
  });

  after(async () => {
    if (server) {
      const code = await stopServer(server);
      assert.equal(code, 0, `the server exited with ${code}:\n${server.stderr()}`);
    }
    rmSync(path.dirname(extensionPath), { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  });

  it("runs the bundled witx_lsp, not another copy, without wasmtime", async () => {
    const { launch, env } = await bundledLaunch(extensionPath);
    assert.deepEqual(launch.args, ["-S", "-m", "witx_lsp", "serve", "--stdio"]);
    const res = spawnSync(launch.command, ["-S", "-c", "import sys, witx_lsp.server.app as app; app.create_server(); print(app.__file__); print(any(m.startswith('wasmtime') for m in sys.modules))"],
      { env, cwd: launch.cwd, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    const [file, wasmtime] = res.stdout.trim().split("\n");
    assert.ok(file.startsWith(path.join(extensionPath, "bundled", "libs", "witx_lsp")), file);
    assert.equal(wasmtime, "False");
  });

  it("initializes with the features the client relies on", () => {
    assert.ok(capabilities.hoverProvider);
    assert.ok(capabilities.textDocumentSync);
    const commands: string[] = capabilities.executeCommandProvider?.commands ?? [];
    console.log(`# server commands: ${commands.join(", ")}`);
    // Every command the client runs (src/serverCommands.ts) is offered by the bundled server.
    assert.deepEqual(Object.values(COMMANDS).filter((c) => !commands.includes(c)), []);
    // A client that does not declare pull diagnostics is served by push only (one channel per client):
    // it is not offered the pull requests.
    assert.equal(capabilities.diagnosticProvider, undefined, JSON.stringify(capabilities.diagnosticProvider));
  });

  it("publishes diagnostics for an opened document", async () => {
    const diagnostics = waitFor<any>(server.connection, "textDocument/publishDiagnostics", (p) => p.uri === uri && p.diagnostics.length > 0);
    await server.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "witx", version: 1, text: TEXT } });
    const p = await diagnostics;
    const unknown = p.diagnostics.find((d: any) => /undefined_type/.test(d.message));
    assert.ok(unknown, JSON.stringify(p.diagnostics));
    assert.equal(unknown.severity, 1);
    assert.equal(unknown.range.start.line, 6);
  });

  it("answers hover on a type reference and a definition: kind, size and alignment first", async () => {
    const hoverAt = async (line: number, needle: string): Promise<string> => {
      const hover: any = await server.connection.sendRequest("textDocument/hover", {
        textDocument: { uri }, position: { line, character: TEXT.split("\n")[line].indexOf(needle) + 2 },
      });
      assert.ok(hover, `no hover on ${needle}`);
      assert.equal(hover.contents.kind, "markdown");
      return hover.contents.value as string;
    };
    // `$size` is a u32: 4 bytes, aligned to 4.
    assert.match(await hoverAt(4, "$size"), /^\*\*u32\*\* · size 4, align 4\n/);
    // `$pos`: line (u32) at 0, col (u16) at 4, then 2 bytes of padding to the record's alignment 4.
    const pos = await hoverAt(4, "$pos");
    assert.match(pos, /^\*\*record\*\* · size 8, align 4 · 2 bytes of padding\n/);
    assert.match(pos, /\| 0 \| 4 \| `line` \| `\$size` \|\n\| 4 \| 2 \| `col` \| `u16` \|\n\| 6 \| 2 \| \*padding\* \|/);
    assert.match(pos, /A point in a file\./);
    assert.doesNotMatch(pos, /\(typename \$pos/, "the definition under the cursor is not echoed");
  });

  it("runs the commands the client uses, and a missing one fails gracefully", async () => {
    const client: CommandClient = {
      isRunning: () => true,
      initializeResult: { capabilities },
      sendRequest: (method, params) => server.connection.sendRequest(method, params),
    };
    const layout = asLayoutResult(await runServerCommand(client, COMMANDS.showLayout, [uri, "pos"]));
    assert.match(layout.svg, /^<svg/);
    assert.match(layout.text, /size 8, align 4/);
    // The JSON the layout view draws: members at 0 and 4, padding at 6.
    const pos = layoutOf(layout.json, "pos") as any;
    assert.deepEqual(pos.members.map((m: any) => [m.name, m.offset, m.size]), [["line", 0, 4], ["col", 4, 2]]);
    assert.deepEqual(pos.padding, [{ offset: 6, size: 2 }]);
    // The type at a cursor is the server's answer (the client does not read witx): a reference, a
    // member of a typename, nothing outside typenames.
    const line4 = TEXT.split("\n")[4];
    assert.equal((await layoutAt(client, uri, { line: 4, character: line4.indexOf("$size") + 2 }))?.type, "size");
    assert.equal((await layoutAt(client, uri, { line: 4, character: line4.indexOf("$col") + 2 }))?.type, "pos");
    assert.equal(await layoutAt(client, uri, { line: 2, character: 0 }), undefined);
    const docs = asText(COMMANDS.renderDocs, await runServerCommand(client, COMMANDS.renderDocs, [uri]));
    assert.match(docs, /## <a href="#pos" name="pos"><\/a> `pos`: `Record`\nA point in a file\.\n\nSize: 8\n\nAlignment: 4\n/);
    const tree = asText(COMMANDS.showSyntaxTree, await runServerCommand(client, COMMANDS.showSyntaxTree, [uri]));
    assert.match(tree, /typename/);
    assert.match(tree, /\$undefined_type/);
    const rust = asRust(await runServerCommand(client, COMMANDS.previewHostSignatures, [uri]));
    assert.match(rust, /pub type Size = u32;/);
    assert.match(rust, /pub struct Pos \{\n\s+pub line: Size,\n\s+pub col: u16,\n\s+\}/);
    assert.match(rust, /fn guest_size\(\) -> u32 \{\n\s+8u32/);
    const enc: any = await runServerCommand(client, COMMANDS.encodeValue, [uri, "pos", '{"line": 1, "col": 2}']);
    assert.equal(enc.hex, "0100000002000000", JSON.stringify(enc));
    const bad: any = await runServerCommand(client, COMMANDS.encodeValue, [uri, "pos", '{"line": "x"}']);
    assert.equal(typeof bad.error, "string");
    await assert.rejects(runServerCommand(client, "witx.noSuchCommand", [uri]), (e) => e instanceof ServerCommandError && e.kind === "unsupported");
  });

  it("answers a workspace diagnostic pull (Check Workspace) for a client that pulls, under its own identifier", async () => {
    // VS Code declares pull diagnostics and refresh support; the pull identifier must differ from the
    // client's push collection name (CLIENT_ID), or VS Code logs "DiagnosticCollection with name 'witx'
    // does already exist".
    const puller = await startServer(extensionPath);
    try {
      const init: any = await puller.connection.sendRequest("initialize", {
        processId: process.pid, rootUri: pathToFileURL(workspace).href,
        workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "ws" }],
        capabilities: { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
          workspace: { workspaceFolders: true, diagnostics: { refreshSupport: true } } },
      });
      await puller.connection.sendNotification("initialized", {});
      const provider = init.capabilities.diagnosticProvider;
      assert.ok(provider?.workspaceDiagnostics, JSON.stringify(provider));
      assert.equal(typeof provider.identifier, "string");
      assert.notEqual(provider.identifier, CLIENT_ID);
      const report: any = await puller.connection.sendRequest("workspace/diagnostic", { previousResultIds: [] });
      const mine = report.items.find((i: any) => i.uri === uri);
      assert.ok(mine, JSON.stringify(report.items.map((i: any) => i.uri)));
      const unknown = mine.items.filter((d: any) => /undefined_type/.test(d.message));
      assert.equal(unknown.length, 1, JSON.stringify(mine.items));
      assert.deepEqual(unknown[0].range.start, { line: 6, character: TEXT.split("\n")[6].indexOf("$undefined_type") });
    } finally {
      assert.equal(await stopServer(puller), 0, puller.stderr());
    }
  });
});

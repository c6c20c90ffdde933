import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asLayoutResult, asRust, asText, COMMANDS, type CommandClient, isSupported, layoutAt, runServerCommand, ServerCommandError } from "../../src/serverCommands";

function client(commands: string[] | undefined, reply: (method: string, params: unknown) => Promise<unknown> = () => Promise.resolve("ok"), running = true): CommandClient & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    isRunning: () => running,
    initializeResult: { capabilities: commands ? { executeCommandProvider: { commands } } : {}, serverInfo: { name: "witx-lsp", version: "0.1.0" } },
    sendRequest: (method, params) => { sent.push([method, params]); return reply(method, params); },
  };
}

async function rejects(p: Promise<unknown>, kind: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ServerCommandError && e.kind === kind && pattern.test(e.message));
}

describe("runServerCommand", () => {
  it("sends workspace/executeCommand for an advertised command", async () => {
    const c = client([COMMANDS.renderDocs]);
    assert.equal(await runServerCommand(c, COMMANDS.renderDocs, ["file:///a.witx"]), "ok");
    assert.deepEqual(c.sent, [["workspace/executeCommand", { command: "witx.renderDocs", arguments: ["file:///a.witx"] }]]);
  });
  it("fails gracefully, without a request, for a command the server lacks", async () => {
    const c = client([COMMANDS.renderDocs]);
    await rejects(runServerCommand(c, COMMANDS.showLayout, []), "unsupported", /witx-lsp 0\.1\.0 does not provide `witx\.showLayout`/);
    await rejects(runServerCommand(client(undefined), COMMANDS.showLayout, []), "unsupported", /does not provide/);
    assert.deepEqual(c.sent, []);
  });
  it("fails when no server runs", async () => {
    await rejects(runServerCommand(undefined, COMMANDS.showLayout, []), "not-running", /not running/);
    await rejects(runServerCommand(client([COMMANDS.showLayout], undefined, false), COMMANDS.showLayout, []), "not-running", /not running/);
  });
  it("wraps the server's errors", async () => {
    const c = client([COMMANDS.showLayout], () => Promise.reject(new Error("no typename `x`")));
    await rejects(runServerCommand(c, COMMANDS.showLayout, []), "failed", /`witx\.showLayout` failed: no typename `x`/);
  });
  it("knows what is supported", () => {
    assert.equal(isSupported(undefined, COMMANDS.showLayout), false);
    assert.equal(isSupported(client([COMMANDS.showLayout]), COMMANDS.showLayout), true);
  });
});

describe("result shapes", () => {
  it("layout needs an SVG", () => {
    assert.deepEqual(asLayoutResult({ text: "t", svg: "<svg/>", json: { a: 1 } }), { text: "t", svg: "<svg/>", json: { a: 1 } });
    assert.deepEqual(asLayoutResult({ svg: "<svg/>" }), { text: "", svg: "<svg/>", json: null });
    for (const bad of [null, "x", {}, { svg: 1 }]) assert.throws(() => asLayoutResult(bad), ServerCommandError);
  });
  it("layout names the typename it shows, when it shows one", () => {
    assert.equal(asLayoutResult({ svg: "<svg/>", type: "pos" }).type, "pos");
    for (const none of [null, "", 3]) assert.equal(asLayoutResult({ svg: "<svg/>", type: none }).type, undefined);
  });
  it("text from a string or an object", () => {
    assert.equal(asText("c", "# Docs"), "# Docs");
    assert.equal(asText("c", { text: "tree" }), "tree");
    assert.equal(asText("c", { markdown: "md" }), "md");
    assert.throws(() => asText("c", 3), /`c` returned no text/);
  });
  it("rust from {rust}", () => {
    assert.equal(asRust({ rust: "pub trait X {}" }), "pub trait X {}");
    assert.equal(asRust("fn f() {}"), "fn f() {}");
    assert.throws(() => asRust({}), ServerCommandError);
  });
});

describe("the type at the cursor", () => {
  const shown = { text: "t", svg: "<svg/>", json: { types: { pos: {} } }, type: "pos" };
  it("is the server's: the position goes to witx.showLayout, which names the typename there", async () => {
    const c = client([COMMANDS.showLayout], () => Promise.resolve(shown));
    assert.deepEqual(await layoutAt(c, "file:///a.witx", { line: 4, character: 17 }), shown);
    assert.deepEqual(c.sent, [["workspace/executeCommand",
      { command: "witx.showLayout", arguments: ["file:///a.witx", { line: 4, character: 17 }] }]]);
  });
  it("is none where the server shows the whole file (no typename at the position)", async () => {
    const c = client([COMMANDS.showLayout], () => Promise.resolve({ ...shown, type: null, json: { types: { a: {}, b: {} } } }));
    assert.equal(await layoutAt(c, "file:///a.witx", { line: 0, character: 0 }), undefined);
  });
  it("fails as the command does", async () => {
    await rejects(layoutAt(client([COMMANDS.renderDocs]), "file:///a.witx", { line: 0, character: 0 }), "unsupported", /does not provide/);
  });
});

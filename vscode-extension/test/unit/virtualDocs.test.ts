import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { CommandClient } from "../../src/serverCommands";
import { parseViewUri, render, toDiagnostic, ViewProvider, viewUri } from "../../src/virtualDocs";
import { DiagnosticSeverity, mock, Uri } from "../mock/vscode";


beforeEach(() => mock.reset());

function client(commands: string[], reply: (params: any) => unknown): CommandClient {
  return {
    isRunning: () => true,
    initializeResult: { capabilities: { executeCommandProvider: { commands } } },
    sendRequest: (_m, params) => Promise.resolve(reply(params)),
  };
}

const source = Uri.parse("file:///ws/api/wasi%20snapshot.witx");

describe("view URIs", () => {
  it("name the view after its source, with the right extension, and round-trip", () => {
    const u = viewUri("host-signatures", source as any);
    assert.equal(u.scheme, "witx-view");
    assert.equal(u.path, "/host-signatures/wasi snapshot.rs");
    assert.equal(parseViewUri(u)?.kind, "host-signatures");
    assert.equal(parseViewUri(u)?.source.toString(), source.toString());
    assert.equal(viewUri("docs", source as any).path, "/docs/wasi snapshot.md");
    assert.equal(viewUri("syntax-tree", source as any).path, "/syntax-tree/wasi snapshot.txt");
    assert.equal(parseViewUri(Uri.parse("witx-view:/other/x.rs?file%3A%2F%2F%2Fa") as any), undefined);
  });
});

describe("render", () => {
  it("asks the server, with the preview configuration when one is set", async () => {
    const sent: any[] = [];
    const c = client(["witx.previewHostSignatures"], (p) => { sent.push(p); return { rust: "pub trait WasiSnapshot {}" }; });
    assert.equal(await render(c, "host-signatures", source as any), "pub trait WasiSnapshot {}");
    mock.config = { witx: { preview: { config: "{ async: * }" } } };
    await render(c, "host-signatures", source as any);
    assert.deepEqual(sent.map((p) => p.arguments), [[source.toString()], [source.toString(), "{ async: * }"]]);
  });
});

describe("ViewProvider", () => {
  it("shows a server that lacks the command as a comment in the view, not an exception", async () => {
    const p = new ViewProvider(() => client([], () => "never"));
    const text = await p.provideTextDocumentContent(viewUri("host-signatures", source as any));
    assert.match(text, /^\/\/ the witx language server does not provide `witx\.previewHostSignatures`/);
    const docs = await p.provideTextDocumentContent(viewUri("docs", source as any));
    assert.match(docs, /^> .*`witx\.renderDocs`/);
    p.dispose();
  });
  it("refreshes the open views of a document after it changes (debounced)", async () => {
    const p = new ViewProvider(() => undefined, 10);
    const view = viewUri("docs", source as any);
    mock.documents = [{ uri: view, getText: () => "" }, { uri: viewUri("docs", Uri.file("/other.witx") as any), getText: () => "" }];
    const fired: string[] = [];
    p.onDidChange((u) => fired.push(u.toString()));
    mock.changeDocument.fire({ document: { uri: source } });
    mock.changeDocument.fire({ document: { uri: source } });
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(fired, [view.toString()]);
    p.dispose();
  });
});

describe("the WIT view", () => {
  it("is a .wit document, asks the server for the text only and passes on the notes", async () => {
    assert.equal(viewUri("wit", source as any).path, "/wit/wasi snapshot.wit");
    assert.equal(parseViewUri(viewUri("wit", source as any))?.kind, "wit");
    const sent: any[] = [];
    const note = { range: { start: { line: 1, character: 48 }, end: { line: 1, character: 53 } }, severity: 3, code: "W0701",
      message: "case `2big` is named `x2big` in WIT" };
    const c = client(["witx.showWit"], (p) => { sent.push(p); return { wit: "package witx:api@0.1.0;\n", diagnostics: [note] }; });
    const notes: [string, unknown[]][] = [];
    const text = await render(c, "wit", source as any, (s, d) => notes.push([s.toString(), d]));
    assert.equal(text, "package witx:api@0.1.0;\n");
    assert.deepEqual(sent.map((p) => [p.command, p.arguments]), [["witx.showWit", [source.toString()]]]);
    assert.deepEqual(notes, [[source.toString(), [note]]]);
  });
  it("turns a note into a VS Code diagnostic (0-based severity, the code kept)", () => {
    const d = toDiagnostic({ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } }, severity: 2, code: "W0702",
      message: "pointer" }) as any;
    assert.deepEqual([d.range.startLine, d.range.startCharacter, d.range.endLine, d.range.endCharacter], [2, 4, 2, 9]);
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.code, "W0702");
    assert.match(d.source, /WIT/);
  });
  it("shows a server without witx.showWit as a comment", async () => {
    const p = new ViewProvider(() => client([], () => "never"));
    assert.match(await p.provideTextDocumentContent(viewUri("wit", source as any)), /^\/\/ .*`witx\.showWit`/);
    p.dispose();
  });
});

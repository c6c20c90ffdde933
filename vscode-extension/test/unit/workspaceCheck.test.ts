import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pullsOnly, summaryText, WorkspaceCheck } from "../../src/workspaceCheck";
import { EventEmitter, Uri } from "../mock/vscode";


function token() {
  const cancelled = new EventEmitter<void>();
  const t = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
  return { t, cancel: () => { t.isCancellationRequested = true; cancelled.fire(); } };
}

const report = {
  items: [
    { uri: Uri.file("/a.witx"), kind: "full", items: [{ severity: 0 }, { severity: 1 }, { severity: 3 }] },
    { uri: Uri.file("/b.witx"), kind: "unchanged", resultId: "x" },
  ],
};

describe("WorkspaceCheck", () => {
  it("answers document pulls with nothing for a server that also pushes, and passes them on to one that only pulls", async () => {
    const c = new WorkspaceCheck();
    let asked = 0;
    const next = () => { asked++; return Promise.resolve({ kind: "full", items: [{ message: "x" }] }); };
    assert.deepEqual(await (c.middleware.provideDiagnostics as any)({}, undefined, {}, next), { kind: "full", items: [] });
    assert.equal(asked, 0);
    const pulling = new WorkspaceCheck(() => true);
    assert.deepEqual(await (pulling.middleware.provideDiagnostics as any)({}, undefined, {}, next), { kind: "full", items: [{ message: "x" }] });
    assert.equal(asked, 1);
  });

  it("tells a pull-only server by its identifier", () => {
    assert.equal(pullsOnly({ diagnosticProvider: { identifier: "witx-lsp" } }, "witx"), true);
    assert.equal(pullsOnly({ diagnosticProvider: { identifier: "witx" } }, "witx"), false, "pushes under the same name too");
    assert.equal(pullsOnly({}, "witx"), false, "push only");
    assert.equal(pullsOnly(undefined, "witx"), false);
  });

  it("holds the workspace pull until a check is asked for, then runs it once and counts", async () => {
    const c = new WorkspaceCheck();
    assert.equal(await c.run(), undefined, "no pull yet: the server offers no workspace diagnostics");
    let nextCalls = 0;
    const next = () => { nextCalls++; return Promise.resolve(report); };
    const { t } = token();
    const pull = (c.middleware.provideWorkspaceDiagnostics as any)([], t, () => undefined, next);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(nextCalls, 0, "the client's automatic pull waits");
    assert.equal(c.pullStarted, true);
    const summary = await c.run();
    assert.equal(nextCalls, 1);
    assert.deepEqual(summary, { files: 2, errors: 1, warnings: 1, others: 1 });
    assert.deepEqual(await pull, report);
    assert.match(summaryText(summary), /^witx: 1 error, 1 warning in 2 files \(and 1 hints or notes\)/);
  });

  it("counts streamed chunks", async () => {
    const c = new WorkspaceCheck();
    const { t } = token();
    const seen: unknown[] = [];
    const next = (_ids: unknown, _t: unknown, reporter: (c: unknown) => void) => { reporter({ items: report.items.slice(0, 1) }); return Promise.resolve({ items: [] }); };
    const pull = (c.middleware.provideWorkspaceDiagnostics as any)([], t, (chunk: unknown) => seen.push(chunk), next);
    await new Promise((r) => setTimeout(r, 5));
    const summary = await c.run();
    await pull;
    assert.deepEqual(summary, { files: 1, errors: 1, warnings: 1, others: 1 });
    assert.equal(seen.length, 1, "chunks still reach the client");
  });

  it("ends the held pull when the client cancels it", async () => {
    const c = new WorkspaceCheck();
    const { t, cancel } = token();
    const pull = (c.middleware.provideWorkspaceDiagnostics as any)([], t, () => undefined, () => Promise.reject(new Error("not called")));
    cancel();
    assert.deepEqual(await pull, { items: [] });
  });

  it("plural forms", () => {
    assert.match(summaryText({ files: 1, errors: 0, warnings: 2, others: 0 }), /^witx: 0 errors, 2 warnings in 1 file;/);
  });
});

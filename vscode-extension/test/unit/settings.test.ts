import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { affectsLaunch, previewConfig, readLaunchSettings, serverSettings, substituteVariables } from "../../src/settings";
import { mock, Uri } from "../mock/vscode";

beforeEach(() => mock.reset());

describe("substituteVariables", () => {
  const ctx = { workspaceFolder: "/ws", userHome: "/home/u", env: { VENV: "/venvs/a" } };
  it("replaces the supported variables", () => {
    assert.equal(substituteVariables("${workspaceFolder}/.venv/bin/python", ctx), "/ws/.venv/bin/python");
    assert.equal(substituteVariables("${userHome}/py", ctx), "/home/u/py");
    assert.equal(substituteVariables("${env:VENV}/bin/python", ctx), "/venvs/a/bin/python");
    assert.equal(substituteVariables("${env:MISSING}x", ctx), "x");
    assert.equal(substituteVariables("~/bin/python3", ctx), "/home/u/bin/python3");
    assert.equal(substituteVariables("~user/python3", ctx), "~user/python3");
    assert.equal(substituteVariables("${unknown}", ctx), "${unknown}");
  });
  it("keeps ${workspaceFolder} without a folder", () => {
    assert.equal(substituteVariables("${workspaceFolder}/x", { userHome: "/h", env: {} }), "${workspaceFolder}/x");
  });
});

describe("readLaunchSettings", () => {
  it("defaults to no path and no interpreter", () => {
    assert.deepEqual(readLaunchSettings(), { serverPath: [], python: "" });
  });
  it("reads and substitutes witx.server.path and witx.server.python", () => {
    mock.folders = [{ uri: Uri.file("/ws"), name: "ws", index: 0 }];
    mock.config = { witx: { server: { path: ["${workspaceFolder}/bin/witx-lsp", "serve", "--root=${workspaceFolder}"], python: " ${workspaceFolder}/.venv/bin/python " } } };
    assert.deepEqual(readLaunchSettings(), { serverPath: ["/ws/bin/witx-lsp", "serve", "--root=/ws"], python: "/ws/.venv/bin/python" });
  });
  it("ignores values of the wrong type", () => {
    mock.config = { witx: { server: { path: "witx-lsp", python: 3 } } };
    assert.deepEqual(readLaunchSettings(), { serverPath: [], python: "" });
    mock.config = { witx: { server: { path: ["a", 1, null, "b"] } } };
    assert.deepEqual(readLaunchSettings().serverPath, ["a", "b"]);
  });
});

describe("serverSettings", () => {
  it("sends the sections the server reads, not the client's own", () => {
    mock.config = { witx: { server: { python: "x" }, trace: { server: "verbose" }, diagnostics: { severity: { W0601: "off" }, debounceMs: 50 },
      inlayHints: { offsets: false }, codeLens: { layout: true }, logLevel: "debug", preview: { config: "" } } };
    assert.deepEqual(serverSettings(), { diagnostics: { severity: { W0601: "off" }, debounceMs: 50 }, inlayHints: { offsets: false },
      codeLens: { layout: true }, logLevel: "debug", preview: { config: "" } });
  });
});

describe("previewConfig", () => {
  it("is undefined when empty or not text, the text otherwise", () => {
    assert.equal(previewConfig(), undefined);
    mock.config = { witx: { preview: { config: "  " } } };
    assert.equal(previewConfig(), undefined);
    mock.config = { witx: { preview: { config: { async: true } } } };
    assert.equal(previewConfig(), undefined);
    mock.config = { witx: { preview: { config: "{ async: * }" } } };
    assert.equal(previewConfig(), "{ async: * }");
  });
});
describe("affectsLaunch", () => {
  it("is true for the server path and interpreter only", () => {
    const ev = (key: string) => ({ affectsConfiguration: (s: string) => s === key });
    assert.equal(affectsLaunch(ev("witx.server.path")), true);
    assert.equal(affectsLaunch(ev("witx.server.python")), true);
    assert.equal(affectsLaunch(ev("witx.diagnostics.debounceMs")), false);
  });
});

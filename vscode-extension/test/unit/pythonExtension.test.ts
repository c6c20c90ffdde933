import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { activeInterpreter, onInterpreterChange, PYTHON_EXTENSION_ID } from "../../src/pythonExtension";
import { EventEmitter, mock, Uri } from "../mock/vscode";

beforeEach(() => mock.reset());

function pythonExtension(executable: string | undefined, active = false) {
  const changed = new EventEmitter<unknown>();
  let activations = 0;
  const exports = {
    environments: {
      getActiveEnvironmentPath: () => ({ path: "/venv", id: "venv" }),
      resolveEnvironment: (e: { path: string }) => Promise.resolve(e.path === "/venv" && executable ? { executable: { uri: Uri.file(executable) } } : undefined),
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
  return { ext: { isActive: active, exports, activate: () => { activations++; return Promise.resolve(exports); } }, changed, activations: () => activations };
}

describe("the Python extension", () => {
  it("is optional: without it there is no interpreter and no subscription", async () => {
    assert.equal(await activeInterpreter(), undefined);
    assert.equal(await onInterpreterChange(() => undefined), undefined);
  });
  it("gives its active environment's executable, activating it when needed", async () => {
    const p = pythonExtension("/venv/bin/python");
    mock.extensions[PYTHON_EXTENSION_ID] = p.ext;
    assert.equal(await activeInterpreter(), "/venv/bin/python");
    assert.equal(p.activations(), 1);
  });
  it("gives nothing when the environment does not resolve", async () => {
    mock.extensions[PYTHON_EXTENSION_ID] = pythonExtension(undefined, true).ext;
    assert.equal(await activeInterpreter(), undefined);
  });
  it("gives nothing with an old API without environments", async () => {
    mock.extensions[PYTHON_EXTENSION_ID] = { isActive: true, exports: {}, activate: () => Promise.resolve({}) };
    assert.equal(await activeInterpreter(), undefined);
  });
  it("reports interpreter changes", async () => {
    const p = pythonExtension("/venv/bin/python", true);
    mock.extensions[PYTHON_EXTENSION_ID] = p.ext;
    let calls = 0;
    const sub = await onInterpreterChange(() => calls++);
    p.changed.fire({});
    assert.equal(calls, 1);
    sub?.dispose();
    p.changed.fire({});
    assert.equal(calls, 1);
  });
});

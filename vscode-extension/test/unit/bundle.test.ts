import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import Module, { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as vscodeMock from "../mock/vscode";
import { root } from "../util/paths";

const bundle = path.join(root, "dist", "extension.js");

/** The mock, plus a stand-in class for any other API (vscode-languageclient extends a few at load time). */
function looseVscode(): unknown {
  const stand = (name: string): unknown => new Proxy(class {}, {
    get: (target, key) => (key in target ? (target as unknown as Record<string | symbol, unknown>)[key] : stand(`${name}.${String(key)}`)),
  });
  return new Proxy(vscodeMock, {
    get: (target, key) => (key in target ? (target as unknown as Record<string | symbol, unknown>)[key] : stand(String(key))),
  });
}

describe("dist/extension.js", { skip: existsSync(bundle) ? false : "run npm run compile first" }, () => {
  it("loads with only `vscode` external and exports activate and deactivate", () => {
    const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
    const original = loader._load;
    const asked: string[] = [];
    loader._load = function (request, parent, isMain) {
      if (!request.startsWith("node:") && !Module.isBuiltin(request) && !request.startsWith("/")) asked.push(request);
      if (request === "vscode") return looseVscode();
      return original.call(this, request, parent, isMain);
    };
    try {
      const ext = createRequire(__filename)(bundle) as { activate?: unknown; deactivate?: unknown };
      assert.equal(typeof ext.activate, "function");
      assert.equal(typeof ext.deactivate, "function");
      assert.deepEqual([...new Set(asked)], ["vscode"], "everything but vscode is bundled");
    } finally {
      loader._load = original;
    }
  });
});

import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { describe, it } from "node:test";
import { vsixPath } from "../util/paths";
import { readEntry, readZip } from "../util/zip";


const MAX_BYTES = 3 * 1024 * 1024;

describe("the .vsix", { skip: existsSync(vsixPath) ? false : "run npm run build first" }, () => {
  const { buf, entries } = existsSync(vsixPath) ? readZip(vsixPath) : { buf: Buffer.alloc(0), entries: [] };
  const names = entries.map((e) => e.name);
  const files = names.filter((n) => n.startsWith("extension/")).map((n) => n.slice("extension/".length));

  it("holds the extension's own files", () => {
    for (const f of ["package.json", "readme.md", "LICENSE.txt", "changelog.md", "dist/extension.js", "language-configuration.json",
      "syntaxes/witx.tmLanguage.json", "syntaxes/witxt.tmLanguage.json", "syntaxes/wit.tmLanguage.json",
      "language-configuration-wit.json", "bundled/manifest.json"]) {
      assert.ok(files.includes(f), `missing ${f}`);
    }
    assert.ok(names.includes("extension.vsixmanifest"));
  });

  it("bundles the server, its grammar and its pure-Python dependencies", () => {
    for (const f of ["witx_lsp/__init__.py", "witx_lsp/__main__.py", "witx_lsp/server/app.py", "witx_lsp/grammar/witx.lark",
      "pygls/__init__.py", "lsprotocol/types.py", "cattrs/__init__.py", "attrs/__init__.py", "attr/__init__.py",
      "typing_extensions.py", "lark/__init__.py", "exceptiongroup/__init__.py"]) {
      assert.ok(files.includes(`bundled/libs/${f}`), `missing bundled/libs/${f}`);
    }
    const manifest = JSON.parse(readEntry(buf, entries.find((e) => e.name === "extension/bundled/manifest.json")!).toString("utf8"));
    assert.equal(manifest.dependencies.pygls, "2.1.1");
  });

  it("carries no bloat: no node_modules, sources, tests, maps, caches, native code or wasmtime", () => {
    const bad = files.filter((f) =>
      /(^|\/)node_modules\//.test(f) || /^(src|test|out|scripts|\.cache)\//.test(f) || /\.(ts|map|pyc|so|pyd|dylib|dll|vsix)$/.test(f) && !f.endsWith(".d.ts") ||
      /(^|\/)__pycache__\//.test(f) || /(^|\/)wasmtime/.test(f) || /^(tsconfig\.json|eslint\.config\.mjs|package-lock\.json|\.gitignore|server-requirements\.txt)$/.test(f));
    assert.deepEqual(bad, []);
    assert.ok(!files.some((f) => f.startsWith("bundled/") && !f.startsWith("bundled/libs/") && f !== "bundled/manifest.json"));
  });

  it("is small", () => {
    const size = statSync(vsixPath).size;
    assert.ok(size < MAX_BYTES, `${size} bytes`);
    assert.ok(entries.length < 600, `${entries.length} files`);
    console.log(`# witx-vscode.vsix: ${size} bytes, ${entries.length} entries, ${files.length} extension files`);
  });
});

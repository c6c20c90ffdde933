import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CLIENT_COMMANDS } from "../../src/commands";
import { bundledLibs } from "../../src/launch";
import { COMMANDS } from "../../src/serverCommands";
import { SERVER_SECTIONS } from "../../src/settings";
import { projectPython, root } from "../util/paths";


const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const props: Record<string, any> = pkg.contributes.configuration.properties;
const CLIENT_ONLY = ["witx.server.path", "witx.server.python", "witx.trace.server"];

describe("package.json", () => {
  it("describes every setting and gives it a default", () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(typeof p.description === "string" || typeof p.markdownDescription === "string", `${key} has no description`);
      assert.ok("default" in p, `${key} has no default`);
      assert.ok(p.type, `${key} has no type`);
      if (p.enum) assert.ok(p.enum.includes(p.default), `${key}: default not in enum`);
    }
  });

  it("contributes every client command, and none named like a server command", () => {
    const contributed: string[] = pkg.contributes.commands.map((c: any) => c.command).sort();
    assert.deepEqual([...contributed], Object.values(CLIENT_COMMANDS).sort());
    for (const c of Object.values(COMMANDS)) assert.ok(!contributed.includes(c), `${c} is the server's (the client registers it itself)`);
    for (const c of pkg.contributes.commands) assert.equal(c.category, "witx");
  });

  it("declares the languages, grammars and semantic token scopes", () => {
    assert.deepEqual(pkg.contributes.languages.map((l: any) => [l.id, l.extensions]), [["witx", [".witx"]], ["witxt", [".witxt"]], ["wit", [".wit"]]]);
    for (const g of pkg.contributes.grammars) {
      const grammar = JSON.parse(readFileSync(path.join(root, g.path), "utf8"));
      assert.equal(grammar.scopeName, g.scopeName);
    }
    const scopes = pkg.contributes.semanticTokenScopes[0].scopes;
    for (const t of ["type", "enumMember", "property", "function", "namespace", "keyword", "decorator", "comment", "string", "number", "parameter"]) {
      assert.ok(Object.keys(scopes).some((k) => k === t || k.startsWith(`${t}.`)), `no colour for the server's semantic token type ${t}`);
    }
  });

  it("pins vsce to a version that runs on Node 20, and @types/vscode to the engine", () => {
    assert.equal(pkg.devDependencies["@vscode/vsce"], "3.9.2");
    assert.equal(`^${pkg.devDependencies["@types/vscode"]}`, pkg.engines.vscode);
  });

  it("sends the server only sections it reads", () => {
    const sections = new Set(Object.keys(props).filter((k) => !CLIENT_ONLY.includes(k)).map((k) => k.split(".")[1]));
    assert.deepEqual([...sections].sort(), [...SERVER_SECTIONS].sort());
  });
});

/** Runs the server's parse_settings on the contributed defaults, recording every key it reads. */
const CONTRACT = `
import json, sys
from witx_lsp.server.options import Settings, parse_settings
read = set()
class Recording(dict):
    def __init__(self, data, prefix):
        super().__init__({k: Recording(v, prefix + k + ".") if isinstance(v, dict) else v for k, v in data.items()})
        self.prefix = prefix
    def _note(self, key):
        read.add(self.prefix + str(key))
    def get(self, key, default=None):
        self._note(key)
        if key not in self and isinstance(default, dict):
            return Recording({}, self.prefix + key + ".")
        return super().get(key, default)
    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)
    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)
settings, problems = parse_settings(Recording(json.load(sys.stdin), "witx."))
print(json.dumps({"read": sorted(read), "problems": problems, "default": settings == Settings()}))
`;

describe("the server's settings", () => {
  const libs = bundledLibs(root);
  const haveBundle = existsSync(path.join(libs, "witx_lsp"));
  it("are all contributed, and the contributed defaults are the server's", { skip: haveBundle ? false : "run npm run bundle-server first" }, () => {
    const nested: Record<string, any> = {};
    for (const [key, p] of Object.entries(props)) {
      if (CLIENT_ONLY.includes(key)) continue;
      const parts = key.split(".").slice(1);
      let node = nested;
      for (const part of parts.slice(0, -1)) node = node[part] ??= {};
      node[parts[parts.length - 1]] = p.default;
    }
    const res = spawnSync(projectPython(), ["-S", "-c", CONTRACT], {
      input: JSON.stringify(nested), encoding: "utf8", env: { ...process.env, PYTHONPATH: libs, PYTHONDONTWRITEBYTECODE: "1" },
    });
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(out.problems, []);
    assert.equal(out.default, true, "the contributed defaults differ from witx_lsp.server.options.Settings()");
    const unknown = out.read.filter((k: string) => !(k in props) && !k.startsWith("witx.diagnostics.severity."));
    // Sections themselves (witx.diagnostics, …) are read as objects; only leaf keys must be settings.
    const leaves = unknown.filter((k: string) => !Object.keys(props).some((p) => p.startsWith(`${k}.`)) && k !== "witx.witx");
    assert.deepEqual(leaves, [], "settings the server reads but package.json does not contribute");
  });
});

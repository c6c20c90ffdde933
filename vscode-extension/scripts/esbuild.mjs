// Bundles the extension (dist/extension.js) and the tests (out/test/**/*.test.js; `vscode` is the mock).
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const production = process.env.NODE_ENV !== "development";

function testFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? testFiles(p) : p.endsWith(".test.ts") ? [p] : [];
  });
}

rmSync(join(root, "dist"), { recursive: true, force: true });
rmSync(join(root, "out"), { recursive: true, force: true });

const common = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning", absWorkingDir: root };

await build({
  ...common,
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.js",
  external: ["vscode"],
  minify: production,
  sourcemap: false,
  metafile: false,
});

await build({
  ...common,
  entryPoints: testFiles(join(root, "test")),
  outdir: "out/test",
  outbase: "test",
  alias: { vscode: "./test/mock/vscode.ts" },
  sourcemap: "inline",
});
console.log("esbuild: dist/extension.js and out/test");

// Runs the TextMate grammar tests (vscode-tmgrammar-test) and checks that they can fail:
//  1. every test file starts with a `;; SYNTAX TEST "scope" "description"` header and has assertions;
//  2. every line that looks like an assertion starts with exactly `;;` (a line starting with `;`, `;;;`
//     or indentation is source text to vscode-tmgrammar-test, so it would check nothing);
//  3. every scope the grammars define is asserted positively somewhere;
//  4. the tests pass;
//  5. a mutated copy of each file, where every assertion line also requires a scope no token has,
//     fails on every assertion line (so no assertion line is silently ignored).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const grammars = ["syntaxes/witx.tmLanguage.json", "syntaxes/witxt.tmLanguage.json", "syntaxes/wit.tmLanguage.json"]
  .map((g) => join(root, g));
const testDir = join(root, "test", "grammar");
const files = readdirSync(testDir).filter((f) => /\.test\.(witxt?|wit)$/.test(f)).sort().map((f) => join(testDir, f));
const cli = join(root, "node_modules", "vscode-tmgrammar-test", "dist", "unit.js");
const problems = [];

// witx and witxt tests comment with `;;`, WIT tests (`.wit`) with `//`.
const patterns = (f) => f.endsWith(".wit")
  ? { token: "//", header: /^\/\/ SYNTAX TEST "(source\.[a-z]+)" "[^"]+"$/, looks: /^\s*\/+\s*(\^|<-)/,
      assertion: /^\/\/( *)(\^+|<-+)\s+(.*)$/ }
  : { token: ";;", header: /^;; SYNTAX TEST "(source\.[a-z]+)" "[^"]+"$/, looks: /^\s*;+\s*(\^|<-)/,
      assertion: /^;;( *)(\^+|<-+)\s+(.*)$/ };

function scopesOf(node, out) {
  if (Array.isArray(node)) node.forEach((n) => scopesOf(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if ((k === "name" || k === "contentName") && typeof v === "string" && v.includes(".")) {
        v.split(/\s+/).forEach((s) => out.add(s));
      } else scopesOf(v, out);
    }
  }
  return out;
}

const defined = new Set();
for (const g of grammars) {
  const json = JSON.parse(readFileSync(g, "utf8"));
  const own = scopesOf(json.repository ?? {}, scopesOf(json.patterns, new Set()));
  own.forEach((s) => defined.add(s));
}

const asserted = new Set();
const assertionCounts = new Map();
for (const f of files) {
  const lines = readFileSync(f, "utf8").split("\n");
  const { token, header, looks, assertion } = patterns(f);
  if (!header.test(lines[0])) problems.push(`${f}:1: missing or malformed '${token} SYNTAX TEST "source.x" "…"' header`);
  let count = 0;
  lines.forEach((line, i) => {
    if (i === 0 || !looks.test(line)) return;
    const m = assertion.exec(line);
    if (!m) {
      problems.push(`${f}:${i + 1}: an assertion line must start with exactly '${token}' at column 0: ${line}`);
      return;
    }
    count++;
    const [positive] = m[3].split(/\s+-\s+|^-\s+/);
    positive.split(/\s+/).filter(Boolean).forEach((s) => asserted.add(s));
  });
  if (count === 0) problems.push(`${f}: no assertions`);
  assertionCounts.set(f, count);
}
for (const s of [...defined].sort()) {
  if (!asserted.has(s)) problems.push(`scope never asserted: ${s}`);
}

const gArgs = grammars.flatMap((g) => ["-g", g]);
const run = (paths) => spawnSync(process.execPath, [cli, "-c", ...gArgs, ...paths], { encoding: "utf8" });

const ok = run(files);
if (ok.status !== 0) problems.push(`grammar tests failed:\n${ok.stdout}${ok.stderr}`);

const tmp = mkdtempSync(join(tmpdir(), "witx-grammar-mutants-"));
try {
  for (const f of files) {
    const { token, assertion } = patterns(f);
    const mutated = readFileSync(f, "utf8").split("\n").map((line, i) => {
      const m = i === 0 ? null : assertion.exec(line);
      // A scope no token can have, unique to the line, in front of the line's own assertion.
      return m ? `${token}${m[1]}${m[2]} mutant.line${i + 1} ${m[3]}` : line;
    });
    const copy = join(tmp, f.split("/").pop());
    writeFileSync(copy, mutated.join("\n"));
    const res = run([copy]);
    const failed = new Set([...res.stdout.matchAll(/mutant\.line(\d+)/g)].map((m) => m[1]));
    if (res.status === 0 || failed.size !== assertionCounts.get(f)) {
      problems.push(`${f}: the mutated copy failed on ${failed.size} of ${assertionCounts.get(f)} assertion lines (status ${res.status})`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const total = [...assertionCounts.values()].reduce((a, b) => a + b, 0);
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`grammar tests: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`grammar tests: ${files.length} files, ${total} assertions, ${defined.size} scopes all asserted; every assertion fails when mutated`);

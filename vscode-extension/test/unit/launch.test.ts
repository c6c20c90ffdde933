import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bundledLibs, checkPython, defaultPython, describeLaunch, MIN_PYTHON, type ProbeResult, pythonProblemMessage, resolveLaunch, serverEnvironment,
} from "../../src/launch";
import { runProbe } from "../../src/probe";

const ext = "/ext";
const none = { serverPath: [], python: "" };

describe("resolveLaunch", () => {
  it("uses witx.server.path as given, before anything else", async () => {
    const l = await resolveLaunch({ settings: { serverPath: ["/opt/witx-lsp", "serve", "--stdio"], python: "/usr/bin/python3.12" }, extensionPath: ext,
      pythonFromExtension: () => Promise.resolve("/venv/bin/python") });
    assert.equal(l.command, "/opt/witx-lsp");
    assert.deepEqual(l.args, ["serve", "--stdio"]);
    assert.equal(l.source, "witx.server.path");
    assert.equal(l.bundled, false);
    assert.deepEqual(l.env, {});
    assert.equal(l.cwd, undefined);
  });

  it("appends --stdio to witx.server.path once (the client adds no transport flag)", async () => {
    for (const [given, args] of [[["witx-lsp"], ["--stdio"]], [["/venv/bin/python", "-m", "witx_lsp"], ["-m", "witx_lsp", "--stdio"]],
      [["witx-lsp", "serve", "--stdio"], ["serve", "--stdio"]], [["witx-lsp", "--stdio", "--log-level", "INFO"], ["--stdio", "--log-level", "INFO"]]] as const) {
      const l = await resolveLaunch({ settings: { serverPath: given, python: "" }, extensionPath: ext });
      assert.deepEqual(l.args, args, given.join(" "));
      assert.equal(l.args.filter((a) => a === "--stdio").length, 1);
    }
    const bundled = await resolveLaunch({ settings: none, extensionPath: ext, platform: "linux" });
    assert.equal(bundled.args.filter((a) => a === "--stdio").length, 1, bundled.args.join(" "));
  });

  it("ignores an empty witx.server.path entry", async () => {
    const l = await resolveLaunch({ settings: { serverPath: [" "], python: "" }, extensionPath: ext, platform: "linux" });
    assert.equal(l.source, "default");
  });

  it("runs the bundled server on witx.server.python, with -S and PYTHONPATH", async () => {
    let asked = false;
    const l = await resolveLaunch({ settings: { serverPath: [], python: " /usr/bin/python3.11 " }, extensionPath: ext,
      pythonFromExtension: () => { asked = true; return Promise.resolve("/venv/bin/python"); } });
    assert.equal(l.command, "/usr/bin/python3.11");
    assert.deepEqual(l.args, ["-S", "-m", "witx_lsp", "serve", "--stdio"]);
    assert.equal(l.env.PYTHONPATH, bundledLibs(ext));
    assert.equal(l.env.PYTHONNOUSERSITE, "1");
    assert.equal(l.cwd, bundledLibs(ext), "python -m puts the working directory on sys.path: run where only the bundle is");
    assert.equal(l.source, "witx.server.python");
    assert.equal(l.bundled, true);
    assert.equal(asked, false, "the Python extension is not asked when the setting is set");
  });

  it("falls back to the Python extension's interpreter", async () => {
    const l = await resolveLaunch({ settings: none, extensionPath: ext, pythonFromExtension: () => Promise.resolve("/venv/bin/python") });
    assert.equal(l.command, "/venv/bin/python");
    assert.equal(l.source, "python-extension");
  });

  it("falls back to python3 when the Python extension has no interpreter, fails, or is absent", async () => {
    for (const pythonFromExtension of [() => Promise.resolve(undefined), () => Promise.resolve(""),
      () => Promise.reject(new Error("activation failed")), undefined]) {
      const l = await resolveLaunch({ settings: none, extensionPath: ext, platform: "linux", pythonFromExtension });
      assert.equal(l.command, "python3");
      assert.equal(l.source, "default");
      assert.equal(l.bundled, true);
    }
  });

  it("uses python on Windows", () => {
    assert.equal(defaultPython("win32"), "python");
    assert.equal(defaultPython("darwin"), "python3");
  });
});

describe("serverEnvironment", () => {
  it("adds the launch variables and drops PYTHONHOME and PYTHONSTARTUP", async () => {
    const l = await resolveLaunch({ settings: { serverPath: [], python: "py" }, extensionPath: ext });
    const env = serverEnvironment(l, { PATH: "/bin", PYTHONHOME: "/elsewhere", PYTHONSTARTUP: "x.py", PYTHONPATH: "/user/site", HOME: "/h" });
    assert.equal(env.PATH, "/bin");
    assert.equal(env.HOME, "/h");
    assert.equal(env.PYTHONPATH, bundledLibs(ext), "the user's PYTHONPATH is replaced, not extended");
    assert.equal("PYTHONHOME" in env, false);
    assert.equal("PYTHONSTARTUP" in env, false);
  });

  it("leaves a witx.server.path command's environment alone", async () => {
    const l = await resolveLaunch({ settings: { serverPath: ["witx-lsp"], python: "" }, extensionPath: ext });
    assert.deepEqual(serverEnvironment(l, { PYTHONPATH: "/x", PYTHONHOME: "/y" }), { PYTHONPATH: "/x", PYTHONHOME: "/y" });
  });
});

const fake = (r: Partial<ProbeResult>) => () => Promise.resolve({ exitCode: 0, stdout: "", stderr: "", ...r });

describe("checkPython", () => {
  it("accepts the minimum version and newer", async () => {
    for (const v of [[3, 10, 0], [3, 13, 1], [4, 0, 0]]) {
      const c = await checkPython("py", fake({ stdout: JSON.stringify({ version: v, executable: "/usr/bin/py" }) + "\n" }));
      assert.deepEqual(c, { ok: true, version: v, executable: "/usr/bin/py" });
    }
  });

  it("rejects an old Python with a clear message", async () => {
    const c = await checkPython("python3", fake({ stdout: '{"version": [3, 9, 18], "executable": "/usr/bin/python3"}' }));
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.equal(c.kind, "too-old");
    const msg = pythonProblemMessage(c, "python3", "default");
    assert.match(msg, /is Python 3\.9\.18/);
    assert.match(msg, new RegExp(`Python ${MIN_PYTHON.join("\\.")} or newer`));
    assert.match(msg, /witx\.server\.python/);
  });

  it("reports a missing interpreter", async () => {
    const c = await checkPython("nopython", fake({ errorCode: "ENOENT", exitCode: null }));
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.equal(c.kind, "not-found");
    const msg = pythonProblemMessage(c, "nopython", "witx.server.python");
    assert.match(msg, /Python was not found \(`nopython`, the `witx\.server\.python` setting\)/);
  });

  it("reports an interpreter that fails or prints nonsense", async () => {
    for (const r of [{ exitCode: 1, stderr: "boom" }, { stdout: "Python 2.7" }, { stdout: '{"version": "3.11"}' }, { errorCode: "EACCES", exitCode: null }]) {
      const c = await checkPython("py", fake(r));
      assert.equal(c.ok, false);
      if (!c.ok) {
        assert.equal(c.kind, "failed");
        assert.match(pythonProblemMessage(c, "py", "python-extension"), /the interpreter selected in the Python extension/);
      }
    }
    const thrown = await checkPython("py", () => Promise.reject(new Error("spawn failed")));
    assert.equal(thrown.ok, false);
  });

  it("runs a real interpreter and a missing one", async () => {
    const real = await checkPython(process.env.WITX_PYTHON ?? "python3", runProbe);
    assert.equal(real.ok, true, JSON.stringify(real));
    const missing = await checkPython("/nonexistent/python3", runProbe);
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.equal(missing.kind, "not-found");
  });
});

describe("describeLaunch", () => {
  it("shows the command line and where it came from", async () => {
    const l = await resolveLaunch({ settings: { serverPath: [], python: "/my python/bin/python3" }, extensionPath: "/ext" });
    assert.equal(describeLaunch(l), 'PYTHONPATH=/ext/bundled/libs "/my python/bin/python3" -S -m witx_lsp serve --stdio (from the `witx.server.python` setting)');
  });
});

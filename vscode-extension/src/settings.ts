/** Reading the `witx.*` settings. */
import * as os from "node:os";
import * as vscode from "vscode";
import type { LaunchSettings } from "./launch";

/** The sections of `witx.*` that the server reads (witx_lsp/server/options.py parse_settings). */
export const SERVER_SECTIONS: readonly string[] = ["diagnostics", "inlayHints", "codeLens", "hover", "logLevel", "preview"];

export interface VariableContext {
  workspaceFolder?: string;
  userHome: string;
  env: NodeJS.ProcessEnv;
}

/** `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~/` in a path setting. */
export function substituteVariables(value: string, ctx: VariableContext): string {
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
    if (envName !== undefined) return ctx.env[envName] ?? "";
    if (name === "userHome") return ctx.userHome;
    return ctx.workspaceFolder ?? whole;
  });
  if (out === "~" || out.startsWith("~/")) out = ctx.userHome + out.slice(1);
  return out;
}

function variableContext(resource?: vscode.Uri): VariableContext {
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  return { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir(), env: process.env };
}

export function readLaunchSettings(resource?: vscode.Uri): LaunchSettings {
  const config = vscode.workspace.getConfiguration("witx", resource);
  const ctx = variableContext(resource);
  const rawPath = config.get<unknown>("server.path", []);
  const serverPath = Array.isArray(rawPath) ? rawPath.filter((s): s is string => typeof s === "string") : [];
  const rawPython = config.get<unknown>("server.python", "");
  const python = typeof rawPython === "string" ? rawPython : "";
  return {
    serverPath: serverPath.map((s, i) => (i === 0 ? substituteVariables(s, ctx) : s.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder ?? "${workspaceFolder}"))),
    python: python.trim() === "" ? "" : substituteVariables(python.trim(), ctx),
  };
}

/** The settings object the server receives (initializationOptions; the same shape as `workspace/configuration` for `witx`). */
export function serverSettings(resource?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("witx", resource);
  const out: Record<string, unknown> = {};
  for (const section of SERVER_SECTIONS) {
    const value = config.get<unknown>(section);
    if (value !== undefined) out[section] = value;
  }
  return out;
}

/** True when a configuration change means the server has to be started again. */
export function affectsLaunch(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration("witx.server.path") || e.affectsConfiguration("witx.server.python");
}

/** `witx.preview.config`: the `wiggle::from_witx!` argument text, or undefined for the server's setting. */
export function previewConfig(resource?: vscode.Uri): string | undefined {
  const value = vscode.workspace.getConfiguration("witx", resource).get<unknown>("preview.config");
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * Read-only documents computed by the server from a witx document: the Rust host signatures
 * (`.rs`), the rendered docs (`.md`), the syntax tree (`.txt`) and the WIT package (`.wit`, with
 * the conversion's notes handed to `onWitNotes`). They follow edits of their
 * source: a change to it (debounced) fires `onDidChange`, and VS Code asks for the text again.
 */
import * as vscode from "vscode";
import { asRust, asText, asWit, COMMANDS, type CommandClient, type LspDiagnostic, runServerCommand, ServerCommandError } from "./serverCommands";
import { previewConfig } from "./settings";

export const SCHEME = "witx-view";

export type ViewKind = "host-signatures" | "docs" | "syntax-tree" | "wit";

/** Receives the notes (W07xx diagnostics) of each WIT view rendered, for its witx source. */
export type WitNotes = (source: vscode.Uri, diagnostics: LspDiagnostic[]) => void;

const EXTENSION: Record<ViewKind, string> = { "host-signatures": ".rs", docs: ".md", "syntax-tree": ".txt", wit: ".wit" };
const COMMENT: Record<ViewKind, (s: string) => string> = {
  "host-signatures": (s) => s.split("\n").map((l) => `// ${l}`).join("\n"),
  docs: (s) => `> ${s.split("\n").join("\n> ")}`,
  "syntax-tree": (s) => s,
  wit: (s) => s.split("\n").map((l) => `// ${l}`).join("\n"),
};

export function viewUri(kind: ViewKind, source: vscode.Uri): vscode.Uri {
  const base = source.path.split("/").pop()?.replace(/\.witxt?$/, "") || "untitled";
  return vscode.Uri.from({ scheme: SCHEME, path: `/${kind}/${base}${EXTENSION[kind]}`, query: source.toString() });
}

export function parseViewUri(uri: vscode.Uri): { kind: ViewKind; source: vscode.Uri } | undefined {
  const kind = uri.path.split("/")[1] as ViewKind;
  if (!(kind in EXTENSION) || uri.query === "") return undefined;
  return { kind, source: vscode.Uri.parse(uri.query) };
}

export class ViewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => CommandClient | undefined, private readonly delayMs = 300,
              private readonly witNotes?: WitNotes) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.sourceChanged(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => this.sourceChanged(d.uri)),
    );
  }

  /** Refresh every open view of `source` after a pause in typing. */
  sourceChanged(source: vscode.Uri): void {
    const key = source.toString();
    const views = vscode.workspace.textDocuments
      .map((d) => d.uri)
      .filter((u) => u.scheme === SCHEME && parseViewUri(u)?.source.toString() === key);
    if (views.length === 0) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      views.forEach((u) => this.changed.fire(u));
    }, this.delayMs));
  }

  /** Refresh every open view (after a server restart). */
  refreshAll(): void {
    vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME).forEach((d) => this.changed.fire(d.uri));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const view = parseViewUri(uri);
    if (view === undefined) return "";
    try {
      return await render(this.client(), view.kind, view.source, this.witNotes);
    } catch (e) {
      const message = e instanceof ServerCommandError ? e.message : `witx: ${String(e)}`;
      return COMMENT[view.kind](message) + "\n";
    }
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.subscriptions.forEach((s) => { s.dispose(); });
    this.changed.dispose();
  }
}

export async function render(client: CommandClient | undefined, kind: ViewKind, source: vscode.Uri,
                             witNotes?: WitNotes): Promise<string> {
  const uri = source.toString();
  switch (kind) {
    case "host-signatures": {
      const config = previewConfig(source);
      return asRust(await runServerCommand(client, COMMANDS.previewHostSignatures, config ? [uri, config] : [uri]));
    }
    case "docs":
      return asText(COMMANDS.renderDocs, await runServerCommand(client, COMMANDS.renderDocs, [uri]));
    case "syntax-tree":
      return asText(COMMANDS.showSyntaxTree, await runServerCommand(client, COMMANDS.showSyntaxTree, [uri]));
    case "wit": {
      // Without `open: true` the server only returns the text (it writes a file for the lens in other editors).
      const result = asWit(await runServerCommand(client, COMMANDS.showWit, [uri]));
      witNotes?.(source, result.diagnostics);
      return result.wit;
    }
  }
}

const SEVERITY = [vscode.DiagnosticSeverity.Error, vscode.DiagnosticSeverity.Warning,
  vscode.DiagnosticSeverity.Information, vscode.DiagnosticSeverity.Hint];

/** A conversion note as a VS Code diagnostic on the witx source. */
export function toDiagnostic(d: LspDiagnostic): vscode.Diagnostic {
  const { start, end } = d.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  const out = new vscode.Diagnostic(range, d.message, SEVERITY[(d.severity ?? 1) - 1] ?? vscode.DiagnosticSeverity.Error);
  out.source = "witx \u2192 WIT";
  if (d.code !== undefined) out.code = d.code;
  return out;
}

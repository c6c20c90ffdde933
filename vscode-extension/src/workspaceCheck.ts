/**
 * Diagnostics reach VS Code through one channel. A server that serves a pulling client by pull only
 * (its pull identifier differs from the client's push collection name, CLIENT_ID) is pulled for
 * every open document: the document pulls pass through. An older server that pushed *and* offered
 * pull under the client's own name is kept on its push results: its document pulls answer nothing.
 * Either way the workspace pull (which VS Code's client would otherwise repeat every two seconds)
 * waits until "witx: Check Workspace" asks for one; its results fill the Problems view for the
 * files that are not open.
 */
import type * as vscode from "vscode";
import type { Middleware, vsdiag } from "vscode-languageclient/node";

export interface CheckSummary { files: number; errors: number; warnings: number; others: number }

export class WorkspaceCheck {
  /** `documentPulls`: whether the running server answers document pulls (see above). */
  constructor(private readonly documentPulls: () => boolean = () => false) {}

  private waiting: Array<() => void> = [];
  private done: Array<(s: CheckSummary) => void> = [];
  private requested = false;
  /** Whether the server offered workspace diagnostics (the client called the middleware). */
  pullStarted = false;

  readonly middleware: Middleware = {
    provideDiagnostics: (document, previousResultId, token, next) => this.documentPulls()
      ? next(document, previousResultId, token)
      : { kind: "full" as vsdiag.DocumentDiagnosticReportKind.full, items: [] },
    provideWorkspaceDiagnostics: async (resultIds, token, reporter, next) => {
      this.pullStarted = true;
      await this.untilRequested(token);
      if (token.isCancellationRequested) return { items: [] };
      this.requested = false;
      const summary: CheckSummary = { files: 0, errors: 0, warnings: 0, others: 0 };
      const count = (items: readonly vsdiag.WorkspaceDocumentDiagnosticReport[]) => {
        for (const item of items) {
          summary.files++;
          if ((item.kind as string) !== "full") continue;
          for (const d of (item as vsdiag.WorkspaceFullDocumentDiagnosticReport).items) {
            const severity = d.severity as number; // vscode.DiagnosticSeverity: Error 0, Warning 1
            if (severity === 0) summary.errors++;
            else if (severity === 1) summary.warnings++;
            else summary.others++;
          }
        }
      };
      const wrapped: vsdiag.ResultReporter = (chunk) => {
        if (chunk) count(chunk.items);
        reporter(chunk);
      };
      try {
        const report = await next(resultIds, token, wrapped);
        if (report) count(report.items);
        return report;
      } finally {
        const done = this.done;
        this.done = [];
        done.forEach((f) => f(summary));
      }
    },
  };

  private untilRequested(token: vscode.CancellationToken): Promise<void> {
    if (this.requested) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      token.onCancellationRequested(() => resolve());
    });
  }

  /** Run one workspace pull; resolves with its counts (undefined when the server has no workspace diagnostics). */
  run(timeoutMs = 120_000): Promise<CheckSummary | undefined> {
    if (!this.pullStarted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the workspace check timed out")), timeoutMs);
      this.done.push((s) => { clearTimeout(timer); resolve(s); });
      this.requested = true;
      const waiting = this.waiting;
      this.waiting = [];
      waiting.forEach((f) => f());
    });
  }

  /** After a restart the new client starts its own pull. */
  reset(): void {
    this.pullStarted = false;
    this.requested = false;
    this.waiting.forEach((f) => f());
    this.waiting = [];
  }
}

export function summaryText(s: CheckSummary): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `witx: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")} in ${plural(s.files, "file")}` +
    (s.others ? ` (and ${s.others} hints or notes)` : "") + "; open files are checked as you type.";
}

/** Whether a server with these capabilities serves this client's diagnostics by pull only. */
export function pullsOnly(capabilities: { diagnosticProvider?: unknown } | undefined, clientId: string): boolean {
  const provider = capabilities?.diagnosticProvider as { identifier?: unknown } | undefined;
  return provider !== undefined && provider.identifier !== clientId;
}

/** The memory-layout webview: the server's SVG diagram of one type, and the bytes of a value. */
import * as vscode from "vscode";
import { layoutOf } from "./layoutDiagram";
import { encodeResultText, layoutHtml, makeNonce } from "./layoutHtml";
import { asLayoutResult, COMMANDS, type CommandClient, isSupported, layoutAt, type LayoutResult, runServerCommand,
  ServerCommandError } from "./serverCommands";

export class LayoutPanel implements vscode.Disposable {
  static readonly viewType = "witx.layout";
  private static current: LayoutPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last value encoded and its bytes, kept across re-renders (edits, restarts) of the same type. */
  private value: { typeName: string; text: string; bytes: string } | undefined;

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly client: () => CommandClient | undefined,
                      private source: vscode.Uri, private typeName: string) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== this.source.toString()) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(), 400);
      }),
    );
  }

  /**
   * Show the layout of the type under the cursor of `editor`: the typename the server finds at the
   * cursor (a type reference, or the definition around it); the user is asked for one when there is none.
   */
  static async show(editor: vscode.TextEditor, client: () => CommandClient | undefined): Promise<void> {
    const source = editor.document.uri;
    let found: LayoutResult | undefined;
    try {
      found = await layoutAt(client(), source.toString(), editor.selection.active);
    } catch (e) {
      if (!(e instanceof ServerCommandError)) throw e;
      void vscode.window.showErrorMessage(`witx: ${e.message}`);
      return;
    }
    const typeName = found?.type ?? await vscode.window.showInputBox({ prompt: "witx: the type to lay out (without $)" });
    if (!typeName) return;
    await LayoutPanel.showFor(source, typeName.replace(/^\$/, ""), client, found);
  }

  /** Show the layout of `typeName` in `source` (`shown`: the server's answer for it, when already asked). */
  static async showFor(source: vscode.Uri, typeName: string, client: () => CommandClient | undefined, shown?: LayoutResult): Promise<void> {
    const column = vscode.ViewColumn.Beside;
    if (LayoutPanel.current) {
      LayoutPanel.current.source = source;
      LayoutPanel.current.typeName = typeName;
      LayoutPanel.current.panel.reveal(column, true);
    } else {
      const panel = vscode.window.createWebviewPanel(LayoutPanel.viewType, `Layout: ${typeName}`,
        { viewColumn: column, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
      LayoutPanel.current = new LayoutPanel(panel, client, source, typeName);
    }
    await LayoutPanel.current.update(shown);
  }

  static refresh(): void {
    void LayoutPanel.current?.update();
  }

  private async update(shown?: LayoutResult): Promise<void> {
    const client = this.client();
    const nonce = makeNonce();
    const base = { source: vscode.workspace.asRelativePath(this.source), cspSource: this.panel.webview.cspSource, nonce };
    const canEncode = isSupported(client, COMMANDS.encodeValue);
    const encodeUnavailable = canEncode ? undefined
      : "Showing the bytes of a value needs a server with the runtime features (the `witx.encodeValue` command, with wasmtime installed).";
    const typeName = this.typeName;
    try {
      const result = shown?.type === typeName ? shown
        : asLayoutResult(await runServerCommand(client, COMMANDS.showLayout, [this.source.toString(), typeName]));
      this.panel.title = `Layout: ${typeName}`;
      const kept = this.value?.typeName === typeName ? this.value : undefined;
      this.panel.webview.html = layoutHtml({ ...base, typeName, layout: layoutOf(result.json, typeName), text: result.text, canEncode, encodeUnavailable,
        value: kept?.text, bytesText: kept?.bytes });
    } catch (e) {
      const error = e instanceof ServerCommandError ? e.message : String(e);
      this.panel.webview.html = layoutHtml({ ...base, typeName, error, canEncode: false, encodeUnavailable });
    }
  }

  private async onMessage(message: unknown): Promise<void> {
    const m = message as { type?: unknown; value?: unknown };
    if (m?.type !== "encode" || typeof m.value !== "string") return;
    let text: string;
    try {
      // The server reads the value as JSON text, or as a plain case name or character.
      const result = await runServerCommand(this.client(), COMMANDS.encodeValue, [this.source.toString(), this.typeName, m.value]);
      text = encodeResultText(result);
    } catch (e) {
      text = e instanceof ServerCommandError ? e.message : String(e);
    }
    this.value = { typeName: this.typeName, text: m.value, bytes: text };
    await this.panel.webview.postMessage({ type: "bytes", text });
  }

  dispose(): void {
    if (LayoutPanel.current === this) LayoutPanel.current = undefined;
    clearTimeout(this.timer);
    this.disposables.forEach((d) => { d.dispose(); });
    this.panel.dispose();
  }
}

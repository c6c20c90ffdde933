/**
 * Calling the server's `workspace/executeCommand` commands. The server may be older or newer than
 * this client, so a command it does not advertise fails with a clear message instead of an
 * "unknown command" error, and nothing here throws anything but a `ServerCommandError`.
 */

/** The commands this client knows about (witx_lsp/server). */
export const COMMANDS = {
  showLayout: "witx.showLayout",
  renderDocs: "witx.renderDocs",
  showSyntaxTree: "witx.showSyntaxTree",
  previewHostSignatures: "witx.previewHostSignatures",
  showWit: "witx.showWit",
  encodeValue: "witx.encodeValue",
  decodeValue: "witx.decodeValue",
} as const;

export type ServerCommand = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The part of a LanguageClient used here. */
export interface CommandClient {
  isRunning(): boolean;
  readonly initializeResult: { capabilities: { executeCommandProvider?: { commands: string[] } }; serverInfo?: { name: string; version?: string } } | undefined;
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export type ServerCommandErrorKind = "not-running" | "unsupported" | "failed";

export class ServerCommandError extends Error {
  constructor(readonly kind: ServerCommandErrorKind, message: string) {
    super(message);
    this.name = "ServerCommandError";
  }
}

export function serverName(client: CommandClient): string {
  const info = client.initializeResult?.serverInfo;
  return info ? `${info.name}${info.version ? ` ${info.version}` : ""}` : "the witx language server";
}

export function isSupported(client: CommandClient | undefined, command: string): boolean {
  return !!client?.initializeResult?.capabilities.executeCommandProvider?.commands.includes(command);
}

export async function runServerCommand(client: CommandClient | undefined, command: string, args: unknown[]): Promise<unknown> {
  if (client === undefined || !client.isRunning()) {
    throw new ServerCommandError("not-running", "The witx language server is not running (see the output channel `witx`).");
  }
  if (!isSupported(client, command)) {
    throw new ServerCommandError("unsupported",
      `${serverName(client)} does not provide \`${command}\`; update the server, or clear \`witx.server.path\` to use the bundled one.`);
  }
  try {
    return await client.sendRequest("workspace/executeCommand", { command, arguments: args });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ServerCommandError("failed", `\`${command}\` failed: ${message}`);
  }
}

/** Result shapes, checked at run time (the server is another program). */
export interface LayoutResult {
  text: string;
  svg: string;
  json: unknown;
  /** The typename shown: the one asked for, or the one at the position asked about; absent for a whole file. */
  type?: string;
}

export function asLayoutResult(value: unknown): LayoutResult {
  const v = value as Partial<LayoutResult> | null;
  if (v === null || typeof v !== "object" || typeof v.svg !== "string") {
    throw new ServerCommandError("failed", "`witx.showLayout` returned no diagram.");
  }
  const type = typeof v.type === "string" && v.type !== "" ? v.type : undefined;
  return { text: typeof v.text === "string" ? v.text : "", svg: v.svg, json: v.json ?? null, ...(type ? { type } : {}) };
}

/** A position as LSP sends it (0-based line, UTF-16 character: what VS Code's positions are). */
export interface LspPosition { line: number; character: number }

/**
 * The layout of the typename at `position` in the document `uri`: the server resolves the position
 * (`witx.showLayout` with a position argument), so the client never reads witx itself. Undefined when
 * the position is on no typename (the server then answers with the whole file, without `type`).
 */
export async function layoutAt(client: CommandClient | undefined, uri: string, position: LspPosition): Promise<LayoutResult | undefined> {
  const result = asLayoutResult(await runServerCommand(client, COMMANDS.showLayout, [uri, { line: position.line, character: position.character }]));
  return result.type === undefined ? undefined : result;
}

export function asText(command: string, value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as { text?: unknown; markdown?: unknown } | null;
  if (v && typeof v === "object") {
    if (typeof v.text === "string") return v.text;
    if (typeof v.markdown === "string") return v.markdown;
  }
  throw new ServerCommandError("failed", `\`${command}\` returned no text.`);
}

export function asRust(value: unknown): string {
  const v = value as { rust?: unknown } | null;
  if (typeof value === "string") return value;
  if (v && typeof v === "object" && typeof v.rust === "string") return v.rust;
  throw new ServerCommandError("failed", "`witx.previewHostSignatures` returned no Rust source.");
}

/** An LSP diagnostic as the server sends it (0-based lines, UTF-16 characters). */
export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
}

/** The result of `witx.showWit`: the WIT text and the notes of the conversion. */
export function asWit(value: unknown): { wit: string; diagnostics: LspDiagnostic[] } {
  const v = value as { wit?: unknown; diagnostics?: unknown } | null;
  if (v && typeof v === "object" && typeof v.wit === "string") {
    return { wit: v.wit, diagnostics: Array.isArray(v.diagnostics) ? (v.diagnostics as LspDiagnostic[]) : [] };
  }
  throw new ServerCommandError("failed", "`witx.showWit` returned no WIT.");
}

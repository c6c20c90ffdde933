/**
 * A small stand-in for the `vscode` module, enough for the units under test (esbuild aliases
 * `vscode` to this file when it bundles the tests). `mock` lets a test set the configuration,
 * the open documents, the workspace folders and the installed extensions.
 */

export class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query: string, readonly fragment: string) {}
  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) throw new Error(`bad uri ${value}`);
    return new Uri(m[1], m[2] ?? "", decodeURIComponent(m[3]), m[4] !== undefined ? decodeURIComponent(m[4]) : "", m[5] ?? "");
  }
  static file(path: string): Uri {
    return new Uri("file", "", path, "", "");
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? "", c.path ?? "", c.query ?? "", c.fragment ?? "");
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    const q = this.query ? `?${encodeURIComponent(this.query)}` : "";
    const auth = this.scheme === "file" || this.authority ? `//${this.authority}` : "";
    return `${this.scheme}:${auth}${this.path.split("/").map(encodeURIComponent).join("/")}${q}`;
  }
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (listener: (e: T) => void): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => { this.listeners = this.listeners.filter((l) => l !== listener); });
  };
  fire(e: T): void {
    this.listeners.slice().forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export enum ViewColumn { Active = -1, Beside = -2, One = 1 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }

export class Range {
  constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number,
              readonly endCharacter: number) {}
}

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(readonly range: Range, readonly message: string, readonly severity: DiagnosticSeverity) {}
}

function getPath(obj: any, key: string): any {
  return key.split(".").reduce((o, k) => (o !== undefined && o !== null ? o[k] : undefined), obj);
}

export const mock = {
  /** The user's `witx.*` settings, nested as in settings.json after VS Code merges dotted keys. */
  config: {} as Record<string, any>,
  folders: [] as { uri: Uri; name: string; index: number }[],
  documents: [] as { uri: Uri; getText(): string }[],
  extensions: {} as Record<string, any>,
  changeDocument: new EventEmitter<{ document: { uri: Uri } }>(),
  saveDocument: new EventEmitter<{ uri: Uri }>(),
  reset(): void {
    this.config = {};
    this.folders = [];
    this.documents = [];
    this.extensions = {};
  },
};

export const workspace = {
  getConfiguration(section?: string) {
    const root = section ? getPath(mock.config, section) ?? {} : mock.config;
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        const v = getPath(root, key);
        return v === undefined ? defaultValue : v;
      },
      has(key: string): boolean {
        return getPath(root, key) !== undefined;
      },
    };
  },
  get workspaceFolders() {
    return mock.folders.length ? mock.folders : undefined;
  },
  getWorkspaceFolder(uri: Uri) {
    return mock.folders.find((f) => uri.path.startsWith(f.uri.path + "/"));
  },
  get textDocuments() {
    return mock.documents;
  },
  onDidChangeTextDocument: (l: (e: { document: { uri: Uri } }) => void) => mock.changeDocument.event(l),
  onDidSaveTextDocument: (l: (e: { uri: Uri }) => void) => mock.saveDocument.event(l),
  asRelativePath: (u: Uri) => u.path,
};

export const extensions = {
  getExtension(id: string) {
    return mock.extensions[id];
  },
};

export const window = {};
export const commands = {};
export const languages = {};

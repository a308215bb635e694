// A single-instance WebviewPanel, the code the diagnostics panel and the lab's panel share: it
// opens the one panel (or updates the open one) with the latest state T, sends that state once
// the webview is ready, saves what the webview asks to save, and restores the panel after a
// window reload (the webview keeps its last state itself).

import * as vscode from 'vscode';
import type { WebviewName } from '../../webview/page';
import { HostToView, parseViewToHost, ProtocolError, ViewCommand } from '../protocol';
import { saveFromView } from './saveFromView';
import { htmlFor, webviewOptions } from './webviewHtml';

export interface SingletonPanelSpec<T> {
  viewType: string;
  title: string;
  /** The webview page (webview/page.ts) the panel shows. */
  webview: WebviewName;
  /** Where a closed panel opens. */
  showOptions: vscode.ViewColumn | { viewColumn: vscode.ViewColumn; preserveFocus?: boolean };
  /** The panel's name in the warning about a malformed message. */
  what: string;
  /** The message that carries the state to the webview. */
  message(state: T): HostToView;
  /** The panel's tab title for a state (default: `title`). */
  tabTitle?(state: T): string;
  /** What a button of the webview asks for, with the state the panel shows (undefined after a reload). */
  onCommand?(command: ViewCommand, state: T | undefined): void;
}

/** One open panel: its state is its own, a reopened or restored panel starts without any. */
interface OpenPanel<T> {
  panel: vscode.WebviewPanel;
  state: T | undefined;
  ready: boolean;
  disposables: vscode.Disposable[];
}

export class SingletonPanel<T> {
  private current: OpenPanel<T> | undefined;

  constructor(private readonly spec: SingletonPanelSpec<T>) {}

  /** Shows the state, opening the panel when it is closed; returns the panel. */
  show(extensionUri: vscode.Uri, state: T): vscode.WebviewPanel {
    const open =
      this.current ??
      this.open(
        vscode.window.createWebviewPanel(
          this.spec.viewType,
          this.spec.title,
          this.spec.showOptions,
          webviewOptions(extensionUri),
        ),
        extensionUri,
      );
    this.update(state);
    return open.panel;
  }

  /** The state the open panel shows (undefined when it is closed or was restored after a reload). */
  get state(): T | undefined {
    return this.current?.state;
  }

  /**
   * The new state, for the panel when it is open (a closed panel stays closed). `change`: a message
   * that carries what changed to a webview that has the rest (a webview not yet ready gets the whole state).
   */
  update(state: T, change?: HostToView): void {
    const open = this.current;
    if (!open) return;
    open.state = state;
    open.panel.title = this.spec.tabTitle?.(state) ?? this.spec.title;
    if (open.ready) void open.panel.webview.postMessage(change ?? this.spec.message(state));
  }

  /** Restores a panel after a window reload; its webview draws the state it kept. */
  serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        this.open(panel, extensionUri);
      },
    };
  }

  /** Makes the panel the one open panel: its page, its messages, its closing. */
  private open(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): OpenPanel<T> {
    const open: OpenPanel<T> = { panel, state: undefined, ready: false, disposables: [] };
    this.current = open;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = htmlFor(panel.webview, extensionUri, this.spec.webview, this.spec.title);
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(open, raw), null, open.disposables);
    panel.onDidDispose(() => this.dispose(open), null, open.disposables);
    return open;
  }

  /** When the panel is closed: forget it and drop its listeners. */
  private dispose(open: OpenPanel<T>): void {
    if (this.current === open) this.current = undefined;
    vscode.Disposable.from(...open.disposables.splice(0)).dispose();
  }

  private post(open: OpenPanel<T>, state: T): void {
    void open.panel.webview.postMessage(this.spec.message(state));
  }

  private async onMessage(open: OpenPanel<T>, raw: unknown): Promise<void> {
    let m;
    try {
      m = parseViewToHost(raw);
    } catch (e) {
      if (e instanceof ProtocolError)
        console.warn(`SeqLab: ignored a malformed ${this.spec.what} message: ${e.message}`);
      return;
    }
    if (m.type === 'ready') {
      open.ready = true;
      if (open.state !== undefined) this.post(open, open.state);
    } else if (m.type === 'save') {
      await saveFromView(m);
    } else if (m.type === 'command') {
      this.spec.onCommand?.(m.command, open.state);
    }
  }
}

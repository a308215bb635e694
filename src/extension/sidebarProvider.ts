// The sidebar loss view: a WebviewView that draws the run the Runs object reports.

import * as vscode from 'vscode';
import { HostToView, parseViewToHost, ProtocolError, ViewToHost } from '../protocol';
import { Runs } from './runs';
import { htmlFor, webviewOptions } from './webviewHtml';

export class SidebarProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'seqlab.lossView';
  private view: vscode.WebviewView | undefined;
  private readonly runsListener: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runs: Runs,
    private readonly onCommand: (m: ViewToHost) => void,
  ) {
    this.runsListener = runs.onDidChange((m) => this.send(m));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = htmlFor(view.webview, this.extensionUri, 'sidebar', 'SeqLab training');
    // The view's listeners go with it: VS Code disposes a hidden sidebar view and resolves a new one.
    const listeners: vscode.Disposable[] = [];
    view.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, listeners);
    view.onDidDispose(
      () => {
        if (this.view === view) this.view = undefined;
        vscode.Disposable.from(...listeners).dispose();
      },
      null,
      listeners,
    );
  }

  private onMessage(raw: unknown): void {
    let m: ViewToHost;
    try {
      m = parseViewToHost(raw);
    } catch (e) {
      if (e instanceof ProtocolError) console.warn(`SeqLab: ignored a malformed sidebar message: ${e.message}`);
      return;
    }
    if (m.type === 'ready') this.send({ type: 'run', run: this.runs.view });
    else this.onCommand(m);
  }

  private send(m: HostToView): void {
    if (this.view) void this.view.webview.postMessage(m);
  }

  dispose(): void {
    this.runsListener.dispose();
  }
}

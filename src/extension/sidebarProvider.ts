// The sidebar loss view: a WebviewView that draws the run the Runs object reports, and the activity
// strip of the line at the cursor.

import * as vscode from 'vscode';
import { HostToView, parseViewToHost, ProtocolError, ViewToHost } from '../protocol';
import { ActivityStrip } from './activityStrip';
import { Runs } from './runs';
import { htmlFor, webviewOptions } from './webviewHtml';

export class SidebarProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'seqlab.lossView';
  private view: vscode.WebviewView | undefined;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runs: Runs,
    private readonly activity: ActivityStrip,
    private readonly onCommand: (m: ViewToHost) => void,
  ) {
    this.listeners = [
      runs.onDidChange((m) => this.send(m)),
      activity.onDidChange((a) => this.send({ type: 'activity', activity: a })),
    ];
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
    if (m.type === 'ready') {
      this.send({ type: 'run', run: this.runs.view });
      this.send({ type: 'activity', activity: this.activity.current });
    } else this.onCommand(m);
  }

  private send(m: HostToView): void {
    if (this.view) void this.view.webview.postMessage(m);
  }

  dispose(): void {
    vscode.Disposable.from(...this.listeners).dispose();
  }
}

// The sidebar loss view: a WebviewView that draws the run the Runs object reports.

import * as vscode from 'vscode';
import { HostToView, parseViewToHost, ProtocolError, ViewToHost } from '../protocol';
import { Runs } from './runs';
import { htmlFor, webviewOptions } from './webviewHtml';

export class SidebarProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'seqlab.lossView';
  private view: vscode.WebviewView | undefined;
  /** Messages the view accepted: integration tests read them to see what the user sees. */
  readonly delivered: HostToView[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly runs: Runs, private readonly onCommand: (m: ViewToHost) => void) {
    runs.onDidChange((m) => this.send(m));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = htmlFor(view.webview, this.extensionUri, 'sidebar', 'SeqLab training');
    view.webview.onDidReceiveMessage((raw) => {
      let m: ViewToHost;
      try {
        m = parseViewToHost(raw);
      } catch (e) {
        if (e instanceof ProtocolError) console.warn(`SeqLab: ignored a malformed sidebar message: ${e.message}`);
        return;
      }
      if (m.type === 'ready') this.send({ type: 'run', run: this.runs.view });
      else this.onCommand(m);
    });
    view.onDidDispose(() => (this.view = undefined));
  }

  private send(m: HostToView): void {
    if (!this.view) return;
    void this.view.webview.postMessage(m).then((ok) => ok && this.delivered.push(m));
  }
}

// The long-memory lab's panel: a WebviewPanel with the chart of accuracy against the gap N per
// cell, filled in as the results arrive; restored by a serializer after a reload (the webview
// keeps the last view in its state).

import * as vscode from 'vscode';
import { HostToView, LabView, parseViewToHost, ProtocolError } from '../protocol';
import { saveFromView } from './saveFromView';
import { htmlFor, webviewOptions } from './webviewHtml';

export class LabPanel {
  static readonly viewType = 'seqlab.lab';
  private static current: LabPanel | undefined;
  private view: LabView | null = null;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = htmlFor(panel.webview, extensionUri, 'lab', 'SeqLab long-memory lab');
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, this.disposables);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  private dispose(): void {
    if (LabPanel.current === this) LabPanel.current = undefined;
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
  }

  private post(m: HostToView): void {
    void this.panel.webview.postMessage(m);
  }

  /** Shows the lab as it stands now, opening the panel (beside the editor) when it is closed. */
  static show(extensionUri: vscode.Uri, view: LabView): void {
    if (!LabPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        LabPanel.viewType,
        'SeqLab long-memory lab',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(extensionUri),
      );
      LabPanel.current = new LabPanel(panel, extensionUri);
    }
    LabPanel.current.update(view);
  }

  /** The lab's new state, for the panel when it is open (a closed panel stays closed). */
  static update(view: LabView): void {
    LabPanel.current?.update(view);
  }

  private update(view: LabView): void {
    this.view = view;
    if (this.ready) this.post({ type: 'lab', lab: view });
  }

  private async onMessage(raw: unknown): Promise<void> {
    let m;
    try {
      m = parseViewToHost(raw);
    } catch (e) {
      if (e instanceof ProtocolError) console.warn(`SeqLab: ignored a malformed lab panel message: ${e.message}`);
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      if (this.view) this.post({ type: 'lab', lab: this.view });
    } else if (m.type === 'save') {
      await saveFromView(m);
    }
  }

  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        LabPanel.current = new LabPanel(panel, extensionUri);
      },
    };
  }
}

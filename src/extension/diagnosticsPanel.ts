// The diagnostics panel: a WebviewPanel with the vanishing-gradient view, gate saturation,
// per-parameter gradient norms and clip events; restored by a serializer after a reload.

import * as vscode from 'vscode';
import { DiagnosticsReport, HostToView, parseViewToHost, ProtocolError } from '../protocol';
import { saveFromView } from './saveFromView';
import { htmlFor, webviewOptions } from './webviewHtml';

export class DiagnosticsPanel {
  static readonly viewType = 'seqlab.diagnostics';
  private static current: DiagnosticsPanel | undefined;
  private reports: DiagnosticsReport[] = [];
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = htmlFor(panel.webview, extensionUri, 'diagnostics', 'SeqLab diagnostics');
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, this.disposables);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  /** When the panel is closed: forget it and drop its listeners. */
  private dispose(): void {
    if (DiagnosticsPanel.current === this) DiagnosticsPanel.current = undefined;
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
  }

  private post(m: HostToView): void {
    void this.panel.webview.postMessage(m);
  }

  /** Shows reports (one per model: several when cells were compared) in the one panel. */
  static show(extensionUri: vscode.Uri, reports: DiagnosticsReport[]): DiagnosticsPanel {
    if (!DiagnosticsPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        DiagnosticsPanel.viewType,
        'SeqLab diagnostics',
        vscode.ViewColumn.Beside,
        webviewOptions(extensionUri),
      );
      DiagnosticsPanel.current = new DiagnosticsPanel(panel, extensionUri);
    }
    const p = DiagnosticsPanel.current;
    p.reports = reports;
    if (p.ready) p.post({ type: 'diagnostics', reports });
    p.panel.reveal(undefined, true);
    return p;
  }

  private async onMessage(raw: unknown): Promise<void> {
    let m;
    try {
      m = parseViewToHost(raw);
    } catch (e) {
      if (e instanceof ProtocolError) console.warn(`SeqLab: ignored a malformed diagnostics message: ${e.message}`);
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      if (this.reports.length) this.post({ type: 'diagnostics', reports: this.reports });
    } else if (m.type === 'save') {
      await saveFromView(m);
    }
  }

  /** Restores a panel after a window reload with the reports its webview kept in its state. */
  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        DiagnosticsPanel.current = new DiagnosticsPanel(panel, extensionUri);
      },
    };
  }
}

// The diagnostics panel: a WebviewPanel with the vanishing-gradient view, gate saturation,
// per-parameter gradient norms and clip events; restored by a serializer after a reload.

import * as vscode from 'vscode';
import { DiagnosticsReport } from '../protocol';
import { SingletonPanel } from './singletonPanel';

export class DiagnosticsPanel {
  static readonly viewType = 'seqlab.diagnostics';
  private static readonly panel = new SingletonPanel<DiagnosticsReport[]>({
    viewType: DiagnosticsPanel.viewType,
    title: 'SeqLab diagnostics',
    webview: 'diagnostics',
    showOptions: vscode.ViewColumn.Beside,
    what: 'diagnostics',
    message: (reports) => ({ type: 'diagnostics', reports }),
  });

  /** Shows reports (one per model: several when cells were compared) in the one panel, revealed. */
  static show(extensionUri: vscode.Uri, reports: DiagnosticsReport[]): vscode.WebviewPanel {
    const panel = DiagnosticsPanel.panel.show(extensionUri, reports);
    panel.reveal(undefined, true);
    return panel;
  }

  /** Restores a panel after a window reload with the reports its webview kept in its state. */
  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return DiagnosticsPanel.panel.serializer(extensionUri);
  }
}

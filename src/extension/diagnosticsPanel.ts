// The diagnostics panel: a WebviewPanel with the vanishing-gradient view, gate saturation,
// per-parameter gradient norms and clip events; restored by a serializer after a reload. It names
// the file and model(s) it shows, and says so when the file's model changed since (Refresh).

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DiagnosticsView } from '../protocol';
import { Runs } from './runs';
import { SingletonPanel } from './singletonPanel';

/** What the open panel shows: the document, whether the charts are of its own model (not a comparison), and the view. */
interface Shown {
  uri: string;
  ownModel: boolean;
  view: DiagnosticsView;
}

export class DiagnosticsPanel {
  static readonly viewType = 'seqlab.diagnostics';
  private static readonly panel = new SingletonPanel<Shown>({
    viewType: DiagnosticsPanel.viewType,
    title: 'SeqLab diagnostics',
    tabTitle: (s) => `SeqLab diagnostics — ${basename(vscode.Uri.parse(s.uri).path)}`,
    webview: 'diagnostics',
    showOptions: vscode.ViewColumn.Beside,
    what: 'diagnostics',
    message: (s) => ({ type: 'diagnostics', view: s.view }),
    // Refresh: the diagnostics of the file's model as it is now.
    onCommand: (command, s) => {
      if (command === 'diagnostics' && s)
        void vscode.commands.executeCommand('seqlab.openDiagnostics', { uri: vscode.Uri.parse(s.uri) });
    },
  });

  /**
   * Shows a view of a document's models in the one panel, revealed (ownModel: the file's model,
   * whose later trainings mark the panel out of date; else the models of a comparison).
   */
  static show(extensionUri: vscode.Uri, uri: vscode.Uri, ownModel: boolean, view: DiagnosticsView): void {
    const panel = DiagnosticsPanel.panel.show(extensionUri, { uri: uri.toString(), ownModel, view });
    panel.reveal(undefined, true);
  }

  /** The new view of the same document, for the panel when it is open (a Compare filling it as it goes). */
  static update(uri: vscode.Uri, ownModel: boolean, view: DiagnosticsView): void {
    DiagnosticsPanel.panel.update({ uri: uri.toString(), ownModel, view });
  }

  /** A new header line for the open panel of `uri` (a Compare's progress), its charts left as they are. */
  static setStatus(uri: vscode.Uri, status: string): void {
    const s = DiagnosticsPanel.panel.state;
    if (s?.uri === uri.toString()) DiagnosticsPanel.setHeader(s, status, s.view.outdated);
  }

  private static setHeader(s: Shown, status: string, outdated: string): void {
    const view = { ...s.view, status, outdated };
    DiagnosticsPanel.panel.update({ ...s, view }, { type: 'diagnosticsStatus', status, outdated });
  }

  /** Marks the panel out of date when the model it shows is replaced or trained further. */
  static watch(runs: Runs): vscode.Disposable {
    return runs.onDidChangeModel(({ uri, tag }) => {
      const s = DiagnosticsPanel.panel.state;
      if (!s || !s.ownModel || tag !== '' || s.uri !== uri) return;
      const now = runs.modelRun(vscode.Uri.parse(uri))?.view.title ?? 'a new model';
      const outdated = `The file's model changed since (now ${now}): these charts show the one before. Refresh to see the new one.`;
      DiagnosticsPanel.setHeader(s, s.view.status, outdated);
    });
  }

  /** Restores a panel after a window reload with the view its webview kept in its state. */
  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return DiagnosticsPanel.panel.serializer(extensionUri);
  }
}

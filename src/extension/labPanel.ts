// The long-memory lab's panel: a WebviewPanel with the chart of accuracy against the gap N per
// cell, filled in as the results arrive; restored by a serializer after a reload (the webview
// keeps the last view in its state).

import * as vscode from 'vscode';
import { LabView } from '../protocol';
import { SingletonPanel } from './singletonPanel';

export class LabPanel {
  static readonly viewType = 'seqlab.lab';
  private static readonly panel = new SingletonPanel<LabView>({
    viewType: LabPanel.viewType,
    title: 'SeqLab long-memory lab',
    webview: 'lab',
    showOptions: { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    what: 'lab panel',
    message: (lab) => ({ type: 'lab', lab }),
  });

  /** Shows the lab as it stands now, opening the panel (beside the editor) when it is closed. */
  static show(extensionUri: vscode.Uri, view: LabView): void {
    LabPanel.panel.show(extensionUri, view);
  }

  /** The lab's new state, for the panel when it is open (a closed panel stays closed). */
  static update(view: LabView): void {
    LabPanel.panel.update(view);
  }

  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return LabPanel.panel.serializer(extensionUri);
  }
}

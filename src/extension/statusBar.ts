// The status-bar item: training state and loss at a glance; a click opens the sidebar.

import * as vscode from 'vscode';
import { Runs } from './runs';

export function createStatusBar(runs: Runs): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('seqlab.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'SeqLab';
  item.command = 'seqlab.lossView.focus';
  const render = () => {
    const v = runs.view;
    if (!v) {
      item.hide();
      return;
    }
    const last = v.points[v.points.length - 1];
    const icon = v.state === 'training' ? '$(sync~spin)' : v.state === 'failed' ? '$(error)' : '$(graph-line)';
    item.text = `${icon} SeqLab ${v.state}${last ? ` · loss ${last.loss.toFixed(3)}` : ''}`;
    item.tooltip = `${v.title}${v.message ? `\n${v.message}` : ''}\nClick to open the SeqLab view`;
    item.show();
  };
  render();
  const sub = runs.onDidChange(render);
  return vscode.Disposable.from(item, sub);
}

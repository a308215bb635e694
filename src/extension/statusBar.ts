// The status-bar item: the model on screen, its training state and its latest validation loss,
// the same number, under the same name, as the sidebar's "Val loss"; a click opens the sidebar.

import * as vscode from 'vscode';
import { lossUnit, RunView } from '../protocol';
import { Runs } from './runs';

/** The loss the status bar shows: the latest validation loss, else (before the first validation) the latest training loss. */
export function statusLoss(v: RunView): string {
  for (let i = v.points.length - 1; i >= 0; i--) {
    const val = v.points[i].valLoss;
    if (val !== null) return `val loss ${val.toFixed(3)}`;
  }
  const last = v.points[v.points.length - 1];
  return last ? `train loss ${last.loss.toFixed(3)}` : '';
}

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
    const loss = statusLoss(v);
    const icon = v.state === 'training' ? '$(sync~spin)' : v.state === 'failed' ? '$(error)' : '$(graph-line)';
    item.text = `${icon} SeqLab ${v.state}: ${v.title}${loss ? ` · ${loss}` : ''}`;
    const unit = loss ? `\n${loss} (${lossUnit(v.level, v.task)})` : '';
    item.tooltip = `${v.title}${v.message ? `\n${v.message}` : ''}${unit}\nClick to open the SeqLab view`;
    item.show();
  };
  render();
  const sub = runs.onDidChange(render);
  return vscode.Disposable.from(item, sub);
}

// "Save PNG" / "Save CSV" of a webview chart: the view sends the file's content, the host asks
// where to write it (the panels share this).

import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { ViewToHost } from '../protocol';
import { showError } from './errors';

export async function saveFromView(m: ViewToHost & { type: 'save' }): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), m.name),
    filters: m.format === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
  });
  if (!target) return;
  const bytes =
    m.format === 'png'
      ? Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64')
      : Buffer.from(m.data, 'utf8');
  try {
    writeFileSync(target.fsPath, bytes);
  } catch (e) {
    showError(`could not save ${target.fsPath}: ${(e as Error).message}`);
  }
}

// The Runs view: every file's kept runs (runArchive.ts), files first, then each file's runs newest
// first, each with a short description (model, best validation loss, how long, how it ended) and its
// settings in the tooltip. Multi-select feeds "Compare selected".

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatStartedAt } from '../protocol';
import { ArchivedRun } from './runArchive';
import { Runs } from './runs';

export interface FileNode {
  kind: 'file';
  uri: string;
  fileName: string;
  folder: string; // its folder in the model store
}

export interface RunNode {
  kind: 'run';
  folder: string;
  run: ArchivedRun;
}

export type RunsNode = FileNode | RunNode;

/** The best validation loss of a run, or null when it never validated. */
export function bestVal(run: ArchivedRun): number | null {
  const vals = run.view.points.map((p) => p.valLoss).filter((v): v is number => v !== null);
  return vals.length ? Math.min(...vals) : null;
}

/** How long a run took, e.g. "2m 05s". */
function duration(run: ArchivedRun): string {
  const s = Math.round(run.view.points.at(-1)?.elapsedSeconds ?? 0);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The run's name in the view: the user's, else its model and when it ended. */
export function runName(run: ArchivedRun): string {
  const model = run.view.title.includes(' — ') ? run.view.title.split(' — ').slice(1).join(' — ') : run.view.title;
  return run.name || `${model}, ${formatStartedAt(run.endedAt)}`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly runs: Runs) {
    this.listener = runs.onDidArchive(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) return this.files();
    if (node.kind === 'file')
      return this.runs.archive.list(node.folder).map((run) => ({ kind: 'run', folder: node.folder, run }));
    return [];
  }

  /** The files with kept runs, by the newest run first. */
  private files(): FileNode[] {
    const files = this.runs.store
      .folders()
      .map((folder) => ({ folder, newest: this.runs.archive.list(folder)[0] }))
      .filter((f) => f.newest !== undefined)
      .sort((a, b) => b.newest.endedAt - a.newest.endedAt);
    return files.map(({ folder, newest }) => ({ kind: 'file', uri: newest.uri, fileName: newest.fileName, folder }));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.fileName, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = vscode.Uri.parse(node.uri);
      item.description =
        vscode.Uri.parse(node.uri).scheme === 'file' ? vscode.workspace.asRelativePath(vscode.Uri.parse(node.uri)) : '';
      item.contextValue = 'seqlab.runsFile';
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    const { run } = node;
    const item = new vscode.TreeItem(runName(run), vscode.TreeItemCollapsibleState.None);
    const best = bestVal(run);
    const last = run.view.points.at(-1);
    item.description = [
      `${last?.step ?? 0} steps`,
      best !== null ? `best val ${best.toFixed(3)}` : 'no validation',
      duration(run),
      run.ended === 'finished' ? '' : run.ended,
    ]
      .filter(Boolean)
      .join(' · ');
    const settings = Object.entries({ ...run.settings.model, ...run.settings.train })
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    item.tooltip = new vscode.MarkdownString(
      `**${runName(run)}** (${basename(vscode.Uri.parse(run.uri).path)})\n\n${run.view.message}\n\n${settings}`,
    );
    item.iconPath = new vscode.ThemeIcon(
      run.pinned
        ? 'pinned'
        : { finished: 'pass', stopped: 'debug-pause', diverged: 'warning', failed: 'error' }[run.ended],
    );
    item.contextValue = run.pinned ? 'seqlab.run.pinned' : 'seqlab.run';
    item.command = { command: 'seqlab.runs.openCurves', title: 'Open curves', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}

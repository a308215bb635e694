// The panel of "Compare selected" (and of one run's "Open curves"): the runs' training and validation
// curves overlaid, and a table of the settings that differ between them and their results
// (webview/compare.ts draws it).

import * as vscode from 'vscode';
import { ComparedRun, CompareView } from '../protocol';
import { ArchivedRun } from './runArchive';
import { bestVal, runName } from './runsTree';
import { SingletonPanel } from './singletonPanel';

/** A run as the panel compares it: characters seen = steps × B × T of its settings (B streams of T tokens a step). */
export function comparedRun(run: ArchivedRun): ComparedRun {
  const { train, model } = run.settings;
  const perStep = train.batchSize * train.seqLength;
  const points = run.view.points.map((p) => ({
    step: p.step,
    chars: p.step * perStep,
    seconds: p.elapsedSeconds,
    loss: p.loss,
    valLoss: p.valLoss,
  }));
  const last = run.view.points.at(-1);
  const finalVal = [...run.view.points].reverse().find((p) => p.valLoss !== null)?.valLoss ?? null;
  const settings: ComparedRun['settings'] = {};
  for (const [k, v] of Object.entries({ ...model, ...train }))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') settings[k] = v;
  return {
    id: run.id,
    name: `${run.fileName} — ${runName(run)}`,
    settings,
    points,
    results: {
      bestVal: bestVal(run),
      finalVal,
      steps: last?.step ?? 0,
      seconds: last?.elapsedSeconds ?? 0,
      charsPerSec: last?.charsPerSec ?? 0,
      ended: run.ended,
    },
  };
}

export class CompareRunsPanel {
  static readonly viewType = 'seqlab.compareRuns';
  private static readonly panel = new SingletonPanel<CompareView>({
    viewType: CompareRunsPanel.viewType,
    title: 'SeqLab runs',
    tabTitle: (v) => v.title,
    webview: 'compare',
    showOptions: vscode.ViewColumn.Active,
    what: 'runs comparison',
    message: (view) => ({ type: 'compare', view }),
  });

  /** Shows the runs in the one panel (opening it when closed). */
  static show(extensionUri: vscode.Uri, runs: ArchivedRun[]): CompareView {
    const view: CompareView = {
      title: runs.length === 1 ? `SeqLab run — ${runName(runs[0])}` : `SeqLab: ${runs.length} runs compared`,
      runs: runs.map(comparedRun),
    };
    CompareRunsPanel.panel.show(extensionUri, view).reveal();
    return view;
  }

  static serializer(extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return CompareRunsPanel.panel.serializer(extensionUri);
  }
}

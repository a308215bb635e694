// "Compare cells": RNN, GRU and LSTM trained on the active file with one step budget, beside the
// file's own model (never replacing it). The diagnostics panel opens at the start, says which
// model is training, and fills in each model's charts as it finishes; afterwards the sidebar and
// status bar show the file's own model again.

import * as vscode from 'vscode';
import { DiagnosticsReport, DiagnosticsView } from '../protocol';
import { diagnoseModel } from './diagnose';
import { DiagnosticsPanel } from './diagnosticsPanel';
import { documentName, Runs } from './runs';

const CELLS = ['rnn', 'gru', 'lstm'] as const;

export async function compareCells(
  extensionUri: vscode.Uri,
  runs: Runs,
  doc: vscode.TextDocument,
  steps: number,
  clip?: number,
): Promise<DiagnosticsReport[]> {
  const reports: DiagnosticsReport[] = [];
  const clipping = clip === 0 ? ', gradient clipping off' : '';
  const view = (status: string): DiagnosticsView => ({
    subject: `Compare cells on ${documentName(doc.uri)}: RNN, GRU and LSTM, ${steps} steps each${clipping}`,
    status,
    outdated: '',
    reports: [...reports],
  });
  const place = (i: number) => `${CELLS[i].toUpperCase()}: model ${i + 1} of ${CELLS.length}`;
  DiagnosticsPanel.show(extensionUri, doc.uri, false, view(`Starting ${place(0)}…`));
  try {
    for (const [i, cell] of CELLS.entries()) {
      const comparison = { index: i + 1, count: CELLS.length };
      await runs.start(doc, 'char', false, { cell, steps, clip, tag: cell, comparison });
      let shownAt = 0; // the header changes at most 4 times a second, however fast the steps
      const live = runs.onDidChange((m) => {
        const p = m.type === 'progress' ? m.points[m.points.length - 1] : undefined;
        if (!p || performance.now() - shownAt < 250) return;
        shownAt = performance.now();
        DiagnosticsPanel.setStatus(doc.uri, `Training ${place(i)}, step ${p.step}/${p.totalSteps}`);
      });
      await runs.waitForEnd().finally(() => live.dispose());
      const state = runs.view?.state;
      if (state !== 'done') {
        // Stopped or failed: the panel keeps the models that finished and says why the rest are missing.
        DiagnosticsPanel.update(doc.uri, false, view(`${place(i)} ${state}: ${runs.view?.message ?? ''}`));
        return reports;
      }
      DiagnosticsPanel.update(doc.uri, false, view(`Diagnosing ${place(i)}…`));
      const report = await diagnoseModel(runs, doc.uri, cell);
      const lossCurve = runs.view!.points.map((p) => ({ step: p.step, loss: p.loss, valLoss: p.valLoss }));
      reports.push({ ...report, lossCurve });
      DiagnosticsPanel.update(doc.uri, false, view(i + 1 < CELLS.length ? `Starting ${place(i + 1)}…` : ''));
    }
    return reports;
  } finally {
    runs.showModelOf(doc.uri);
  }
}

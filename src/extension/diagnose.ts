// Running the diagnostics of a document's model: the window of its text, the report the worker
// computes, and what the run that trained the model kept; and naming what the panel shows.

import * as vscode from 'vscode';
import { OPTIONS } from '../engine/options';
import { DiagnosticsReport, formatStartedAt } from '../protocol';
import { documentName, Runs } from './runs';

/**
 * The diagnostics of a document's model (tag: a Compare cell's) on the start of its text, with
 * the schema's window length, and the gradient norms, snapshots and clip events of the run that
 * trained that model when the host keeps it.
 */
export async function diagnoseModel(runs: Runs, uri: vscode.Uri, tag = ''): Promise<DiagnosticsReport> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const training = runs.trainingRun(uri, tag);
  const report = await runs.infer(
    uri,
    {
      kind: 'diagnose',
      text: doc.getText().slice(0, 200000),
      steps: OPTIONS.diagnoseSteps.default,
      clipEvents: training?.clipEvents ?? [],
    },
    tag,
  );
  return training ? { ...report, gradNormCurve: training.gradNormCurve, snapshots: training.snapshots } : report;
}

/** What the diagnostics of a document's own model show: "story.txt — LSTM-128, trained 2 Dec 2026, 09:41". */
export function modelSubject(runs: Runs, uri: vscode.Uri, label: string): string {
  const view = runs.modelRun(uri)?.view;
  const title = view?.title ?? `${documentName(uri)} — ${label}`;
  return view?.startedAt ? `${title}, trained ${formatStartedAt(view.startedAt)}` : title;
}

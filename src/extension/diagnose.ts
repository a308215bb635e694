// Running the diagnostics of a document's model: the window of its text, the report the worker
// computes, and what the run that trained the model kept; and naming what the panel shows.

import * as vscode from 'vscode';
import { OPTIONS } from '../engine/options';
import { DiagnosticsReport, formatStartedAt } from '../protocol';
import { documentName, Runs } from './runs';

/** Characters of a document the diagnostics read: its start, cut at a line end (a task file's rows stay whole). */
const DIAGNOSED_CHARS = 200000;

/** The start of a text up to `max` characters, ending at the end of a line when it is cut. */
export function leadingLines(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, text.lastIndexOf('\n', max) + 1 || max);
}

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
      text: leadingLines(doc.getText(), DIAGNOSED_CHARS),
      name: documentName(uri),
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

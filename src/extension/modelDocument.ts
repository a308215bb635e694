// Which document's model a command uses, and how SeqLab names that model and the files made from it.

import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import type { ModelDescription } from '../protocol';
import { modelFileStem } from './modelFileNames';
import { documentName, Runs } from './runs';

/** The document whose model a command uses: the active editor's when it has one, else the sidebar's run. */
export function modelDocumentUri(runs: Runs): vscode.Uri {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && runs.store.hasModel(doc.uri)) return doc.uri;
  const shown = runs.shownUri();
  if (shown && runs.store.hasModel(shown)) return shown;
  throw new SeqLabError('there is no trained model yet; run "SeqLab: Train model on this file" first.');
}

/** The folder a file made from a document's model goes into: the document's; for an untitled one, the workspace's. */
export function documentFolder(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme !== 'untitled') return uri.with({ path: dirname(uri.path) });
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export interface ModelName {
  label: string; // e.g. "LSTM-128"
  title: string; // e.g. "story.txt — LSTM-128", as the sidebar names the run
  stem: string; // e.g. "story.txt.lstm-128", the start of the names of files made from it
  description: ModelDescription; // what its checkpoint says it is (its task, labels, step)
}

/** How a document's model is named on screen and in file names (its label read from its checkpoint). */
export async function modelName(runs: Runs, uri: vscode.Uri): Promise<ModelName> {
  const description = await runs.infer(uri, { kind: 'describe' });
  const { label } = description;
  const name = documentName(uri);
  return { label, title: `${name} — ${label}`, stem: modelFileStem(basename(name), label), description };
}

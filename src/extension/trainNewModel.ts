// "Train model on this file" (and its word twin) when the file already has a model: SeqLab asks first
// (Replace / Keep both / Cancel) and never drops the previous checkpoint without consent. Keep
// both saves it beside the file as "<file>.<cell>-<size>.safetensors" (Load model… brings it back).

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { documentFolder, modelName } from './modelDocument';
import { freeName } from './modelFileNames';
import { Runs } from './runs';
import { announceSaved } from './saveModel';

/** The answer to the question, given in advance (the tests; a script): no dialog then. */
export interface TrainArgs {
  ifModelExists?: 'replace' | 'keepBoth';
}

/** Trains a new model on the document, asking first when it has one; resolves when the training started or was cancelled. */
export function trainNewModel(runs: Runs, doc: vscode.TextDocument, level: 'char' | 'word', args: TrainArgs = {}) {
  return runs.start(doc, level, false, { confirm: () => replaceOrKeep(runs, doc, args.ifModelExists) });
}

/** Whether to go on: true once the user chose Replace, or Keep both and the previous model is saved. */
async function replaceOrKeep(runs: Runs, doc: vscode.TextDocument, answer?: TrainArgs['ifModelExists']) {
  if (!runs.store.hasModel(doc.uri)) return true;
  const model = await modelName(runs, doc.uri);
  const folder = documentFolder(doc.uri) ?? vscode.Uri.file(homedir());
  const keptName = freeName(model.stem, '.safetensors', (n) => existsSync(vscode.Uri.joinPath(folder, n).fsPath));
  const kept = vscode.Uri.joinPath(folder, keptName);
  const choice =
    answer ??
    CHOICES[
      (await vscode.window.showWarningMessage(
        `${model.title} is this file's model. A new training replaces it.`,
        {
          modal: true,
          detail: `Keep both saves the current model as ${kept.fsPath} first; Load model… brings it back.`,
        },
        'Replace',
        'Keep both',
      )) ?? 'Cancel'
    ];
  if (choice === undefined) return false;
  if (choice === 'keepBoth') {
    await vscode.workspace.fs.copy(vscode.Uri.file(runs.store.checkpointPath(doc.uri)), kept, { overwrite: false });
    announceSaved(`kept the previous model, ${model.title}, as ${kept.fsPath}`, kept);
  }
  return true;
}

const CHOICES: Record<string, TrainArgs['ifModelExists']> = { Replace: 'replace', 'Keep both': 'keepBoth' };

// "Predict file": the active tagging or classification document with its model's tags or labels in
// place of its gold column (appended where it has none), in a new untitled document named after the
// model, e.g. "names.conll.lstm-64.predicted.conll". A language model's document gets a message instead.

import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { predictedLabels, withPredictions } from '../engine/tasks/predictions';
import { documentFolder, ModelName, modelName } from './modelDocument';
import { freeName } from './modelFileNames';
import { documentName, Runs } from './runs';

/** An untitled document beside the file, named after the model, with the file's extension (then -2, -3…). */
function predictionsUri(model: ModelName, source: vscode.Uri): vscode.Uri {
  const folder = documentFolder(source);
  const uriOf = (name: string) =>
    vscode.Uri.from({ scheme: 'untitled', path: folder ? join(folder.path, name) : name });
  const name = freeName(
    `${model.stem}.predicted`,
    extname(basename(source.path)) || '.txt',
    (n) =>
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === uriOf(n).toString()) ||
      (folder?.scheme === 'file' && existsSync(join(folder.fsPath, n))),
  );
  return uriOf(name);
}

/** Runs the document's model on its text and opens the predictions. */
export async function predictFile(runs: Runs, doc: vscode.TextDocument): Promise<vscode.TextDocument> {
  if (!runs.store.hasModel(doc.uri))
    throw new SeqLabError(
      'this file has no trained model yet; train a tagger (.conll, .tags) or a classifier (.tsv) on it first.',
    );
  const model = await modelName(runs, doc.uri);
  if (model.description.task === 'lm')
    throw new SeqLabError(
      "Predict file is for taggers and classifiers; this file's model is a language model (try Sample text).",
    );
  const text = doc.getText();
  const prediction = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SeqLab: predicting with ${model.title}…` },
    () => runs.infer(doc.uri, { kind: 'predict', text, name: documentName(doc.uri), topK: 1 }),
  );
  const out = await vscode.workspace.openTextDocument(predictionsUri(model, doc.uri));
  const editor = await vscode.window.showTextDocument(out, { preview: false });
  const written = withPredictions(text, predictedLabels(prediction.examples));
  if (!(await editor.edit((b) => b.insert(new vscode.Position(0, 0), written))))
    throw new Error(`could not write the predictions into ${out.uri.path}`);
  return out;
}

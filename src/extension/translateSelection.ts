// "Translate selection": an encoder–decoder's output for each selected line (of every selection; an
// empty selection stands for its line), greedy as the sidebar's exact match scores it. Replace puts the
// outputs in place of the selected lines; Annotate writes " → output" after each. A line with a tab
// (source<TAB>target) is translated from its source column. The model: the active file's when it is an
// encoder–decoder, else the sidebar's.

import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { documentName, Runs } from './runs';

export type TranslateMode = 'replace' | 'annotate';

/** Values that skip the question (the tests pass it). */
export interface TranslateArgs {
  mode?: TranslateMode;
}

/** The first of the active file's and the sidebar's models that is an encoder–decoder, and its label. */
async function encoderDecoderUri(runs: Runs, editor: vscode.TextEditor): Promise<vscode.Uri> {
  const candidates = [editor.document.uri, runs.shownUri()].filter(
    (u): u is vscode.Uri => u !== undefined && u !== null && runs.store.hasModel(u),
  );
  for (const uri of candidates) if ((await runs.infer(uri, { kind: 'load' })).task === 'seq2seq') return uri;
  throw new SeqLabError(
    'Translate selection needs an encoder–decoder: train one on a source<TAB>target .tsv file (SeqLab: Train model on this file) and keep its run in the sidebar.',
  );
}

/** The ranges translated: each selected line's selected part (a whole line for an empty selection). */
function selectedLines(editor: vscode.TextEditor): vscode.Range[] {
  const doc = editor.document;
  return editor.selections.flatMap((s) => {
    if (s.isEmpty) return [doc.lineAt(s.active.line).range];
    const lines = [];
    for (let line = s.start.line; line <= s.end.line; line++) {
      const range = doc.lineAt(line).range.intersection(s);
      if (range && !range.isEmpty) lines.push(range);
    }
    return lines;
  });
}

async function askMode(): Promise<TranslateMode | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Replace', description: 'the selected text with the output', mode: 'replace' as const },
      { label: 'Annotate', description: 'write " → output" after the selected text', mode: 'annotate' as const },
    ],
    { title: 'SeqLab: Translate selection' },
  );
  return picked?.mode;
}

/** Translates the selections in place; returns the outputs in document order, or undefined when cancelled. */
export async function translateSelection(
  runs: Runs,
  editor: vscode.TextEditor,
  args: TranslateArgs = {},
): Promise<string[] | undefined> {
  const ranges = selectedLines(editor)
    .filter((r) => editor.document.getText(r).trim() !== '')
    .sort((a, b) => a.start.compareTo(b.start));
  if (!ranges.length) throw new SeqLabError('select the text to translate (a line per source) first.');
  const uri = await encoderDecoderUri(runs, editor);
  const mode = args.mode ?? (await askMode());
  if (!mode) return undefined;
  const sources = ranges.map((r) => editor.document.getText(r).split('\t')[0]);
  const { translations, label } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `SeqLab: translating with ${documentName(uri)} — …` },
    () => runs.infer(uri, { kind: 'translate', sources, targets: [], beam: 1 }),
  );
  const outputs = translations.map((t) => t.greedy);
  const done = await editor.edit((b) =>
    ranges.forEach((r, i) => (mode === 'replace' ? b.replace(r, outputs[i]) : b.insert(r.end, ` → ${outputs[i]}`))),
  );
  if (!done) throw new Error(`could not write the outputs of ${label} into ${documentName(editor.document.uri)}`);
  return outputs;
}

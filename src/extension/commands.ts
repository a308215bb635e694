// The palette commands. Each one reports bad input as one clear message and leaves everything as it was.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { defaultLabConfig, LabConfig } from '../engine/lab';
import { allowedValues, isAllowed, NumberOption, OPTIONS } from '../engine/options';
import { compareCells } from './compareCells';
import { diagnoseModel, modelSubject } from './diagnose';
import { DiagnosticsPanel } from './diagnosticsPanel';
import { errorText, showError } from './errors';
import { InlineSampleProvider } from './inlineSample';
import { runLongMemoryLab } from './longMemoryLab';
import { Runs } from './runs';
import { setting } from './settings';

export interface SampleArgs {
  prime?: string;
  length?: number;
  temperature?: number;
}

function activeDocument(): vscode.TextDocument {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) throw new SeqLabError('open a text file first, then run this command from the editor.');
  return doc;
}

/** The document whose model a command uses: the active editor's when it has one, else the sidebar's run. */
function modelDocumentUri(runs: Runs): vscode.Uri {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && runs.store.hasModel(doc.uri)) return doc.uri;
  const shown = runs.shownUri();
  if (shown && runs.store.hasModel(shown)) return shown;
  throw new SeqLabError('there is no trained model yet; run "SeqLab: Train char model on this file" first.');
}

/** Asks for a number the option allows, proposing its setting's value. */
async function askNumber(prompt: string, value: number, option: NumberOption): Promise<number | undefined> {
  const s = await vscode.window.showInputBox({
    prompt,
    value: String(value),
    validateInput: (v) => (v.trim() !== '' && isAllowed(option, Number(v)) ? undefined : allowedValues(option)),
  });
  return s === undefined ? undefined : Number(s);
}

export function registerCommands(context: vscode.ExtensionContext, runs: Runs, inline: InlineSampleProvider): void {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R> | R) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (e) {
        showError(errorText(e)); // the one message: the command resolves, so VS Code adds none of its own
        return undefined;
      }
    };
  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, guard(fn as (...a: unknown[]) => unknown)));

  register('seqlab.trainChar', () => runs.start(activeDocument(), 'char'));
  register('seqlab.trainWord', () => runs.start(activeDocument(), 'word'));
  register('seqlab.stop', () => runs.stop());
  register('seqlab.resume', async () => {
    const uri = runs.shownUri();
    if (!uri || !runs.view?.canResume) throw new SeqLabError('there is no stopped training to resume.');
    const doc = await vscode.workspace.openTextDocument(uri).then(undefined, () => {
      throw new SeqLabError('the file this model was trained on is gone; train a new model instead.');
    });
    return runs.start(doc, runs.view.level, true);
  });

  register('seqlab.sampleText', async (args?: SampleArgs) => {
    const uri = modelDocumentUri(runs);
    const prime =
      args?.prime ??
      (await vscode.window.showInputBox({ prompt: 'Primer text (empty: start from nothing)', value: '' }));
    if (prime === undefined) return undefined;
    const length = args?.length ?? (await askNumber('How many characters?', setting('length'), OPTIONS.length));
    if (length === undefined) return undefined;
    const temperature =
      args?.temperature ??
      (await askNumber('Temperature (lower: safer, higher: wilder)', setting('temperature'), OPTIONS.temperature));
    if (temperature === undefined) return undefined;
    const text = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SeqLab: sampling…' },
      () => runs.infer(uri, { kind: 'sample', options: { prime, length, temperature, seed: Date.now() % 1e9 } }),
    );
    const doc = await vscode.workspace.openTextDocument({ content: prime + text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  });

  register('seqlab.sampleFromCursor', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new SeqLabError('place the cursor in a text file first.');
    if (!runs.store.hasModel(editor.document.uri))
      throw new SeqLabError('this file has no trained model yet; run "SeqLab: Train char model on this file" first.');
    return inline.sampleAtCursor(editor);
  });

  // The diagnostics of a file's model: the active editor's (or the sidebar's), or args.uri's (the panel's Refresh).
  register('seqlab.openDiagnostics', async (args?: { uri?: vscode.Uri }) => {
    const uri = args?.uri ?? modelDocumentUri(runs);
    const report = await diagnoseModel(runs, uri);
    const subject = modelSubject(runs, uri, report.label);
    DiagnosticsPanel.show(context.extensionUri, uri, true, { subject, status: '', outdated: '', reports: [report] });
    return [report];
  });

  register('seqlab.compareCells', (args?: { steps?: number }) =>
    compareCells(context.extensionUri, runs, activeDocument(), args?.steps ?? setting('compareSteps')),
  );
  // The same models with clipping off (clip 0): their gradient norms show what clipping prevents.
  register('seqlab.compareCellsWithoutClipping', (args?: { steps?: number }) =>
    compareCells(context.extensionUri, runs, activeDocument(), args?.steps ?? setting('compareSteps'), 0),
  );

  // The lab's budget is the schema's (seqlab lab's defaults); the tests pass a smaller one.
  register('seqlab.longMemoryLab', (args?: Partial<LabConfig>) =>
    runLongMemoryLab(context, runs, { ...defaultLabConfig, ...args }),
  );

  register('seqlab.saveModel', async (args?: { to?: vscode.Uri }) => {
    const uri = modelDocumentUri(runs);
    const target =
      args?.to ??
      (await vscode.window.showSaveDialog({
        filters: { 'SeqLab checkpoint': ['safetensors'] },
        saveLabel: 'Save model',
      }));
    if (!target) return undefined;
    await vscode.workspace.fs.copy(vscode.Uri.file(runs.store.checkpointPath(uri)), target, { overwrite: true });
    return target;
  });

  register('seqlab.loadModel', async (args?: { from?: vscode.Uri }) => {
    const doc = activeDocument();
    const from =
      args?.from ??
      (
        await vscode.window.showOpenDialog({ filters: { 'SeqLab checkpoint': ['safetensors'] }, canSelectMany: false })
      )?.[0];
    if (!from) return undefined;
    if (!existsSync(from.fsPath)) throw new SeqLabError(`${from.fsPath} does not exist.`);
    await runs.adopt(doc, from.fsPath);
    return runs.view;
  });

  register('seqlab.exportTorch', async (args?: { to?: vscode.Uri }) => {
    const uri = modelDocumentUri(runs);
    const to =
      args?.to ??
      (await vscode.window.showSaveDialog({
        filters: { 'PyTorch safetensors': ['safetensors'] },
        saveLabel: 'Export for PyTorch',
      }));
    if (!to) return undefined;
    await runs.infer(uri, { kind: 'export', outPath: to.fsPath });
    void vscode.window.showInformationMessage(
      `SeqLab: exported ${to.fsPath} (load it into nn.LSTM/GRU/RNN + nn.Linear; see the README).`,
    );
    return to;
  });
}

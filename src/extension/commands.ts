// The palette commands. Each one reports bad input as one clear message and leaves everything as it was.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { defaultLabConfig, LabConfig } from '../engine/lab';
import { compareCells } from './compareCells';
import { diagnoseModel, modelSubject } from './diagnose';
import { DiagnosticsPanel } from './diagnosticsPanel';
import { errorText, showError } from './errors';
import { ModelHoverProvider } from './hoverProvider';
import { InlineSampleProvider } from './inlineSample';
import { findNeurons, hideColouring, showNeuron, toggleSurprise } from './insideCommands';
import { InsideView, UnitProbe } from './insideView';
import { runLongMemoryLab } from './longMemoryLab';
import { modelDocumentUri } from './modelDocument';
import { predictFile } from './predictFile';
import { exportTorch, exportTorchProject, importTorch } from './pytorch';
import { Runs } from './runs';
import { registerRunsCommands } from './runsCommands';
import { SweepArgs, sweepSettings } from './sweepSettings';
import { RunsTreeProvider } from './runsTree';
import { sampleText, SampleArgs } from './sampleText';
import { saveModel } from './saveModel';
import { setting } from './settings';
import { TrainArgs, trainNewModel } from './trainNewModel';
import { TranslateArgs, translateSelection } from './translateSelection';

function activeDocument(): vscode.TextDocument {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) throw new SeqLabError('open a text file first, then run this command from the editor.');
  return doc;
}

/** The active editor, whose document has a model (for the commands that work at its cursor). */
function editorWithModel(runs: Runs): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new SeqLabError('place the cursor in a text file first.');
  if (!runs.store.hasModel(editor.document.uri))
    throw new SeqLabError('this file has no trained model yet; run "SeqLab: Train model on this file" first.');
  return editor;
}

export function registerCommands(
  context: vscode.ExtensionContext,
  runs: Runs,
  inline: InlineSampleProvider,
  hover: ModelHoverProvider,
  inside: InsideView,
  runsTree: RunsTreeProvider,
): void {
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

  // "Train model on this file": what the file is for (a language model of characters, a tagger, a
  // classifier of characters); "Train word model": the same, reading words.
  register('seqlab.trainChar', (args?: TrainArgs) => trainNewModel(runs, activeDocument(), 'char', args));
  register('seqlab.trainWord', (args?: TrainArgs) => trainNewModel(runs, activeDocument(), 'word', args));
  register('seqlab.stop', () => runs.stop());
  register('seqlab.resume', async () => {
    const uri = runs.shownUri();
    // A task model's run never resumes: start() refuses it, naming the model.
    if (!uri || !runs.view || (runs.view.task === 'lm' && !runs.view.canResume))
      throw new SeqLabError('there is no stopped training to resume.');
    const doc = await vscode.workspace.openTextDocument(uri).then(undefined, () => {
      throw new SeqLabError('the file this model was trained on is gone; train a new model instead.');
    });
    return runs.start(doc, runs.view.level, true);
  });

  register('seqlab.sampleText', (args?: SampleArgs) => sampleText(runs, args));

  register('seqlab.predictFile', () => predictFile(runs, activeDocument()));
  register('seqlab.translateSelection', (args?: TranslateArgs) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new SeqLabError('select text in an editor first.');
    return translateSelection(runs, editor, args);
  });

  registerRunsCommands(context, runs, runsTree, register);
  register('seqlab.sweep', (args?: SweepArgs) => sweepSettings(context.extensionUri, runs, activeDocument(), args));

  register('seqlab.showSurprise', () => toggleSurprise(inside, runs));
  register('seqlab.showNeuron', (args?: UnitProbe) => showNeuron(inside, runs, args));
  register('seqlab.findNeurons', (args?: { pick?: number }) => findNeurons(inside, runs, args));
  register('seqlab.hideColouring', () => hideColouring(inside));
  register('seqlab.sampleFromCursor', () => inline.sampleAtCursor(editorWithModel(runs)));
  register('seqlab.showHover', () => hover.showAtCursor(editorWithModel(runs)));

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

  register('seqlab.saveModel', (args?: { to?: vscode.Uri }) => saveModel(runs, args));

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

  register('seqlab.exportTorch', (args?: { to?: vscode.Uri }) => exportTorch(runs, args));
  register('seqlab.exportTorchProject', (args?: { to?: vscode.Uri }) => exportTorchProject(runs, args));
  register('seqlab.importTorch', (args?: { from?: vscode.Uri }) => importTorch(runs, activeDocument(), args));
}

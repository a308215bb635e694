// SeqLab: train RNN / GRU / LSTM language models on the file in the editor and watch them learn.
// activate() is a list of registrations; each provider lives in its own file.

import * as vscode from 'vscode';
import { ActivityStrip } from './activityStrip';
import { registerCommands } from './commands';
import { CompareRunsPanel } from './compareRunsPanel';
import { RunsTreeProvider } from './runsTree';
import { DiagnosticsPanel } from './diagnosticsPanel';
import { shownErrors } from './errors';
import { ModelHoverProvider } from './hoverProvider';
import { InlineSampleProvider } from './inlineSample';
import { InsideHoverProvider } from './insideHover';
import { InsideView } from './insideView';
import { LabPanel } from './labPanel';
import { ModelStore } from './modelStore';
import { Runs } from './runs';
import { SidebarProvider } from './sidebarProvider';
import { createStatusBar } from './statusBar';

/**
 * What activate() returns: the training runs, for the integration tests, which drive and observe
 * the extension through them (the state they read is the state the extension keeps for itself).
 */
export interface SeqLabApi {
  runs: Runs;
  /** The model's insides on the text: what each editor is coloured with. */
  inside: InsideView;
  /** The Runs view: every file's kept runs. */
  runsTree: RunsTreeProvider;
  /** The sidebar's activity strip of the line at the cursor. */
  activity: ActivityStrip;
  /** The error messages SeqLab has shown, oldest first. */
  shownErrors: () => readonly string[];
}

export function activate(context: vscode.ExtensionContext): SeqLabApi {
  const runs = new Runs(context, new ModelStore(context));
  const inline = new InlineSampleProvider(runs);
  const hover = new ModelHoverProvider(runs);
  const inside = new InsideView(runs);
  const activity = new ActivityStrip(runs);
  const sidebar = new SidebarProvider(context.extensionUri, runs, activity, (m) => {
    if (m.type !== 'command') return;
    const id = {
      train: 'seqlab.trainChar',
      stop: 'seqlab.stop',
      resume: 'seqlab.resume',
      sample: 'seqlab.sampleText',
      diagnostics: 'seqlab.openDiagnostics',
    }[m.command];
    // The sidebar's buttons act on the model it shows; a command shows its own errors and never rejects.
    const shown = runs.shownUri();
    const onShown = shown && (m.command === 'sample' || m.command === 'diagnostics') ? [{ uri: shown }] : [];
    void vscode.commands.executeCommand(id, ...onShown);
  });
  const documents: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
  context.subscriptions.push(
    runs,
    sidebar,
    vscode.window.registerWebviewViewProvider(SidebarProvider.viewId, sidebar, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.window.registerWebviewPanelSerializer(
      DiagnosticsPanel.viewType,
      DiagnosticsPanel.serializer(context.extensionUri),
    ),
    vscode.window.registerWebviewPanelSerializer(LabPanel.viewType, LabPanel.serializer(context.extensionUri)),
    vscode.languages.registerHoverProvider(documents, hover),
    inside,
    activity,
    vscode.languages.registerHoverProvider(documents, new InsideHoverProvider(runs, inside)),
    vscode.languages.registerInlineCompletionItemProvider(documents, inline),
    createStatusBar(runs),
    DiagnosticsPanel.watch(runs),
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && runs.warmUp(editor.document.uri)),
  );
  const runsTree = new RunsTreeProvider(runs);
  context.subscriptions.push(
    runsTree,
    vscode.window.createTreeView('seqlab.runsView', { treeDataProvider: runsTree, canSelectMany: true }),
    vscode.window.registerWebviewPanelSerializer(
      CompareRunsPanel.viewType,
      CompareRunsPanel.serializer(context.extensionUri),
    ),
  );
  registerCommands(context, runs, inline, hover, inside, runsTree);
  return { runs, inside, activity, runsTree, shownErrors };
}

export function deactivate(): void {
  // Workers are terminated by Runs.dispose (a context subscription).
}

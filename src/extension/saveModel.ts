// "Save model as…": the checkpoint of a document's model copied where the user chooses, proposed
// beside the document as "<file>.<cell>-<size>.safetensors", and confirmed with a "Reveal" button.

import * as vscode from 'vscode';
import { documentFolder, modelDocumentUri, ModelName, modelName } from './modelDocument';
import { Runs } from './runs';

/** The file Save model as… proposes: beside the document, e.g. ".../story.txt.lstm-128.safetensors". */
function suggestedUri(model: ModelName, uri: vscode.Uri): vscode.Uri | undefined {
  const folder = documentFolder(uri);
  return folder && vscode.Uri.joinPath(folder, `${model.stem}.safetensors`);
}

/** Shows where the file went: in the Explorer when it is in the workspace, else in the system's file manager. */
function reveal(target: vscode.Uri): Thenable<unknown> {
  const inWorkspace = vscode.workspace.getWorkspaceFolder(target) !== undefined;
  return vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', target);
}

/** Saves the model (to args.to without asking); the file written, or undefined when the user cancelled. */
export async function saveModel(runs: Runs, args: { to?: vscode.Uri } = {}): Promise<vscode.Uri | undefined> {
  const uri = modelDocumentUri(runs);
  const model = await modelName(runs, uri);
  const target =
    args.to ??
    (await vscode.window.showSaveDialog({
      defaultUri: suggestedUri(model, uri),
      filters: { 'SeqLab checkpoint': ['safetensors'] },
      saveLabel: 'Save model',
      title: `SeqLab: Save ${model.title} as`,
    }));
  if (!target) return undefined;
  await vscode.workspace.fs.copy(vscode.Uri.file(runs.store.checkpointPath(uri)), target, { overwrite: true });
  announceSaved(`saved ${model.title} to ${target.fsPath}`, target);
  return target;
}

/** Says where a model file went, with a "Reveal" button; not awaited: a command ends whether or not the user clicks. */
export function announceSaved(message: string, target: vscode.Uri): void {
  void vscode.window
    .showInformationMessage(`SeqLab: ${message}`, 'Reveal')
    .then((choice) => (choice === 'Reveal' ? reveal(target) : undefined));
}
